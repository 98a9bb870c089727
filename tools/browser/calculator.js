// Browser test of the prescriber calculator (bindings-wasm/www) in Debian's
// Chromium through playwright-core. It serves the page from 127.0.0.1 and:
//
// 1. enters clopidogrel and CYP2C19 *2/*2 with the keyboard, and checks the
//    recommendation shown for each source against the engine's own answer
//    (the Node.js build of the same module) and the CPIC action, and the
//    live region's one-sentence answer;
// 2. switches to Swedish and checks the page's text changes (headings,
//    action labels);
// 3. drops a VCF on the page and checks the calls shown against the golden
//    corpus (expected.json written by the Rust tests); a file that is not a
//    VCF shows the error with its code;
// 4. checks every form control has a label, i18n tables are complete, and
//    the page fits a phone screen;
// 5. records every request after load and fails if any left 127.0.0.1;
// 6. stops the server and reloads: the page still works (service worker);
// 7. at a phone (390x844) and a desktop (1280x800) screen: no sideways
//    scrolling, and once clopidogrel and CYP2C19 *2/*2 are given by keyboard
//    the first recommendation is on the first screen with no scrolling by
//    the test (the field being typed in stays on screen too);
// 8. the allele pickers and the text field of a gene follow each other;
// 9. in VCF mode, a drug that needs a gene no VCF gives says which gene
//    needs its own test, in English and Swedish.
//
// Screenshots go to OUT_DIR (target/artifacts).
// usage: node calculator.js OUT_DIR
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { serveDir } = require('./serve.js');

const ROOT = path.resolve(__dirname, '..', '..');
const WWW = path.join(ROOT, 'bindings-wasm', 'www');
const CHROMIUM = process.env.DOSERA_CHROMIUM || '/usr/bin/chromium';
const VCF = path.join(ROOT, 'tests', 'corpus', 'example-patient.vcf');
const GOLDEN = path.join(ROOT, 'tests', 'corpus', 'golden', 'example-patient', 'expected.json');

const dosera = require(path.join(ROOT, 'bindings-wasm', 'pkg', 'node', 'dosera.js'));

const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function log(...a) {
  console.log(...a);
}

async function ready(page) {
  await page.waitForSelector('body[data-ready=true]', { timeout: 30000 });
}

/** Watches a context's requests; anything not for `origin` is aborted. */
async function watch(context, origin) {
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    return url.startsWith(`${origin}/`) ? route.continue() : route.abort('blockedbyclient');
  });
  return requests;
}

async function enterClopidogrel(page) {
  await page.focus('#drug-input');
  await page.keyboard.type('clopidogrel');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#drug-chips .chip');
  await page.waitForSelector('fieldset.gene[data-gene=CYP2C19]');
  await page.focus('#g-CYP2C19-text');
  await page.keyboard.type('*2/*2');
  await page.waitForSelector('article.rec[data-drug=clopidogrel]');
}

/** How far the page is wider than its window (0 or less: it fits). */
async function overflow(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
}

/**
 * Where the first recommendation and its first action sit in the window,
 * as the page left it (the test scrolls nothing).
 */
async function firstRecommendation(page) {
  return page.evaluate(() => {
    const card = document.querySelector('#results article.rec');
    const action = card && card.querySelector('.action-text');
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { top: Math.round(r.top), bottom: Math.round(r.bottom) };
    };
    const focused = document.activeElement;
    return {
      innerHeight: window.innerHeight,
      scrollY: Math.round(window.scrollY),
      card: card ? box(card) : null,
      action: action ? box(action) : null,
      drug: card ? `${card.dataset.drug} ${card.dataset.source}` : null,
      focused: focused && focused !== document.body ? { id: focused.id, ...box(focused) } : null,
    };
  });
}

/** Picker values of a gene row. */
async function pickers(page, gene) {
  return page.evaluate((g) => [document.getElementById(`g-${g}-a1`).value, document.getElementById(`g-${g}-a2`).value], gene);
}

/**
 * 7. One visit at `size`: the page fits the width before and after input,
 * and once clopidogrel and CYP2C19 *2/*2 are typed the first recommendation
 * (its heading and first action) is inside the window without the test
 * scrolling, and the field typed in is still on screen.
 */
