// Browser test of the prescriber calculator (bindings-wasm/www) in Debian's
// Chromium through playwright-core. It serves the page from 127.0.0.1 and:
//
// 1. enters clopidogrel and CYP2C19 *2/*2 with the keyboard, and checks the
//    recommendation shown for each source against the engine's own answer
//    (the Node.js build of the same module) and the CPIC action;
// 2. switches to Swedish and checks the page's text changes (headings,
//    action labels);
// 3. drops a VCF on the page and checks the calls shown against the golden
//    corpus (expected.json written by the Rust tests); a file that is not a
//    VCF shows the error with its code;
// 4. checks every form control has a label, i18n tables are complete, and
//    the page fits a phone screen;
// 5. records every request after load and fails if any left 127.0.0.1;
// 6. stops the server and reloads: the page still works (service worker).
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
    // ---- 1–5: one visit, service worker off so every request is seen.
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
    await page.click('#tab-enter');
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page wider than a phone by ${overflow}px`);
    await page.screenshot({ path: path.join(outDir, 'calculator-phone.png'), fullPage: true });
    ok('fits a 390 px phone screen');

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
