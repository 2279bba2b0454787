// Posting from the widget, the way a reader does it: the compose form, replies, validation by
// the core, the honeypot, drafts that survive a reload, the live preview, and the browser-storage
// thread of a page with no comments endpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

// A blog page with no data-comments: the thread lives in the browser. Served at /local.html on
// the test server's origin (so the widget and its .wasm come from the real server) by a route.
function localPage(thread) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local</title></head><body>
<h1>A page with no comments server</h1><div id="colloquy"></div>
<script src="/colloquy/colloquy.js" defer data-thread="${thread}"></script></body></html>`;
}

// Opens a page and records everything that must not happen: page errors, console errors, CSP
// violations. Also records every POST the page sends.
async function open(server, path, { routeLocal } = {}) {
  const page = await browser.newPage();
  const watch = { errors: [], posts: [] };
  page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') watch.errors.push(`console: ${m.text()}`); });
  page.on('request', (r) => { if (r.method() === 'POST') watch.posts.push(r.postDataJSON()); });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  if (routeLocal) {
    await page.route('**/local.html', (route) => route.fulfill({
      status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP }, body: localPage(routeLocal),
    }));
  }
  await page.goto(server.url + path);
  await page.waitForSelector('#colloquy >> form.compose');
  return { page, watch };
}

// What the reader sees of the thread: one entry per article, in page order.
function thread(page) {
  return page.evaluate(() => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll('.list > article.comment')]
    .map((a) => ({
      id: a.dataset.id, depth: a.dataset.depth, clientId: a.dataset.clientId || null,
      cls: a.className, byline: a.querySelector('.byline').textContent,
      body: a.querySelector('.body').textContent.trim(), state: a.querySelector('.state')?.textContent ?? null,
    })));
}

async function post(page, form, { name, location, text, website }) {
  const f = `#colloquy >> ${form}`;
  if (name !== undefined) await page.fill(`${f} input[name="name"]`, name);
  if (location !== undefined) await page.fill(`${f} input[name="location"]`, location);
  if (text !== undefined) await page.fill(`${f} textarea[name="text"]`, text);
  if (website !== undefined) await page.fill(`${f} input[name="website"]`, website);
  await page.click(`${f} button[type="submit"]`);
}

async function clean(page, watch) {
  assert.deepEqual(watch.errors, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
}

test('browser-storage mode: a comment and a reply are kept across reloads, with no server API', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '/local.html', { routeLocal: '/local-thread' });
    assert.deepEqual(await thread(page), []);
    await post(page, 'form.compose', { name: 'Ada', location: 'London, UK', text: 'First, *kept* here.' });
    await page.waitForSelector('#colloquy >> article.comment');
    let t = await thread(page);
    assert.equal(t.length, 1);
    assert.equal(t[0].byline, 'Ada in London writes:');
    assert.equal(t[0].depth, '0');
    await page.click('#colloquy >> article.comment button[data-action="reply"]');
    await post(page, 'form.compose.reply', { name: 'Bob', location: '', text: 'A reply.' });
    await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.querySelectorAll('article.comment').length === 2);
    assert.equal(await page.$('#colloquy >> form.compose.reply'), null, 'the reply form closes once posted');
    await page.reload();
    await page.waitForSelector('#colloquy >> article.comment');
    t = await thread(page);
    assert.deepEqual(t.map((c) => [c.byline, c.depth, c.state]), [['Ada in London writes:', '0', null], ['Bob writes:', '1', null]]);
    assert.match(t[0].body, /^First, \*?kept\*? here\.$/); // emphasis once the formatter has it
    assert.equal(t[1].body, 'A reply.');
    assert.equal(t[1].id !== t[0].id, true);
    // The name is remembered for the next comment; no request ever left for a comments API.
    assert.equal(await page.inputValue('#colloquy >> form.compose input[name="name"]'), 'Bob');
    assert.deepEqual(watch.posts, []);
    await clean(page, watch);
    await page.close();
  });
});

test('validation errors from the core are shown next to their fields, and nothing is posted', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '/');
    await post(page, 'form.compose', { text: '   \n  ' });
    await page.waitForSelector('#colloquy >> form.compose .error[data-for="text"]:not([hidden])');
    const text = await page.textContent('#colloquy >> form.compose .error[data-for="text"]');
    assert.equal(text, 'Please write a comment.');
    assert.equal(await page.getAttribute('#colloquy >> form.compose textarea[name="text"]', 'aria-invalid'), 'true');
    // Two problems at once, each by its own field.
    await post(page, 'form.compose', { name: 'N'.repeat(250), location: 'L'.repeat(250), text: 'ok' });
    await page.waitForSelector('#colloquy >> form.compose .error[data-for="name"]:not([hidden])');
    const errors = await page.$$eval('#colloquy >> form.compose .error:not([hidden])', (es) => es.map((e) => [e.dataset.for, e.textContent]));
    assert.deepEqual(errors, [['name', 'This name is too long.'], ['location', 'This location is too long.']]);
    // Fixing the field clears its error as the reader types.
    await page.fill('#colloquy >> form.compose input[name="name"]', 'Nina');
    await page.fill('#colloquy >> form.compose input[name="location"]', 'Oslo');
    await page.waitForSelector('#colloquy >> form.compose .error[data-for="name"]', { state: 'hidden' });
    assert.deepEqual(watch.posts, []);
    assert.equal((await thread(page)).length, 3, 'only the seed comments');
    await clean(page, watch);
    await page.close();
  });
});