async function firstScreen(browser, origin, size, name, outDir, ok) {
  const context = await browser.newContext({ viewport: size, serviceWorkers: 'block' });
  const requests = await watch(context, origin);
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  try {
    await page.goto(`${origin}/`);
    await ready(page);
    const label = `${name} ${size.width}x${size.height}`;
    let wider = await overflow(page);
    assert.ok(wider <= 0, `${label}: empty page wider than the window by ${wider}px`);
    await enterClopidogrel(page);
    const at = await firstRecommendation(page);
    await page.screenshot({ path: path.join(outDir, `calculator-first-screen-${name}.png`) });
    await page.screenshot({ path: path.join(outDir, `calculator-${name}-full.png`), fullPage: true });
    const where = JSON.stringify(at);
    assert.ok(at.card && at.action, `${label}: a recommendation is shown: ${where}`);
    assert.ok(at.card.top >= 0 && at.card.top < at.innerHeight,
      `${label}: the first recommendation starts inside the first screen (top ${at.card.top}, window ${at.innerHeight}): ${where}`);
    assert.ok(at.action.top >= 0 && at.action.bottom <= at.innerHeight,
      `${label}: the first recommendation's action is inside the first screen: ${where}`);
    assert.ok(at.focused && at.focused.id === 'g-CYP2C19-text' && at.focused.top >= 0 && at.focused.bottom <= at.innerHeight,
      `${label}: the field typed in stays on screen: ${where}`);
    wider = await overflow(page);
    assert.ok(wider <= 0, `${label}: page with results wider than the window by ${wider}px`);
    const outside = requests.filter((u) => !u.startsWith(`${origin}/`));
    assert.deepEqual(outside, [], `${label}: requests outside localhost`);
    assert.deepEqual(pageErrors, [], `${label}: page errors`);
    ok(`${label}: no sideways scrolling; first recommendation (${at.drug}) at ${at.card.top}px, its action at ${at.action.top}–${at.action.bottom}px of ${at.innerHeight}px (page scrolled ${at.scrollY}px by itself)`);
  } finally {
    await context.close();
  }
}

