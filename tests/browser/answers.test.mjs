// Answers a post can get, and what the reader is told: a 201 whose body is no comment, or a
// 4xx with an HTML page, is a refusal with a clear message (the text back in the form, never
// re-sent on every reload); a server that comes back gets the unsent posts on its own (backoff
// retries while the page is open, no `online` event, no reload); browser-storage mode says once
// where comments are kept, and a storage that refuses is a sentence in the widget's language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const THREAD = '/answers-test';

async function open(server, { lang = 'en', comments = true } = {}) {
  const page = await browser.newPage();
  const watch = { errors: [], posts: [] };
  page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) watch.errors.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => { if (r.method() === 'POST') watch.posts.push(r.postDataJSON()); });
  await page.route('**/answers.html', (route) => route.fulfill({
    status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
    body: `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Answers</title></head><body>
<div id="colloquy"></div><script src="/colloquy/colloquy.js" defer data-thread="${THREAD}"
  ${comments ? 'data-comments="/api/comments"' : ''} data-post-timeout="1000"></script></body></html>`,
  }));
  const go = async () => { await page.goto(server.url + '/answers.html'); await page.waitForSelector('#colloquy >> form.compose'); };
  return { page, watch, go };
}

// GET: an empty thread plus what was stored; POST: as `mode` says.
function api() {
  const a = { mode: 'up', stored: [] };
  a.handle = (route) => {
    const req = route.request();
    if (req.method() === 'GET') {
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ thread: THREAD, comments: a.stored, next: null }) });
    }
    if (a.mode === 'html201') return route.fulfill({ status: 201, contentType: 'text/html', body: '<html><body>Created!</body></html>' });
    if (a.mode === 'html403') return route.fulfill({ status: 403, contentType: 'text/html', body: '<html><body>Forbidden by the firewall</body></html>' });
    if (a.mode === '503') return route.fulfill({ status: 503, body: 'down' });
    const body = req.postDataJSON();
    const c = { id: `s${a.stored.length + 1}`, parent: body.parent, author: body.author, created: new Date().toISOString(), text: body.text };
    a.stored.push(c);
    return route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify(c) });
  };
  return a;
}

async function write(page, text) {
  await page.fill('#colloquy >> form.compose:not(.reply) input[name="name"]', 'Olga');
  await page.fill('#colloquy >> form.compose:not(.reply) textarea[name="text"]', text);
  await page.click('#colloquy >> form.compose:not(.reply) button[type="submit"]');
}
const outbox = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('colloquy:outbox') || '[]'));
const articles = (page) => page.evaluate(() => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll('.list > div.comment')]
  .map((a) => [a.dataset.id, a.className]));

for (const mode of ['html201', 'html403']) {
  test(`a post answered ${mode.slice(4)} with an HTML page is refused with a clear message, and not re-sent`, async () => {
    await withServer(browser, [], async (server) => {
      const a = api();
      const { page, watch, go } = await open(server);
      await page.route('**/api/comments**', a.handle);
      await go();
      a.mode = mode;
      await write(page, 'Lost in a proxy');
      await page.waitForSelector('#colloquy >> form.compose:not(.reply) .error[data-for=""]:not([hidden])', { timeout: 10000 });
      assert.equal(await page.textContent('#colloquy >> form.compose:not(.reply) .error[data-for=""]'),
        'The comments server gave an answer that could not be read; this comment may not have been posted.');
      assert.equal(await page.inputValue('#colloquy >> form.compose:not(.reply) textarea[name="text"]'), 'Lost in a proxy');
      assert.deepEqual(await outbox(page), []);
      assert.deepEqual(await articles(page), []);
      // A reload sends nothing again by itself: the text waits in the form as a draft.
      await page.reload();
      await page.waitForSelector('#colloquy >> form.compose');
      await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.querySelector('textarea[name="text"]').value === 'Lost in a proxy');
      assert.equal(watch.posts.length, 1);
      assert.deepEqual(watch.errors, []);
      await page.close();
    });
  });
}

test('when the server comes back, an unsent post goes out on its own (no online event, no reload)', async () => {
  await withServer(browser, [], async (server) => {
    const a = api();
    const { page, watch, go } = await open(server);
    await page.route('**/api/comments**', a.handle);
    await go();
    a.mode = '503';
    await write(page, 'Sent when the server is back');
    await page.waitForSelector('#colloquy >> div.comment.unsent', { timeout: 10000 });
    // At least one retry while still down, then the server returns.
    for (const end = Date.now() + 15000; watch.posts.length < 2 && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
    assert.ok(watch.posts.length >= 2, `posted ${watch.posts.length} times while down`);
    a.mode = 'up';
    await page.waitForSelector('#colloquy >> div.comment[data-id="s1"]', { timeout: 20000 });
    assert.deepEqual(await articles(page), [['s1', 'comment']]);
    assert.deepEqual(await outbox(page), []);
    assert.equal(new Set(watch.posts.map((p) => p.clientId)).size, 1);
    assert.equal(a.stored.length, 1);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('browser-storage mode says once, politely, that comments stay in this browser', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch, go } = await open(server, { comments: false });
    await go();
    await page.waitForSelector('#colloquy >> p.note', { timeout: 10000 });
    assert.equal(await page.textContent('#colloquy >> p.note'), 'Comments you write here are kept in this browser only.');
    await page.reload();
    await page.waitForSelector('#colloquy >> form.compose');
    assert.equal(await page.locator('#colloquy >> p.note').count(), 0);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('when the browser refuses to store a comment, the reader reads a sentence in the widget language', async () => {
  await withServer(browser, [], async (server) => {
    const { page, watch, go } = await open(server, { lang: 'fr', comments: false });
    await page.addInitScript(() => {
      Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };
    });
    await go();
    await write(page, 'Rien ne se garde');
    await page.waitForSelector('#colloquy >> form.compose .error[data-for=""]:not([hidden])', { timeout: 10000 });
    const text = await page.textContent('#colloquy >> form.compose .error[data-for=""]');
    assert.equal(text, 'Votre navigateur n’a pas permis d’enregistrer ce commentaire (navigation privée ou stockage plein).');
    assert.doesNotMatch(text, /storage_refused/);
    assert.equal(await page.inputValue('#colloquy >> form.compose textarea[name="text"]'), 'Rien ne se garde');
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});
