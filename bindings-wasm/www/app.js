// The prescriber calculator: pick drugs, enter gene results or drop a VCF,
// read the CPIC and DPWG guidance. Everything runs in this page through the
// dosera WebAssembly module; nothing is sent anywhere. Text from the engine
// and from files is always set as text, never as markup.

import init, { Engine, actionText, matchDoseText, nonAnswerText, reportHtml, strengthText } from './pkg/dosera.js';
import { LANGS, t } from './i18n.js';

const state = {
  lang: 'en',
  tab: 'enter',
  drugs: [],
  genes: {}, // symbol -> { mode, a1, a2, text, phenotype, score, other }
  vcf: null, // { name, result, index }
  assumeReference: false,
};

let engine = null;
let catalog = { drugs: [], genes: new Map(), packs: null };
const choiceCache = new Map();
const alleleCache = new Map();

// ---------------------------------------------------------------- helpers

/** Element with attributes and children (strings become text nodes). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const $ = (id) => document.getElementById(id);
const L = (key) => t(state.lang, key);

function describeError(e) {
  if (e && e.name === 'DoseraError') return `${e.message} (${e.codeName} ${e.code})`;
  // A bug inside the module stops it: say so, and that a reload starts over.
  if (e instanceof WebAssembly.RuntimeError) return `internal error (901): ${e.message}. Reload the page.`;
  return String(e && e.message ? e.message : e);
}

function choices(gene) {
  if (!choiceCache.has(gene)) choiceCache.set(gene, engine.choices(gene));
  return choiceCache.get(gene);
}

function alleles(gene) {
  if (!alleleCache.has(gene)) {
    let list = [];
    try {
      list = engine.alleles(gene);
    } catch {
      list = [];
    }
    alleleCache.set(gene, list);
  }
  return alleleCache.get(gene);
}

// ------------------------------------------------------------------ drugs

function addDrug(raw) {
  const name = raw.trim().toLowerCase();
  const status = $('drug-status');
  status.textContent = '';
  if (!name) return;
  const drug = catalog.drugs.find((d) => d.name === name);
  if (!drug) {
    status.textContent = `${L('unknownDrug')} “${raw.trim()}”.`;
    return;
  }
  if (!state.drugs.includes(drug.name)) state.drugs.push(drug.name);
  $('drug-input').value = '';
  rereadVcf();
  render({ reveal: true });
}

function removeDrug(name) {
  state.drugs = state.drugs.filter((d) => d !== name);
  rereadVcf();
  render();
  $('drug-input').focus();
}

function renderDrugs() {
  const list = $('drug-chips');
  list.replaceChildren();
  if (state.drugs.length === 0) {
    list.append(h('li', { class: 'muted' }, L('noDrugs')));
    return;
  }
  for (const name of state.drugs) {
    const info = catalog.drugs.find((d) => d.name === name);
    list.append(
      h('li', { class: 'chip' },
        h('span', {}, name),
        h('span', { class: 'small muted' }, ` (${info.genes.join(', ')}; ${info.sources.map((s) => s.toUpperCase()).join(', ')})`),
        h('button', {
          type: 'button',
          class: 'remove',
          'aria-label': `${L('removeDrug')} ${name}`,
          onclick: () => removeDrug(name),
        }, '×')));
  }
}

// ------------------------------------------------------------------ genes

/** Genes the chosen drugs' guidelines use, alphabetical. */
function neededGenes() {
  const set = new Set();
  for (const name of state.drugs) {
    const info = catalog.drugs.find((d) => d.name === name);
    for (const g of info?.genes ?? []) set.add(g);
  }
  return [...set].sort();
}

function geneState(symbol) {
  if (!state.genes[symbol]) {
    state.genes[symbol] = { mode: 'diplotype', a1: '', a2: '', text: '', phenotype: '', score: '', other: '' };
    const c = choices(symbol);
    if (alleles(symbol).length === 0) {
      state.genes[symbol].mode = c.phenotypes.length ? 'phenotype' : c.other_keys.length ? 'other' : 'diplotype';
    }
  }
  return state.genes[symbol];
}

