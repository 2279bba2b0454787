// Any failure: a slow comments endpoint shows a loading state (role=status) after ~300 ms; a
// hung one gives up after data-fetch-timeout with a message in the widget's language and a
// Retry button that retries; styles apply on every path, so the honeypot is never in sight or
// in the tab order, whatever failed (and it stays a field a bot fills).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const THREAD = '/failure-test';
const COMMENTS = [{ id: 'a1', author: { name: 'Ann' }, created: '2020-01-02T03:04:05Z', text: 'Hello from the server' }];

async function open(server, { lang = 'en', attrs = '' } = {}) {
  const page = await browser.newPage();
  const watch = { errors: [], warnings: [] };
  page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) watch.errors.push(`console: ${m.text()}`);
    if (m.type() === 'warning' && m.text().startsWith('[colloquy]')) watch.warnings.push(m.text());
  });
  await page.route('**/failure.html', (route) => route.fulfill({
    status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
    body: `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Failure</title></head><body>
<div id="colloquy"></div><script src="/colloquy/colloquy.js" defer data-thread="${THREAD}"
  data-comments="/api/comments" ${attrs}></script></body></html>`,
  }));
  return { page, watch };
}

// A comments API whose GET answers can be held back: `hold()` keeps the next answers until
// `release()`; `hang` never answers them.
function api() {
  const a = { mode: 'up', held: [], gets: 0 };
  a.handle = async (route) => {
    if (route.request().method() !== 'GET') return route.fulfill({ status: 503, body: 'no' });
    a.gets++;
    const answer = () => route.fulfill({ status: 200, contentType: 'application/json',
      body: JSON.stringify({ thread: THREAD, comments: COMMENTS, next: null }) }).catch(() => {});
    if (a.mode === 'hang') return;
    if (a.mode === 'error') return route.fulfill({ status: 500, contentType: 'text/html', body: '<h1>Oops</h1>' });
    if (a.mode === 'hold') return a.held.push(answer);
    return answer();
  };
  a.release = () => { a.mode = 'up'; a.held.splice(0).forEach((f) => f()); };
  return a;
}

const statusOf = (page) => page.evaluate(() => {
  const s = document.querySelector('#colloquy').shadowRoot.querySelector('.status[role="status"]');
  const b = s.nextElementSibling.matches('button[data-action="reload"]:not([hidden])') ? s.nextElementSibling : null;
  return { hidden: s.hidden, text: s.textContent, retry: b?.textContent ?? null };
});

test('a slow endpoint shows a loading status after ~300 ms, then the comments', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server);
    const a = api();
    a.mode = 'hold';
    await page.route('**/api/comments**', a.handle);
    const started = Date.now();
    await page.goto(server.url + '/failure.html');
    await page.waitForSelector('#colloquy >> .status[role="status"]:not([hidden])', { timeout: 10000 });
    const shownAfter = Date.now() - started;
    assert.ok(shownAfter >= 250, `loading shown after ${shownAfter} ms`);
    assert.deepEqual(await statusOf(page), { hidden: false, text: 'Loading comments\u2026', retry: null });
    a.release();
    await page.waitForSelector('#colloquy >> div.comment[data-id="a1"]', { timeout: 10000 });
    await page.waitForSelector('#colloquy >> .status[role="status"]', { state: 'hidden', timeout: 10000 });
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('a hung endpoint gives up after data-fetch-timeout with a localized message and a Retry that retries', async () => {
  await withServer(browser, [], async (server) => {
    for (const [lang, message, retry] of [['en', 'Comments could not be loaded.', 'Retry'],
      ['fr', 'Impossible de charger les commentaires.', 'Réessayer']]) {
      const { page, watch } = await open(server, { lang, attrs: 'data-fetch-timeout="1200"' });
      const a = api();
      a.mode = 'hang';
      await page.route('**/api/comments**', a.handle);
      await page.goto(server.url + '/failure.html');
      await page.waitForSelector('#colloquy >> button[data-action="reload"]:not([hidden])', { timeout: 10000 });
      assert.deepEqual(await statusOf(page), { hidden: false, text: message, retry });
      await eventually(() => assert.ok(watch.warnings.some((w) => /no answer in 1200 ms/.test(w)), watch.warnings.join('\n')));
      // The form is still there to write in, styled.
      await page.waitForSelector('#colloquy >> form.compose');
      a.mode = 'up';
      await page.click('#colloquy >> button[data-action="reload"]:not([hidden])');
      await page.waitForSelector('#colloquy >> div.comment[data-id="a1"]', { timeout: 10000 });
      await page.waitForSelector('#colloquy >> .status[role="status"]', { state: 'hidden', timeout: 10000 });
      assert.equal(await page.locator('#colloquy >> form.compose:not(.reply)').count(), 1);
      assert.equal(a.gets, 2);
      assert.deepEqual(watch.errors, []);
      await page.close();
    }
  });
});