async function main() {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node calculator.js OUT_DIR');
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  if (!fs.existsSync(path.join(WWW, 'pkg', 'dosera_bg.wasm'))) {
    throw new Error('bindings-wasm/www/pkg is missing: run scripts/build-wasm first');
  }

  // The engine's own answers, from the Node.js build of the same module.
  const engine = new dosera.Engine();
  const truth = engine.recommend({ genes: [{ gene: 'CYP2C19', value: '*2/*2' }], drugs: ['clopidogrel'] });
  const golden = JSON.parse(fs.readFileSync(GOLDEN, 'utf8'));

  const server = await serveDir(WWW);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const checks = [];
  const ok = (what) => {
    checks.push(what);
    log(`  ok  ${what}`);
  };
  try {
    // ---- 7: the first screen at phone and desktop size.
    await firstScreen(browser, origin, { width: 390, height: 844 }, 'phone', outDir, ok);
    await firstScreen(browser, origin, { width: 1280, height: 800 }, 'desktop', outDir, ok);

    // ---- 1–5, 8, 9: one visit, service worker off so every request is seen.
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, serviceWorkers: 'block' });
    const requests = await watch(context, origin);
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    await page.goto(`${origin}/`);
    await ready(page);
    const loaded = requests.length;
    ok(`page and engine loaded (${loaded} requests)`);

    // 1. clopidogrel + CYP2C19 *2/*2, by keyboard.
    await enterClopidogrel(page);
    const derived = await page.textContent('#g-CYP2C19-out');
    const pm = truth.genes[0].candidates[0].calls.map((c) => c.phenotype);
    for (const p of pm) assert.ok(derived.includes(p), `gene row shows ${p}: ${derived}`);
    ok(`CYP2C19 *2/*2 read as ${[...new Set(pm)].join(', ')}`);
    for (const d of truth.drugs) {
      const card = `article.rec[data-drug=clopidogrel][data-source=${d.source}]`;
      const actions = await page.$$eval(`${card} dl.match`, (els) => els.map((e) => e.dataset.action));
      assert.deepEqual(actions, d.matches.map((m) => m.action), `${d.source} actions`);
      const shown = await page.$$eval(`${card} .action-text`, (els) => els.map((e) => e.textContent));
      assert.deepEqual(shown, d.matches.map((m) => dosera.actionText(m.action, 'en')), `${d.source} action labels`);
      const text = await page.textContent(card);
      assert.ok(text.includes(d.guideline_id), `${d.source} card names guideline ${d.guideline_id}`);
      assert.ok(text.includes(d.release), `${d.source} card names pack release ${d.release}`);
      for (const m of d.matches) {
        if (m.population) assert.ok(text.includes(m.population), `${d.source} population ${m.population}`);
        if (m.strength) assert.ok(text.includes(m.strength), `${d.source} strength ${m.strength}`);
        const dose = dosera.matchDoseText(m, 'en');
        if (dose) assert.ok(text.includes(dose), `${d.source} dose`);
        assert.ok(text.includes(m.summary), `${d.source} summary shown`);
      }
      ok(`${d.source.toUpperCase()} clopidogrel: ${shown.join(', ')} (${d.guideline_id}, ${d.release})`);
    }
    const cpic = truth.drugs.find((d) => d.source === 'cpic');
    assert.equal(cpic.matches[0].action, 'use_alternative', 'CPIC: a CYP2C19 poor metabolizer should use another antiplatelet');
    assert.ok(await page.isVisible('details.derivation'), 'derivation shown');
    const derivation = await page.textContent('details.derivation');
    assert.ok(derivation.includes(truth.genes[0].candidates[0].calls[0].derivation), 'derivation text');
    ok('derivation of the phenotype shown');
    const said = await page.textContent('#results-status');
    for (const d of truth.drugs) {
      assert.ok(said.includes(`clopidogrel (${d.source.toUpperCase()}): ${d.matches.map((m) => dosera.actionText(m.action, 'en')).join(', ')}`),
        `the live region says the ${d.source} answer: ${said}`);
    }
    assert.equal(await page.getAttribute('#results-status', 'role'), 'status');
    ok(`live region: "${said}"`);
    assert.ok((await page.textContent('#footer-packs')).includes(truth.packs_release), 'footer names the pack release');
    await page.screenshot({ path: path.join(outDir, 'calculator-en.png'), fullPage: true });

    // 2. Swedish.
    const englishHeading = await page.textContent('#results-h');
    await page.click('button[data-lang=sv]');
    assert.equal(await page.getAttribute('html', 'lang'), 'sv');
    const swedishHeading = await page.textContent('#results-h');
    assert.notEqual(swedishHeading, englishHeading);
    assert.equal(swedishHeading, '3. Rekommendationer');
    for (const d of truth.drugs) {
      const shown = await page.$$eval(`article.rec[data-drug=clopidogrel][data-source=${d.source}] .action-text`, (els) => els.map((e) => e.textContent));
      const sv = d.matches.map((m) => dosera.actionText(m.action, 'sv'));
      assert.deepEqual(shown, sv, `${d.source} Swedish action labels`);
      assert.notDeepEqual(sv, d.matches.map((m) => dosera.actionText(m.action, 'en')));
    }
    ok(`Swedish: "${englishHeading}" → "${swedishHeading}", actions in Swedish`);
    await page.screenshot({ path: path.join(outDir, 'calculator-sv.png'), fullPage: true });
    await page.click('button[data-lang=en]');

    // 8. Pickers and text follow each other.
    assert.deepEqual(await pickers(page, 'CYP2C19'), ['*2', '*2'], 'typing *2/*2 sets both pickers');
    await page.selectOption('#g-CYP2C19-a2', '*1');
    assert.equal(await page.inputValue('#g-CYP2C19-text'), '*2/*1', 'a picker writes the text');
    const im = engine.interpret('CYP2C19', '*2/*1').candidates[0].calls[0].phenotype;
    await page.waitForFunction((p) => document.getElementById('g-CYP2C19-out').textContent.includes(p), im);
    const chooseText = await page.evaluate(async () => (await import('./i18n.js')).t('en', 'choose'));
    const shownPickers = () => page.$$eval('#g-CYP2C19-a1, #g-CYP2C19-a2', (els) => els.map((e) => e.selectedOptions[0].textContent));
    for (const other of ['Poor Metabolizer', '*1/*2|*2/*2', '*2/*99']) {
      await page.fill('#g-CYP2C19-text', '*1/*3');
      assert.deepEqual(await pickers(page, 'CYP2C19'), ['*1', '*3'], 'typing *1/*3 sets both pickers');
      await page.fill('#g-CYP2C19-text', other);
      assert.deepEqual(await pickers(page, 'CYP2C19'), ['', ''], `typing ${other} clears the pickers`);
      assert.deepEqual(await shownPickers(), [chooseText, chooseText], `pickers show "${chooseText}" after ${other}`);
    }
    await page.focus('#g-CYP2C19-text');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('*2/*2');
    assert.deepEqual(await pickers(page, 'CYP2C19'), ['*2', '*2'], 'typing *2/*2 again sets both pickers');
    await page.waitForFunction((a) => document.querySelector('article.rec[data-drug=clopidogrel][data-source=cpic] dl.match')?.dataset.action === a, cpic.matches[0].action);
    ok('pickers follow the text (*2/*2, *1/*3 set both; a phenotype, candidates, an unknown allele clear both) and the text follows the pickers');

    // 3. A VCF dropped on the page.
    await page.click('#tab-vcf');
    const bytes = fs.readFileSync(VCF).toString('base64');
    await page.evaluate(async ({ b64, name }) => {
      const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([raw], name, { type: 'text/plain' }));
      const zone = document.getElementById('drop-zone');
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, { b64: bytes, name: path.basename(VCF) });
    await page.waitForSelector('table.calls tbody tr');
    const rows = await page.$$eval('table.calls tbody tr', (trs) => trs.map((tr) => [tr.dataset.gene, tr.querySelector('.diplotype').textContent]));
    // The golden case calls a few genes; the page calls every gene, and
    // those it shares with the golden case must read the same.
    const shownByGene = new Map(rows);
    for (const g of golden.genes) {
      const want = g.diplotypes.length ? g.diplotypes.join(' | ') : 'no call';
      assert.equal(shownByGene.get(g.gene), want, `${g.gene} call shown = golden corpus`);
    }
    const all = engine.evaluateVcf(fs.readFileSync(VCF)).samples[0].report.genes.map((g) => g.gene);
    assert.deepEqual(rows.map((r) => r[0]), all, 'one row per gene called');
    ok(`VCF dropped: ${rows.length} genes shown; ${golden.genes.map((g) => `${g.gene} ${shownByGene.get(g.gene)}`).join(', ')} as in the golden corpus`);
    const cards = await page.$$eval('#results article.rec[data-drug=clopidogrel]', (els) => els.map((e) => e.dataset.source));
    assert.ok(cards.length > 0, 'clopidogrel recommendation from the VCF');
    ok(`recommendations from the VCF shown (clopidogrel: ${cards.join(', ')})`);
    await page.screenshot({ path: path.join(outDir, 'calculator-vcf.png'), fullPage: true });
    assert.equal(await page.$$eval('#results article.rec[data-drug=clopidogrel] .own-test', (els) => els.length), 0,
      'clopidogrel needs no other test: CYP2C19 is called from the VCF');

    // 9. A drug needing a gene no VCF gives (codeine: CYP2D6) says so.
    await page.focus('#drug-input');
    await page.keyboard.type('codeine');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#results article.rec[data-drug=codeine]');
    const withCodeine = engine.evaluateVcf(fs.readFileSync(VCF), { drugs: ['clopidogrel', 'codeine'] }).samples[0].report;
    const calledGenes = new Set(withCodeine.genes.map((g) => g.gene));
    const ownGenes = [...new Set(withCodeine.drugs.filter((d) => d.drug === 'codeine')
      .flatMap((d) => d.non_answers.filter((n) => n.reason === 'not_given' && !calledGenes.has(n.gene)).map((n) => n.gene)))];
    assert.deepEqual(ownGenes, ['CYP2D6'], 'the engine: codeine needs CYP2D6, which the VCF does not give');
    const codeineCards = await page.$$eval('#results article.rec[data-drug=codeine]', (els) => els.map((e) => [e.dataset.source, [...e.querySelectorAll('.own-test li')].map((li) => li.textContent)]));
    assert.ok(codeineCards.length > 0, 'codeine cards shown');
    for (const [source, lines] of codeineCards) {
      assert.deepEqual(lines, ['CYP2D6 needs its own test (not called from a VCF)'], `codeine ${source} names CYP2D6`);
    }
    const listed = await page.textContent('#results .own-tests li[data-gene=CYP2D6]');
    assert.ok(listed.includes('codeine') && listed.includes('needs its own test'), `genes this VCF cannot give: ${listed}`);
    await page.click('button[data-lang=sv]');
    const swedish = await page.$$eval('#results article.rec[data-drug=codeine] .own-test li', (els) => els.map((e) => e.textContent));
    assert.ok(swedish.length > 0 && swedish.every((t) => t === 'CYP2D6 behöver ett eget test (anropas inte från en VCF)'), `Swedish: ${swedish}`);
    await page.click('button[data-lang=en]');
    await page.screenshot({ path: path.join(outDir, 'calculator-vcf-own-test.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    const vcfWider = await overflow(page);
    assert.ok(vcfWider <= 0, `VCF calls and results wider than a phone by ${vcfWider}px`);
    await page.screenshot({ path: path.join(outDir, 'calculator-vcf-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 900 });
    ok(`VCF mode: codeine (${codeineCards.map((c) => c[0]).join(', ')}) says "${codeineCards[0][1][0]}"; in Swedish "${swedish[0]}"`);

    // A file that is not a VCF: an error with its code, nothing else breaks.
    await page.setInputFiles('#vcf-file', { name: 'notes.vcf', mimeType: 'text/plain', buffer: Buffer.from('hello\n') });
    await page.waitForSelector('#vcf-status.error');
    const err = await page.textContent('#vcf-status');
    assert.ok(err.includes(String(dosera.ErrorCode.InvalidVcf)), `error names code 107: ${err}`);
    ok(`a non-VCF shows: ${err}`);

    // 4. Labels, translations, phone width.
    const unlabelled = await page.$$eval('input, select', (els) => els
      .filter((e) => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label'))
      .map((e) => e.id || e.outerHTML));
    assert.deepEqual(unlabelled, [], 'every input and select has a label');
    const missing = await page.evaluate(async () => (await import('./i18n.js')).missingKeys());
    assert.deepEqual(missing, [], 'every text in English and Swedish');
    ok('every control labelled; English and Swedish tables complete');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('#tab-enter');
    const wider = await overflow(page);
    assert.ok(wider <= 0, `page wider than a phone by ${wider}px`);
    await page.screenshot({ path: path.join(outDir, 'calculator-phone.png'), fullPage: true });
    ok('fits a 390 px phone screen (VCF calls and results, entered results)');

    // 5. Nothing left the machine.
    const outside = requests.filter((u) => !u.startsWith(`${origin}/`));
    assert.deepEqual(outside, [], 'requests outside localhost');
    assert.deepEqual(pageErrors, [], 'page errors');
    ok(`${requests.length} requests in all (${requests.length - loaded} after load), none outside ${origin}`);
    await context.close();

    // ---- 6: offline after one load.
    const offline = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const offlineRequests = [];
    offline.on('request', (r) => offlineRequests.push(r.url()));
    const p2 = await offline.newPage();
    await p2.goto(`${origin}/`);
    await ready(p2);
    await p2.waitForSelector('#offline-status[data-ready=true]', { timeout: 30000 });
    // Let the service worker take control of the page before the server goes.
    await p2.reload();
    await ready(p2);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await p2.reload();
    await ready(p2);
    await enterClopidogrel(p2);
    const offlineAction = await p2.getAttribute('article.rec[data-drug=clopidogrel][data-source=cpic] dl.match', 'data-action');
    assert.equal(offlineAction, cpic.matches[0].action);
    const outside2 = offlineRequests.filter((u) => !u.startsWith(`${origin}/`));
    assert.deepEqual(outside2, [], 'requests outside localhost (offline visit)');
    ok('server stopped, page reloaded: still works from its service worker');
    await offline.close();
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
  }
  log(`calculator browser check passed: ${checks.length} checks; screenshots in ${outDir}`);
}

main().catch((e) => {
  console.error(`calculator browser check failed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
