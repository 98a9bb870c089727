// Opens dosera's HTML reports in Debian's Chromium (through playwright-core)
// from a local HTTP server, records every request, and fails if any goes
// anywhere but that server, if any request fails, or if a page does not
// show what a report must. Each page is checked at a desktop width (1280 px)
// and a phone width (390 px): the page must not scroll sideways
// (document.scrollingElement.scrollWidth <= window.innerWidth), what was not
// tested must follow the drugs with action directly, and the drugs with no
// action must be folded (a closed <details>). Saves a full-page screenshot
// at each width and a printed PDF.
//
// usage: node check.js OUT_DIR PAGE.html...
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.DOSERA_CHROMIUM || '/usr/bin/chromium';

// Viewport widths checked: desktop, then phone.
const WIDTHS = [1280, 390];

// Text every page must show, per <html lang>.
const MUST_SHOW = {
  en: ['Decision support, not a diagnosis', 'Drugs with action', 'Genes', 'What was not tested'],
  sv: ['Beslutsstöd, inte en diagnos', 'Läkemedel med åtgärd', 'Gener', 'Vad som inte testades'],
};

function serve(files) {
  // Serves exactly the given files by base name; anything else is a 404.
  const byName = new Map(files.map((f) => [path.basename(f), f]));
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname.slice(1));
    const file = byName.get(name);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function main() {
  const [outDir, ...pages] = process.argv.slice(2);
  if (!outDir || pages.length === 0) {
    console.error('usage: node check.js OUT_DIR PAGE.html...');
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const server = await serve(pages);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // TOOLCHAIN.md's flags; playwright adds --headless and gives the
    // browser a fresh temporary profile (--user-data-dir) of its own.
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const problems = [];
  let total = 0;
  try {
    for (const file of pages) {
      const name = path.basename(file);
      const context = await browser.newContext({ viewport: { width: WIDTHS[0], height: 900 } });
      const page = await context.newPage();
      const requests = [];
      const failed = [];
      const consoleErrors = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('requestfailed', (r) => failed.push(`${r.url()} (${r.failure()?.errorText})`));
      page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      // Anything not for the local server is recorded above and then
      // aborted here, so nothing leaves the machine even on failure.
      await context.route('**/*', (route) => {
        const url = route.request().url();
        return url.startsWith(`${origin}/`) ? route.continue() : route.abort('blockedbyclient');
      });
      const response = await page.goto(`${origin}/${encodeURIComponent(name)}`, { waitUntil: 'load' });
      await page.waitForLoadState('networkidle');
      if (!response || response.status() !== 200) {
        problems.push(`${name}: HTTP status ${response ? response.status() : 'none'}`);
      }
      const outside = requests.filter((u) => !u.startsWith(`${origin}/`));
      for (const u of outside) problems.push(`${name}: request outside the local server: ${u}`);
      for (const f of failed) problems.push(`${name}: failed request: ${f}`);
      for (const c of consoleErrors) problems.push(`${name}: console error: ${c}`);
      const lang = await page.evaluate(() => document.documentElement.lang);
      const text = await page.evaluate(() => document.body.innerText);
      for (const want of MUST_SHOW[lang] || [`(unknown lang ${lang})`]) {
        if (!text.includes(want)) problems.push(`${name}: does not show "${want}"`);
      }
      const scripts = await page.evaluate(() => document.scripts.length);
      if (scripts !== 0) problems.push(`${name}: ${scripts} script element(s)`);
      const order = await page.evaluate(() => {
        const ids = Array.from(document.querySelectorAll('body > section[id]')).map((e) => e.id);
        const folded = document.querySelector('#standard-drugs');
        return { ids, folded: folded ? folded.tagName === 'DETAILS' && !folded.open : null };
      });
      const at = order.ids.indexOf('actionable');
      if (at < 0 || order.ids[at + 1] !== 'not-tested') {
        problems.push(`${name}: "not tested" does not follow the drugs with action directly (sections: ${order.ids.join(', ')})`);
      }
      if (order.folded === false) problems.push(`${name}: the drugs with no action are not folded`);
      const shots = [];
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        const fit = await page.evaluate(() => ({
          scroll: document.scrollingElement.scrollWidth,
          inner: window.innerWidth,
        }));
        if (fit.scroll > fit.inner) {
          problems.push(`${name}: scrolls sideways at ${width} px (page ${fit.scroll} px wide, window ${fit.inner} px)`);
        }
        const shot = path.join(outDir, `${name.replace(/\.html$/, '')}-${width}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        shots.push(`${width} px: ${fit.scroll} px wide, screenshot ${shot}`);
      }
      await page.setViewportSize({ width: WIDTHS[0], height: 900 });
      const printed = path.join(outDir, name.replace(/\.html$/, '') + '.pdf');
      await page.pdf({ path: printed, format: 'A4', printBackground: false });
      total += requests.length;
      console.log(`${name}: ${requests.length} request(s), ${outside.length} outside ${origin}; lang ${lang}; print ${printed}`);
      for (const s of shots) console.log(`  ${s}`);
      for (const u of requests) console.log(`  ${u}`);
      await context.close();
    }
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`FAIL ${p}`);
    process.exit(1);
  }
  console.log(`browser check passed: ${pages.length} page(s), ${total} request(s), none outside ${origin}`);
}

main().catch((e) => {
  console.error(`browser check failed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
