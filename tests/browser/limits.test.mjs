// Limits: a comments document over data-max-bytes (default 16 MB) is refused before it is
// read, with the stable code document_too_large; a core call that traps gets the module
// re-instantiated, so the other widgets on the page keep working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const COMMENTS = [{ id: 'a1', author: { name: 'Ann' }, created: '2020-01-02T03:04:05Z', text: 'First' },
  { id: 'a2', author: { name: 'Bo' }, created: '2020-01-03T03:04:05Z', text: 'Second' }];

async function open(server, body, route) {
  const page = await browser.newPage();
  const watch = { errors: [], warnings: [] };
  page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(`console: ${m.text()}`);
    if (m.type() === 'warning' && m.text().startsWith('[colloquy]')) watch.warnings.push(m.text());
  });
  await page.route('**/limits.html', (r) => r.fulfill({
    status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Limits</title></head><body>${body}</body></html>`,
  }));
  await page.route('**/api/comments**', route);
  return { page, watch };
}
const answer = (body) => (route) => route.fulfill({ status: 200, contentType: 'application/json', body });

async function until(check, ms = 15000) {
  for (const end = Date.now() + ms; !check() && Date.now() < end;) await new Promise((r) => setTimeout(r, 25));
}

test('a document over data-max-bytes is refused before parsing with document_too_large', async () => {
  await withServer(browser, [], async (server) => {
    const doc = JSON.stringify({ comments: COMMENTS, padding: 'x'.repeat(5000) });
    const { page, watch } = await open(server,
      '<div id="colloquy"></div><script src="/colloquy/colloquy.js" defer data-thread="/t" data-comments="/api/comments" data-max-bytes="4000"></script>',
      answer(doc));
    await page.goto(server.url + '/limits.html');
    await page.waitForSelector('#colloquy >> .status[role="status"]:not([hidden])', { timeout: 10000 });
    assert.equal(await page.textContent('#colloquy >> .status[role="status"]'), 'Comments could not be shown.');
    await until(() => watch.warnings.some((w) => w.includes('document_too_large')));
    assert.ok(watch.warnings.some((w) => w.includes('document_too_large')), watch.warnings.join('\n'));
    assert.equal(await page.locator('#colloquy >> div.comment').count(), 0);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('the default cap is 16 MB: a 20 MB document of junk is refused at once, the page stays responsive', async () => {
  await withServer(browser, [], async (server) => {
    const junk = '[' + Array.from({ length: 20 * 1024 }, () => `{"junk":"${'j'.repeat(1000)}"}`).join(',') + ']';
    assert.ok(junk.length > 20e6);
    const { page, watch } = await open(server,
      '<div id="colloquy"></div><script src="/colloquy/colloquy.js" defer data-thread="/t" data-comments="/api/comments"></script>',
      answer(junk));
    const started = Date.now();
    await page.goto(server.url + '/limits.html');
    await page.waitForSelector('#colloquy >> .status[role="status"]:not([hidden])', { timeout: 20000 });
    const ms = Date.now() - started;
    console.log(`# 20 MB of junk refused in ${ms} ms`);
    await until(() => watch.warnings.some((w) => w.includes('document_too_large')));
    assert.ok(watch.warnings.some((w) => w.includes('document_too_large')), watch.warnings.join('\n'));
    assert.equal(await page.evaluate(() => 1 + 1), 2);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('a trap in one core call re-instantiates the module: the other widgets keep working', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server,
      `<div id="one"></div><div id="two"></div><div id="three"></div>
<script src="/colloquy/colloquy.js" defer data-target="#one" data-thread="/t" data-comments="/api/comments"></script>`,
      answer(JSON.stringify({ comments: COMMENTS })));
    // The test's trap: the next colloquy_session_open (a thread's render) wipes the instance's
    // memory and traps, as a real fault would leave it. Fresh instances (new WebAssembly.Instance)
    // are counted.
    await page.addInitScript(() => {
      window.__fresh = 0;
      const Instance = WebAssembly.Instance;
      WebAssembly.Instance = new Proxy(Instance, { construct(t, args) { window.__fresh++; return Reflect.construct(t, args); } });
      const streaming = WebAssembly.instantiateStreaming;
      WebAssembly.instantiateStreaming = async function (...args) {
        const r = await streaming.apply(WebAssembly, args);
        const real = r.instance.exports;
        const exports = { ...real };
        exports.colloquy_session_open = function (...a) {
          if (window.__trapNext) {
            window.__trapNext = false;
            new Uint8Array(real.memory.buffer).fill(0);
            throw new WebAssembly.RuntimeError('unreachable executed (test)');
          }
          return real.colloquy_session_open(...a);
        };
        return { module: r.module, instance: { exports } };
      };
    });
    await page.goto(server.url + '/limits.html');
    await page.waitForSelector('#one >> div.comment[data-id="a2"]', { timeout: 10000 });
    await page.evaluate(() => {
      window.__trapNext = true;
      Colloquy.mount(document.querySelector('#two'), { thread: '/t', comments: '/api/comments' });
    });
    await page.waitForSelector('#two >> .status[role="status"]:not([hidden])', { timeout: 10000 });
    await eventually(() => assert.ok(watch.warnings.some((w) => /core failed in colloquy_session_open/.test(w)), watch.warnings.join('\n')));
    // A third widget, the first one re-sorted, and the second one retried all work.
    await page.evaluate(() => Colloquy.mount(document.querySelector('#three'), { thread: '/t', comments: '/api/comments' }));
    await page.waitForSelector('#three >> div.comment[data-id="a2"]', { timeout: 10000 });
    await page.selectOption('#one >> select[name="sort"]', 'newest');
    await page.waitForFunction(() => document.querySelector('#one').shadowRoot.querySelector('.list > div.comment')?.dataset.id === 'a2', null, { timeout: 10000 });
    await page.click('#two >> button[data-action="reload"]');
    await page.waitForSelector('#two >> div.comment[data-id="a2"]', { timeout: 10000 });
    const bylines = await page.$$eval('#three >> div.comment .byline', (b) => b.map((x) => x.textContent));
    assert.deepEqual(bylines, ['Ann writes:', 'Bo writes:']);
    assert.equal(await page.evaluate(() => window.__fresh), 1);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});