// What follows a failure is colloquy-fail.js's, fetched then; the status line and its Retry come
// from the loader first, so a network that fails for that script too still leaves the reader
// told, in the widget's language, with a Retry that works once the network is back.
test('when colloquy-fail.js cannot be fetched either, the status and its Retry are shown', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server, { lang: 'fr' });
    const a = api();
    a.mode = 'error';
    let failScript = 'down';
    await page.route('**/api/comments**', a.handle);
    await page.route('**/colloquy/colloquy-fail.js*', (route) => (failScript === 'down' ? route.abort() : route.continue()));
    await page.goto(server.url + '/failure.html');
    await page.waitForSelector('#colloquy >> button[data-action="reload"]:not([hidden])', { timeout: 10000 });
    assert.deepEqual(await statusOf(page), { hidden: false, text: 'Impossible de charger les commentaires.', retry: 'Réessayer' });
    await eventually(() => assert.ok(watch.warnings.some((w) => w.startsWith('[colloquy] comments not loaded: HTTP 500')), watch.warnings.join('\n')));
    a.mode = 'up';
    failScript = 'up';
    await page.click('#colloquy >> button[data-action="reload"]:not([hidden])');
    await page.waitForSelector('#colloquy >> div.comment[data-id="a1"]', { timeout: 10000 });
    await page.waitForSelector('#colloquy >> .status[role="status"]', { state: 'hidden', timeout: 10000 });
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

// The honeypot as people meet it: out of the viewport, never reached with Tab, hidden from
// assistive technology; as bots meet it: an ordinary text input they can fill.
async function checkHoneypot(page) {
  const hp = await page.evaluate(() => {
    const root = document.querySelector('#colloquy').shadowRoot;
    const input = root.querySelector('form.compose input[name="website"]');
    const r = input.getBoundingClientRect();
    return { right: r.right, bottom: r.bottom, type: input.type, hidden: input.hidden, disabled: input.disabled,
      tabIndex: input.tabIndex, ariaHidden: input.closest('[aria-hidden="true"]') !== null };
  });
  assert.ok(hp.right <= 0 || hp.bottom <= 0, `honeypot on screen: ${JSON.stringify(hp)}`);
  assert.deepEqual([hp.type, hp.hidden, hp.disabled, hp.tabIndex, hp.ariaHidden], ['text', false, false, -1, true]);
  // Tab from the first field through the form never lands on it.
  await page.focus('#colloquy >> form.compose input[name="name"]');
  const visited = [];
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    visited.push(await page.evaluate(() => {
      const a = document.querySelector('#colloquy').shadowRoot.activeElement;
      return a ? a.name || a.getAttribute('data-action') || a.type || a.tagName : null;
    }));
  }
  assert.ok(!visited.includes('website'), visited.join(', '));
  await page.fill('#colloquy >> form.compose input[name="website"]', 'http://spam.example');
  assert.equal(await page.inputValue('#colloquy >> form.compose input[name="website"]'), 'http://spam.example');
}

test('when loading fails the stylesheet still applies, and the honeypot stays out of sight and of the tab order', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server);
    const a = api();
    a.mode = 'error';
    await page.route('**/api/comments**', a.handle);
    await page.goto(server.url + '/failure.html');
    await page.waitForSelector('#colloquy >> .status[role="status"]:not([hidden])', { timeout: 10000 });
    await page.waitForSelector('#colloquy >> form.compose');
    await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.adoptedStyleSheets.length === 2, null, { timeout: 10000 });
    // colloquy.css is in force: the compose grid, the honeypot off screen.
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('#colloquy').shadowRoot.querySelector('form.compose')).display), 'grid');
    await checkHoneypot(page);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('even when colloquy.css itself fails to load, the honeypot stays out of sight', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch } = await open(server);
    const a = api();
    await page.route('**/api/comments**', a.handle);
    await page.route('**/colloquy/colloquy.css*', (route) => route.fulfill({ status: 404, body: 'gone' }));
    await page.goto(server.url + '/failure.html');
    await page.waitForSelector('#colloquy >> div.comment[data-id="a1"]', { timeout: 10000 });
    await page.waitForSelector('#colloquy >> form.compose');
    await checkHoneypot(page);
    await eventually(() => assert.ok(watch.warnings.some((w) => /styles not loaded/.test(w)), watch.warnings.join('\n')));
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('an answer that is not a comments document says so, with a Retry (it may be a proxy\'s passing page)', async () => {
  await withServer(browser, [], async (server) => {
    const { page } = await open(server);
    let broken = true;
    await page.route('**/api/comments**', (route) => (broken
      ? route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Down for maintenance</h1>' })
      : route.fallback()));
    await page.goto(server.url + '/failure.html');
    await page.waitForSelector('#colloquy >> button[data-action="reload"]:not([hidden])', { timeout: 10000 });
    assert.deepEqual(await statusOf(page), { hidden: false, text: 'Comments could not be shown.', retry: 'Retry' });
    broken = false;
    await page.click('#colloquy >> button[data-action="reload"]:not([hidden])');
    await page.waitForSelector('#colloquy >> .status[role="status"]', { state: 'hidden', timeout: 10000 });
    await page.close();
  });
});