test('a filled honeypot never posts and adds nothing to the thread', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '/');
    await post(page, 'form.compose', { name: 'Bot', text: 'Cheap pills', website: 'http://spam.example' });
    await page.waitForTimeout(500);
    assert.deepEqual(watch.posts, []);
    assert.equal((await thread(page)).length, 3);
    // The same form without the honeypot would post (the form itself works).
    await page.route('**/api/comments', (route) => route.request().method() === 'POST'
      ? route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify({ id: 'h1', parent: null, author: { name: 'Bot' }, created: '2026-01-01T00:00:00Z', text: 'Cheap pills' }) })
      : route.continue());
    await page.fill('#colloquy >> form.compose input[name="website"]', '');
    await page.click('#colloquy >> form.compose button[type="submit"]');
    await page.waitForSelector('#colloquy >> article.comment[data-id="h1"]');
    assert.equal(watch.posts.length, 1);
    assert.equal(watch.posts[0].text, 'Cheap pills');
    assert.equal('honeypot' in watch.posts[0], false, 'the honeypot is never sent');
    await clean(page, watch);
    await page.close();
  });
});

test('drafts are saved per thread and parent as the reader types, and restored after a reload', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '/');
    await page.fill('#colloquy >> form.compose input[name="name"]', 'Ron');
    await page.fill('#colloquy >> form.compose textarea[name="text"]', 'A top-level draft');
    const seed = (await thread(page))[1].id;
    await page.click(`#colloquy >> article.comment[data-id="${seed}"] button[data-action="reply"]`);
    await page.fill('#colloquy >> form.compose.reply textarea[name="text"]', 'A reply draft');
    await page.waitForTimeout(300); // past the debounce
    await page.reload();
    await page.waitForSelector('#colloquy >> form.compose.reply');
    assert.equal(await page.inputValue('#colloquy >> form.compose:not(.reply) textarea[name="text"]'), 'A top-level draft');
    assert.equal(await page.inputValue('#colloquy >> form.compose:not(.reply) input[name="name"]'), 'Ron');
    assert.equal(await page.getAttribute('#colloquy >> form.compose.reply', 'data-parent'), seed);
    assert.equal(await page.inputValue('#colloquy >> form.compose.reply textarea[name="text"]'), 'A reply draft');
    // The reply form sits right under its comment, one level deeper.
    const placed = await page.evaluate(() => {
      const f = document.querySelector('#colloquy').shadowRoot.querySelector('form.compose.reply');
      return [f.previousElementSibling.dataset.id, f.dataset.depth];
    });
    assert.deepEqual(placed, [seed, '1']);
    // The preview shows the restored text, formatted by the core.
    assert.equal(await page.textContent('#colloquy >> form.compose.reply .preview .body'), 'A reply draft\n');
    await clean(page, watch);
    await page.close();
  });
});

test('the live preview follows a 10,000-character comment (input-to-preview latency printed)', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, '/');
    const samples = await page.evaluate(async () => {
      const root = document.querySelector('#colloquy').shadowRoot;
      const area = root.querySelector('form.compose textarea[name="text"]');
      const body = root.querySelector('form.compose .preview .body');
      const para = 'Lorem ipsum dolor sit amet, <b>consectetur</b> adipiscing elit, sed do eiusmod tempor. ';
      let text = '';
      while (text.length < 10000) text += para + (text.length % 900 < para.length ? '\n\n' : '');
      text = text.slice(0, 10000);
      const out = [];
      for (let i = 0; i < 15; i++) {
        const value = text.slice(0, 9985 + i);
        const t0 = performance.now();
        area.value = value;
        area.dispatchEvent(new Event('input', { bubbles: true }));
        // Keystroke handling itself must be cheap (the formatting is debounced).
        const handled = performance.now() - t0;
        await new Promise((resolve) => {
          const mo = new MutationObserver(() => { mo.disconnect(); resolve(); });
          mo.observe(body, { childList: true, subtree: true, characterData: true });
        });
        out.push({ handled, shown: performance.now() - t0, length: value.length, html: body.innerHTML.length });
      }
      return { out, hasTag: body.querySelector('b') !== null, text: body.textContent.includes('<b>consectetur</b>') };
    });
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const shown = median(samples.out.map((s) => s.shown));
    const handled = median(samples.out.map((s) => s.handled));
    console.log(`# preview of a 10,000-character comment: input-to-preview median ${shown.toFixed(1)} ms ` +
      `(debounce 100 ms included), input handler median ${handled.toFixed(2)} ms, over ${samples.out.length} edits`);
    assert.equal(samples.hasTag, false, 'raw HTML in a comment is shown as text, never as markup');
    assert.equal(samples.text, true);
    assert.ok(samples.out.every((s) => s.html > 10000));
    await clean(page, watch);
    await page.close();
  });
});