/** The value a gene row stands for, or '' when not tested. */
function geneValue(symbol) {
  const g = geneState(symbol);
  switch (g.mode) {
    case 'diplotype':
      // The text field holds the value; the pickers write into it.
      return g.text.trim();
    case 'phenotype':
      return g.phenotype;
    case 'score':
      return g.score.trim();
    case 'other':
      return g.other;
    default:
      return '';
  }
}

/**
 * The two alleles a typed value names, when it reads as one diplotype of
 * alleles the pickers offer; otherwise null (a phenotype, a score, several
 * candidates, an allele the pickers do not list, or text the engine cannot
 * read).
 */
function pickerPair(symbol, value) {
  if (!value.trim()) return null;
  let r;
  try {
    r = engine.interpret(symbol, value);
  } catch {
    return null;
  }
  if (r.kind !== 'diplotype' || r.candidates.length !== 1) return null;
  const pair = r.candidates[0].alleles ?? [];
  const known = new Set(alleles(symbol).map((a) => a.name));
  return pair.length === 2 && pair.every((a) => known.has(a)) ? pair : null;
}

function select(id, label, options, value, onchange, cls) {
  return h('label', { for: id, class: cls },
    h('span', { class: 'lbl' }, label),
    h('select', { id, onchange: (e) => onchange(e.target.value) },
      h('option', { value: '' }, L('choose')),
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
}

function geneRow(symbol) {
  const g = geneState(symbol);
  const c = choices(symbol);
  const list = alleles(symbol);
  const id = (part) => `g-${symbol}-${part}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const modes = [['none', L('modeNone')]];
  if (list.length) modes.unshift(['diplotype', L('modeDiplotype')]);
  if (c.phenotypes.length) modes.push(['phenotype', L('modePhenotype')]);
  if (c.activity_scores.length) modes.push(['score', L('modeScore')]);
  if (c.other_keys.length) modes.push(['other', L('modeOther')]);
  if (!modes.some(([m]) => m === g.mode)) g.mode = modes[0][0];

  const update = (field) => (value) => {
    g[field] = value;
    changed(symbol);
  };
  const fields = [];
  if (g.mode === 'diplotype') {
    const opts = list.map((a) => [a.name, a.function ? `${a.name} — ${a.function}` : a.name]);
    // Pickers and text follow each other: two chosen alleles write the text;
    // a typed diplotype of listed alleles sets both pickers, anything else
    // (a phenotype, a score, candidates, an unknown allele) clears them.
    const picked = (field) => (value) => {
      g[field] = value;
      g.text = g.a1 && g.a2 ? `${g.a1}/${g.a2}` : '';
      const text = $(id('text'));
      if (text) text.value = g.text;
      changed(symbol);
    };
    const typed = (value) => {
      g.text = value;
      const pair = pickerPair(symbol, value);
      [g.a1, g.a2] = pair ?? ['', ''];
      for (const [part, v] of [['a1', g.a1], ['a2', g.a2]]) {
        const el = $(id(part));
        if (el) el.value = v;
      }
      changed(symbol);
    };
    fields.push(select(id('a1'), L('allele1'), opts, g.a1, picked('a1')));
    fields.push(select(id('a2'), L('allele2'), opts, g.a2, picked('a2')));
    fields.push(h('label', { for: id('text'), class: 'wide' },
      h('span', { class: 'lbl' }, L('orType')),
      h('input', {
        id: id('text'), type: 'text', value: g.text, placeholder: '*1/*2', autocomplete: 'off',
        spellcheck: 'false', oninput: (e) => typed(e.target.value),
      })));
  } else if (g.mode === 'phenotype') {
    fields.push(select(id('phenotype'), L('phenotype'), c.phenotypes.map((p) => [p, p]), g.phenotype, update('phenotype'), 'wide'));
  } else if (g.mode === 'score') {
    fields.push(h('label', { for: id('score'), class: 'wide' },
      h('span', { class: 'lbl' }, L('score')),
      h('input', {
        id: id('score'), type: 'text', inputmode: 'decimal', value: g.score, list: id('scores'),
        placeholder: c.activity_scores[0] ?? '1.0', autocomplete: 'off',
        oninput: (e) => update('score')(e.target.value),
      }),
      h('datalist', { id: id('scores') }, c.activity_scores.map((s) => h('option', { value: s })))));
  } else if (g.mode === 'other') {
    fields.push(select(id('other'), L('other'), c.other_keys.map((k) => [k, k]), g.other, update('other'), 'wide'));
  }
  return h('fieldset', { class: 'gene', 'data-gene': symbol },
    h('legend', {}, symbol),
    h('div', { class: 'fields' },
      select(id('mode'), L('givenAs'), modes, g.mode, (v) => {
        g.mode = v || 'none';
        renderGenes();
        $(id('mode'))?.focus();
        renderResults({ reveal: true });
      }, 'wide'),
      fields),
    h('output', { id: id('out'), class: 'derived', for: fields.length ? undefined : id('mode'), 'aria-live': 'polite' }));
}

/** Shows what the engine reads from a gene row, or why it cannot. */
function renderGeneOutput(symbol) {
  const out = document.getElementById(`g-${symbol}-out`.replace(/[^A-Za-z0-9_-]/g, '_'));
  if (!out) return;
  out.replaceChildren();
  out.classList.remove('bad');
  const value = geneValue(symbol);
  if (!value) {
    const g = geneState(symbol);
    const half = g.mode === 'diplotype' && (g.a1 || g.a2);
    out.append(h('span', { class: 'muted' }, L(half ? 'chooseBoth' : 'notTested')));
    return;
  }
  try {
    const r = engine.interpret(symbol, value);
    for (const cand of r.candidates) {
      const parts = cand.calls.map((c) => `${c.source.toUpperCase()}: ${c.phenotype ?? c.lookup_keys.join(' / ')}${c.activity_score ? ` (${L('activityScore')} ${c.activity_score})` : ''}`);
      out.append(h('div', {}, `${cand.label} → ${parts.join(' · ')}`));
    }
  } catch (e) {
    out.classList.add('bad');
    out.append(h('span', { role: 'alert' }, `${L('error')}: ${describeError(e)}`));
  }
}

/** A gene row's value changed: its reading and the results follow. */
function changed(symbol) {
  renderGeneOutput(symbol);
  renderResults({ reveal: true });
}

function renderGenes() {
  const box = $('gene-rows');
  box.replaceChildren();
  const genes = neededGenes();
  if (genes.length === 0) {
    box.append(h('p', { class: 'muted' }, L('pickDrugFirst')));
    return;
  }
  for (const g of genes) box.append(geneRow(g));
  for (const g of genes) renderGeneOutput(g);
}

// -------------------------------------------------------------------- VCF

async function readVcf(file) {
  const status = $('vcf-status');
  status.className = '';
  status.textContent = `${L('reading')} ${file.name}…`;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const options = { assume_reference: state.assumeReference };
    if (state.drugs.length) options.drugs = state.drugs;
    const result = engine.evaluateVcf(bytes, options);
    state.vcf = { name: file.name, bytes, result, index: 0 };
    status.textContent = '';
  } catch (e) {
    state.vcf = null;
    status.className = 'error';
    status.setAttribute('role', 'alert');
    status.textContent = `${L('error')}: ${describeError(e)}`;
  }
  render({ reveal: true });
}

/** Reads the same file again (drugs or options changed). */
function rereadVcf() {
  if (!state.vcf) return;
  const { name, bytes, index } = state.vcf;
  try {
    const options = { assume_reference: state.assumeReference };
    if (state.drugs.length) options.drugs = state.drugs;
    state.vcf = { name, bytes, result: engine.evaluateVcf(bytes, options), index };
  } catch (e) {
    $('vcf-status').textContent = `${L('error')}: ${describeError(e)}`;
  }
}

function currentReport() {
  const s = state.vcf?.result.samples[state.vcf.index];
  return s ? s : null;
}

function renderVcf() {
  const box = $('vcf-calls');
  box.replaceChildren();
  if (!state.vcf) return;
  const samples = state.vcf.result.samples;
  if (samples.length > 1) {
    box.append(select('vcf-sample', L('sample'), samples.map((s, i) => [String(i), s.sample]), String(state.vcf.index), (v) => {
      state.vcf.index = Number(v || 0);
      render({ reveal: true });
    }));
  }
  const s = currentReport();
  if (!s) return;
  if (!s.report) {
    box.append(h('p', { class: 'error', role: 'alert' }, `${s.sample}: ${s.error.message} (${s.error.code})`));
    return;
  }
  const rep = s.report;
  box.append(h('h3', {}, `${L('calls')} ${state.vcf.name} — ${L('sample')} ${rep.input.sample}`));
  const rows = rep.genes.map((g) => h('tr', { 'data-gene': g.gene },
    h('th', { scope: 'row' }, g.gene),
    h('td', { class: 'diplotype' }, g.diplotypes.length ? g.diplotypes.join(' | ') : L('noCall')),
    h('td', {}, g.phenotypes.join(' | ')),
    h('td', {}, g.missing_positions.length ? String(g.missing_positions.length) : '0'),
    h('td', { class: 'small' }, (g.warnings ?? []).join(' · '))));
  box.append(h('div', { class: 'scroll' }, h('table', { class: 'calls' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, L('gene')), h('th', { scope: 'col' }, L('diplotype')),
      h('th', { scope: 'col' }, L('phenotypeCol')), h('th', { scope: 'col' }, L('missing')),
      h('th', { scope: 'col' }, L('notes')))),
    h('tbody', {}, rows))));
  for (const w of rep.warnings) box.append(h('p', { class: 'note small' }, w));
  box.append(h('p', {}, h('button', {
    type: 'button',
    id: 'open-report',
    onclick: () => {
      const page = reportHtml(rep, state.lang);
      const url = URL.createObjectURL(new Blob([page], { type: 'text/html' }));
      window.open(url, '_blank', 'noopener');
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    },
  }, L('showHtml'))));
}

// ---------------------------------------------------------------- results

function matchBlock(m) {
  const rows = [];
  const row = (label, value, cls) => {
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return;
    rows.push(h('dt', {}, label), h('dd', { class: cls }, Array.isArray(value) ? value.join(', ') : value));
  };
  row(L('population'), m.population, 'population');
  row(L('action'), actionText(m.action, state.lang), 'action-text');
  row(L('strength'), m.strength ? strengthText(m.strength, state.lang) : '');
  row(L('dose'), matchDoseText(m, state.lang) ?? '', 'dose-text');
  row(L('alternatives'), m.alternatives);
  row(L('basedOn'), Object.entries(m.lookup).map(([g, k]) => `${g}: ${k}`));
  if (m.candidates.length) row(L('candidatesFor'), m.candidates);
  row(L('summary'), m.summary, 'summary');
  row(L('implication'), m.implication);
  return h('dl', { class: 'match', 'data-action': m.action, 'data-id': m.id }, rows);
}

/**
 * Genes a drug needs that the VCF does not give: the engine says the gene
 * was not given, and the file's calls have no row for it (dosera does not
 * call that gene from a VCF). Empty outside VCF mode.
 */
function ownTestGenes(d, called) {
  if (!called) return [];
  return d.non_answers.filter((n) => n.reason === 'not_given' && !called.has(n.gene)).map((n) => n.gene);
}

function drugCard(d, called) {
  // Several candidate results (not several populations of one result).
  const ambiguous = new Set(d.matches.flatMap((m) => m.candidates)).size > 1;
  const own = new Set(ownTestGenes(d, called));
  const otherNonAnswers = d.non_answers.filter((n) => !(n.reason === 'not_given' && own.has(n.gene)));
  return h('article', {
    class: `rec${d.actionable ? ' actionable' : ''}`,
    'data-drug': d.drug,
    'data-source': d.source,
  },
  h('h3', {}, d.drug, ' ', h('span', { class: 'src' }, d.source.toUpperCase())),
  // A gene the VCF cannot give comes first: the answer waits on that test.
  own.size
    ? h('ul', { class: 'own-test' }, [...own].map((g) => h('li', { class: 'note', 'data-gene': g }, `${g} ${L('ownTest')}`)))
    : null,
  d.matches.length ? d.matches.map(matchBlock) : h('p', { class: 'note' }, L('noMatch')),
  // Why a gene result is not used: not given, not understood, no row.
  otherNonAnswers.length
    ? h('ul', { class: 'non-answers' }, otherNonAnswers.map((n) => h('li', { class: 'note small' }, nonAnswerText(n, state.lang))))
    : null,
  ambiguous ? h('p', { class: d.candidates_agree ? 'agree' : 'note disagree' }, d.candidates_agree ? L('agree') : L('disagree')) : null,
  d.warnings.length ? h('ul', { class: 'warnings' }, d.warnings.map((w) => h('li', {}, w))) : null,
  h('p', { class: 'small muted provenance' },
    `${L('guideline')}: ${d.guideline_name} (${L('version')} ${d.guideline_version}, ${d.guideline_id}) · `,
    h('a', { href: d.url, rel: 'noopener noreferrer', target: '_blank' }, d.url),
    ` · ${L('pack')} ${d.release}`));
}

/** Every gene of the report's drugs that needs its own test, with its drugs. */
function ownTestSection(drugs, called) {
  const byGene = new Map();
  for (const d of drugs) {
    for (const g of ownTestGenes(d, called)) {
      if (!byGene.has(g)) byGene.set(g, new Set());
      byGene.get(g).add(d.drug);
    }
  }
  if (byGene.size === 0) return null;
  const most = 8;
  const items = [...byGene.keys()].sort().map((g) => {
    const names = [...byGene.get(g)].sort();
    const listed = names.slice(0, most).join(', ');
    const more = names.length > most ? ` ${L('andMore').replace('{n}', names.length - most)}` : '';
    return h('li', { 'data-gene': g }, h('strong', {}, g), ` ${L('ownTest')}: ${listed}${more}`);
  });
  return h('section', { class: 'own-tests', 'aria-labelledby': 'own-tests-h' },
    h('h3', { id: 'own-tests-h' }, L('ownTestHeading')), h('ul', {}, items));
}

function derivation(genes) {
  if (!genes.length) return null;
  const items = [];
  for (const g of genes) {
    for (const cand of g.candidates) {
      for (const c of cand.calls) {
        const bits = [];
        if (c.functions?.length) bits.push(`${L('functions')}: ${c.functions.map((f) => f ?? '?').join(' + ')}`);
        if (c.activity_score) bits.push(`${L('activityScore')} ${c.activity_score}`);
        if (c.lookup_keys.length) bits.push(`${L('lookup')}: ${c.lookup_keys.join(' / ')}`);
        items.push(h('li', {},
          h('strong', {}, `${g.gene} ${cand.label}`), ` (${c.source.toUpperCase()}): `,
          c.derivation, bits.length ? h('span', { class: 'small muted' }, ` — ${bits.join('; ')}`) : null));
      }
    }
    for (const n of g.notes) items.push(h('li', { class: 'small muted' }, `${g.gene}: ${n}`));
  }
  return h('details', { class: 'derivation', open: true },
    h('summary', {}, L('derivedHeading')), h('ul', {}, items));
}

/**
 * What the results show now: { drugs, genes, release, warnings, called }
 * (called: the genes the VCF gives, in VCF mode), or { nothing: true }, or
 * { error }.
 */
function answer() {
  if (state.tab === 'vcf') {
    const s = currentReport();
    if (!s || !s.report) return { nothing: true };
    return {
      drugs: s.report.drugs,
      genes: s.report.genes.map((g) => g.interpretation).filter(Boolean),
      release: s.report.packs_release,
      warnings: [],
      called: new Set(s.report.genes.map((g) => g.gene)),
    };
  }
  const given = neededGenes().map((g) => ({ gene: g, value: geneValue(g) })).filter((x) => x.value);
  // A row the engine cannot read is shown at the row; the others still count.
  const readable = given.filter((x) => {
    try {
      engine.interpret(x.gene, x.value);
      return true;
    } catch {
      return false;
    }
  });
  if (state.drugs.length === 0 || readable.length === 0) return { nothing: true };
  try {
    const r = engine.recommend({ genes: readable, drugs: state.drugs, lang: state.lang });
    return { drugs: r.drugs, genes: r.genes, release: r.packs_release, warnings: r.warnings, called: null };
  } catch (e) {
    return { error: e };
  }
}

let lastAnswer = '';

/**
 * Says a changed answer in one sentence (the live region) and, when asked,
 * scrolls just enough for the first recommendation's heading and action to
 * be on screen, never so far that the field being typed in leaves it.
 */
function announce(shown, reveal) {
  const key = JSON.stringify(shown.map((d) => [d.drug, d.source, d.matches.map((m) => m.action)]));
  if (key === lastAnswer) return;
  lastAnswer = key;
  const status = $('results-status');
  if (shown.length === 0) {
    status.textContent = '';
    return;
  }
  const most = 3;
  const said = shown.slice(0, most).map((d) => `${d.drug} (${d.source.toUpperCase()}): ${d.matches.map((m) => actionText(m.action, state.lang)).join(', ') || L('noMatch')}`);
  const more = shown.length > most ? `; ${L('andMore').replace('{n}', shown.length - most)}` : '';
  status.textContent = `${L('resultsReady')}: ${said.join('; ')}${more}.`;
  if (reveal) revealFirst();
}

function revealFirst() {
  const card = document.querySelector('#results article.rec');
  if (!card) return;
  const target = card.querySelector('.action-text') ?? card.querySelector('h3');
  const margin = 8;
  const view = window.innerHeight;
  const cardTop = card.getBoundingClientRect().top;
  const end = target.getBoundingClientRect().bottom;
  let dy = 0;
  if (end > view - margin) dy = Math.min(end - view + margin, cardTop - margin);
  else if (cardTop < 0) dy = cardTop - margin;
  if (dy === 0) return;
  const focused = document.activeElement;
  if (focused && focused !== document.body && !$('main').contains(focused)) {
    const f = focused.getBoundingClientRect();
    // Keep the focused control inside the window after the scroll.
    if (dy > 0) dy = Math.min(dy, f.top - margin);
    else dy = Math.max(dy, f.bottom - view + margin);
  }
  if (dy !== 0) window.scrollBy({ top: dy, behavior: 'auto' });
}

function renderResults({ reveal = false } = {}) {
  const box = $('results');
  box.replaceChildren();
  const a = answer();
  if (a.nothing || a.error) {
    box.append(a.error
      ? h('p', { class: 'error', role: 'alert' }, `${L('error')}: ${describeError(a.error)}`)
      : h('p', { class: 'muted' }, L('nothingYet')));
    announce([], false);
    return;
  }
  const { drugs, genes, release, called } = a;
  for (const w of a.warnings) box.append(h('p', { class: 'note small' }, w));
  const shown = state.tab === 'vcf' && state.drugs.length === 0 ? drugs.filter((d) => d.actionable) : drugs;
  for (const d of shown) box.append(drugCard(d, called));
  // In VCF mode: the genes the file cannot give, and what they affect.
  box.append(ownTestSection(drugs, called));
  const rest = drugs.filter((d) => !shown.includes(d));
  if (rest.length) {
    box.append(h('details', { class: 'other-drugs' },
      h('summary', {}, `${L('otherDrugs')}: ${rest.length}`),
      h('ul', {}, rest.map((d) => h('li', {}, `${d.drug} (${d.source.toUpperCase()}): `,
        d.matches.map((m) => actionText(m.action, state.lang)).join(' / ') || L('noMatch'))))));
  }
  const summariesNote = L('summariesEnglish');
  if (summariesNote) box.append(h('p', { class: 'small muted' }, summariesNote));
  // How the phenotype was derived, for the genes of the drugs shown.
  const used = new Set(shown.flatMap((d) => d.genes));
  box.append(derivation(genes.filter((g) => used.has(g.gene))));
  box.append(h('p', { class: 'small muted', id: 'result-release' }, `${L('pack')}: ${release}`));
  announce(shown, reveal);
}

// ------------------------------------------------------------- the page

function renderStatic() {
  document.documentElement.lang = state.lang;
  document.title = L('title');
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = L(el.dataset.t);
  for (const b of document.querySelectorAll('.lang button')) {
    b.setAttribute('aria-pressed', String(b.dataset.lang === state.lang));
  }
  for (const b of document.querySelectorAll('[role=tab]')) {
    const on = b.dataset.tab === state.tab;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
    $(b.getAttribute('aria-controls')).hidden = !on;
  }
  const p = catalog.packs;
  $('footer-packs').textContent = `${L('footerPacks')}: ${p.release} (${p.packs.map((x) => x.release).join(', ')}) · ${L('footerEngine')} ${p.engine_version} · sha256 ${p.sha256.slice(0, 12)}…`;
}

function render(how = {}) {
  renderStatic();
  renderDrugs();
  renderGenes();
  renderVcf();
  renderResults(how);
}

function setTab(tab) {
  state.tab = tab;
  render();
  document.querySelector(`[role=tab][data-tab=${tab}]`).focus();
}

function wire() {
  $('drug-form').addEventListener('submit', (e) => {
    e.preventDefault();
    addDrug($('drug-input').value);
  });
  $('drug-list').replaceChildren(...catalog.drugs.map((d) => h('option', { value: d.name })));
  for (const b of document.querySelectorAll('.lang button')) {
    b.addEventListener('click', () => {
      state.lang = b.dataset.lang;
      try {
        localStorage.setItem('dosera-lang', state.lang);
      } catch {
        // Storage may be off; the choice then lasts for this visit.
      }
      render();
    });
  }
  const tabs = [...document.querySelectorAll('[role=tab]')];
  for (const b of tabs) {
    b.addEventListener('click', () => setTab(b.dataset.tab));
    b.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const i = tabs.indexOf(b);
      const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
      setTab(next.dataset.tab);
    });
  }
  const drop = $('drop-zone');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files?.[0];
    if (file) readVcf(file);
  });
  $('vcf-file').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    if (file) readVcf(file);
  });
  $('assume-ref').addEventListener('change', (e) => {
    state.assumeReference = e.target.checked;
    rereadVcf();
    render({ reveal: true });
  });
}

async function main() {
  const status = $('load-status');
  try {
    await init();
    engine = new Engine();
    catalog = {
      drugs: engine.drugs(),
      genes: new Map(engine.genes().map((g) => [g.symbol, g])),
      packs: engine.packs(),
    };
  } catch (e) {
    status.className = 'error';
    status.textContent = `${t(state.lang, 'loadFailed')}: ${describeError(e)}`;
    return;
  }
  try {
    const saved = localStorage.getItem('dosera-lang');
    if (LANGS.includes(saved)) state.lang = saved;
  } catch {
    // No storage: English.
  }
  status.textContent = '';
  status.hidden = true;
  $('app').hidden = false;
  wire();
  render();
  if ('serviceWorker' in navigator && location.protocol !== 'file:') {
    navigator.serviceWorker.register('./sw.js').then(
      () => navigator.serviceWorker.ready.then(() => {
        $('offline-status').textContent = L('offlineReady');
        $('offline-status').dataset.ready = 'true';
      }),
      () => {},
    );
  }
  document.body.dataset.ready = 'true';
}

main();