// Offline since the page loaded: the scripts that post (colloquy-act.js, colloquy-post.js) never
// came. The words typed are kept as the draft they read, the reader is told "Not sent yet", and
// the comment goes out on its own once the browser is back online.
test('a post written offline before posting\'s scripts came is kept, said to be unsent, and sent once online', async () => {
  await withServer(browser, [], async (server) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url + '/');
    await page.waitForSelector('#colloquy >> form.compose', { timeout: 10000 });
    const before = await page.locator('#colloquy >> div.comment').count();
    await context.setOffline(true);
    await page.fill('#colloquy >> form.compose input[name="name"]', 'Offline Olga');
    await page.fill('#colloquy >> form.compose textarea[name="text"]', 'Written on the train');
    await page.click('#colloquy >> form.compose button[type="submit"]');
    await page.waitForSelector('#colloquy >> form.compose .error:has-text("Not sent yet")', { timeout: 10000 });
    await page.click('#colloquy >> form.compose button[type="submit"]'); // impatient: a second try, still offline
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('colloquy:draft:'))
      .map((k) => JSON.parse(localStorage.getItem(k))));
    assert.deepEqual(kept.map((d) => [d.name, d.text]), [['Offline Olga', 'Written on the train']]);
    await context.setOffline(false);
    await page.waitForSelector('#colloquy >> div.comment:has-text("Written on the train")', { timeout: 20000 });
    assert.equal(await page.locator('#colloquy >> div.comment').count(), before + 1);
    const stored = await (await fetch(server.url + '/api/comments?thread=' + encodeURIComponent('/2010/09/24/nato-russia-council'))).json();
    assert.equal(stored.comments.filter((c) => c.text === 'Written on the train').length, 1);
    // Made once: no second post of the emptied form, so no error under it.
    await eventually(async () => assert.equal(await page.locator('#colloquy >> form.compose:not(.reply) .error:not([hidden])').count(), 0));
    await context.close();
  });
});

// Online, but the posting script does not come (a flaky network, a CDN's bad minute): there is no
// `online` event to wait for, so the post is tried again on its own (after 2 s, 4 s, … a minute)
// and made once the script comes. The same path takes a post whose last try was still on its way
// when the browser came back online (seen as a flaky run of the test above).
test('a post made while the posting script cannot be fetched, online, is sent on its own once the script comes', async () => {
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    let blocked = true, asked = 0;
    await page.route('**/colloquy-act.js*', (route) => (asked++, blocked ? route.abort('connectionreset') : route.continue()));
    await page.goto(server.url + '/');
    await page.waitForSelector('#colloquy >> form.compose', { timeout: 10000 });
    await page.fill('#colloquy >> form.compose input[name="name"]', 'Patient Pat');
    await page.fill('#colloquy >> form.compose textarea[name="text"]', 'Sent when the script came');
    await page.click('#colloquy >> form.compose button[type="submit"]');
    await page.waitForSelector('#colloquy >> form.compose .error:has-text("Not sent yet")', { timeout: 10000 });
    const before = asked;
    blocked = false;
    await page.waitForSelector('#colloquy >> div.comment:has-text("Sent when the script came")', { timeout: 20000 });
    assert.ok(asked > before, 'colloquy-act.js asked for again');
    const stored = await (await fetch(server.url + '/api/comments?thread=' + encodeURIComponent('/2010/09/24/nato-russia-council'))).json();
    assert.equal(stored.comments.filter((c) => c.text === 'Sent when the script came').length, 1);
    await eventually(async () => assert.equal(await page.locator('#colloquy >> form.compose:not(.reply) .error:not([hidden])').count(), 0));
    await page.close();
  });
});
