// The outbox, driven through the network layer: posts that fail (offline, 5xx, timeout) wait in
// localStorage with their clientId, show "Not sent yet" with a retry button, survive a reload
// and go out again on `online`, after a reload or on retry, never under a new clientId.
// A refusal (4xx with an error) puts the text back into the form with the reason.
// The real server end to end is in posting.test.mjs; here the answers are scripted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForDetached, clickPost } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const THREAD = '/outbox-test';

// A page on the test server's origin whose widget posts to /api/comments. `postTimeout`: short
// where a test needs the widget to give up on a POST that never gets an answer; it must still
// leave a busy machine time to deliver the answers that do come.
async function open(server, { postTimeout = 15000 } = {}) {
  const page = await browser.newPage();
  const watch = { errors: [], posts: [] };
  page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  // (The browser's own "Failed to load resource" line for each failed POST is expected here.)
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) watch.errors.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => { if (r.method() === 'POST') watch.posts.push(r.postDataJSON()); });
  await page.route('**/outbox.html', (route) => route.fulfill({
    status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Outbox</title></head><body>
<div id="colloquy"></div><script src="/colloquy/colloquy.js" defer data-thread="${THREAD}"
  data-comments="/api/comments" data-post-timeout="${postTimeout}"></script></body></html>`,
  }));
  return { page, watch, go: async () => { await page.goto(server.url + '/outbox.html'); await page.waitForSelector('#colloquy >> form.compose'); } };
}

// A scripted comments API: GET answers the stored comments, POST stores once per clientId
// (201, then 200 with the same comment), as DESIGN §3 says a server must.
function fakeApi() {
  const byClient = new Map();
  const api = {
    mode: 'up', // 'up' | 'offline' | '503' | 'hang' | 'refuse'
    comments: () => [...byClient.values()],
    async handle(route) {
      const req = route.request();
      if (req.method() === 'GET') {
        return route.fulfill({ status: 200, contentType: 'application/json',
          body: JSON.stringify({ thread: THREAD, comments: api.comments(), next: null }) });
      }
      if (api.mode === 'offline') return route.abort('internetdisconnected');
      if (api.mode === '503') return route.fulfill({ status: 503, body: 'busy' });
      if (api.mode === 'hang') return; // never answers: the widget's AbortController must give up
      const body = req.postDataJSON();
      if (api.mode === 'refuse') {
        return route.fulfill({ status: 422, contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'text_too_long', message: 'too long', field: 'text' } }) });
      }
      const seen = byClient.get(body.clientId);
      const stored = seen || { id: `s${byClient.size + 1}`, parent: body.parent, author: body.author,
        created: new Date().toISOString(), text: body.text, status: 'pending' };
      byClient.set(body.clientId, stored);
      return route.fulfill({ status: seen ? 200 : 201, contentType: 'application/json', body: JSON.stringify(stored) });
    },
  };
  return api;
}

function articles(page) {
  return page.evaluate(() => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll('.list > div.comment')]
    .map((a) => ({ id: a.dataset.id, clientId: a.dataset.clientId || null, cls: a.className, depth: a.dataset.depth,
      body: a.querySelector('.body').textContent.trim(), state: a.querySelector('.state')?.textContent ?? null,
      retry: !!a.querySelector('button[data-action="retry"]') })));
}
const outbox = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('colloquy:outbox') || '[]'));

async function write(page, text) {
  await page.fill('#colloquy >> form.compose:not(.reply) input[name="name"]', 'Olga');
  await page.fill('#colloquy >> form.compose:not(.reply) textarea[name="text"]', text);
  await clickPost(page, '#colloquy >> form.compose:not(.reply)');
}

for (const failure of ['offline', '503', 'hang']) {
  test(`a post that fails (${failure}) stays unsent across a reload, then is delivered once under its clientId`, async () => {
    await withServer(browser, [], async (server) => {
      const api = fakeApi();
      const { page, watch, go } = await open(server, failure === 'hang' ? { postTimeout: 2000 } : {});
      await page.route('**/api/comments**', (route) => api.handle(route));
      await go();
      api.mode = failure;
      await write(page, `Written while ${failure}`);
      // Before any answer: the comment is in the thread, marked as sending (or, offline, already
      // unsent); the form is free again.
      await eventually(async () => {
        const first = (await articles(page))[0];
        assert.equal(first?.body, `Written while ${failure}`);
        assert.match(first.cls, /\b(sending|unsent)\b/);
        assert.equal(await page.inputValue('#colloquy >> form.compose textarea[name="text"]'), '');
      });
      await page.waitForSelector('#colloquy >> div.comment.unsent button[data-action="retry"]');
      let a = await articles(page);
      assert.equal(a.length, 1);
      assert.equal(a[0].state, 'Not sent yet Retry');
      const clientId = a[0].clientId;
      assert.match(clientId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual((await outbox(page)).map((i) => i.clientId), [clientId]);

      // Reload while still failing: the text is still there, still unsent, same clientId.
      await page.reload();
      await page.waitForSelector('#colloquy >> div.comment.unsent');
      a = await articles(page);
      assert.deepEqual(a.map((c) => [c.body, c.clientId]), [[`Written while ${failure}`, clientId]]);

      // A manual retry that fails again changes nothing. (The retry replaces the unsent article
      // with a sending one: wait for that, then for the failure to bring "Not sent yet" back.)
      const unsent = await page.waitForSelector('#colloquy >> div.comment.unsent button[data-action="retry"]');
      const article = await unsent.evaluateHandle((b) => b.closest('div.comment'));
      await unsent.click();
      await waitForDetached(page, article);
      await page.waitForSelector('#colloquy >> div.comment.unsent button[data-action="retry"]');
      a = await articles(page);
      assert.deepEqual(a.map((c) => [c.body, c.clientId, c.state]), [[`Written while ${failure}`, clientId, 'Not sent yet Retry']]);

      // The network returns: the `online` event sends it; the server's copy replaces it.
      api.mode = 'up';
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await page.waitForSelector('#colloquy >> div.comment[data-id="s1"]');
      a = await articles(page);
      assert.deepEqual(a.map((c) => [c.id, c.clientId, c.body, c.state]),
        [['s1', null, `Written while ${failure}`, 'Awaiting moderation']]);
      assert.deepEqual(await outbox(page), []);
      assert.ok(watch.posts.length >= 3, `posted ${watch.posts.length} times`);
      assert.ok(watch.posts.every((p) => p.clientId === clientId), 'every attempt carried the same clientId');
      assert.equal(api.comments().length, 1);
      // And after another reload it is simply part of the thread, once.
      await page.reload();
      await page.waitForSelector('#colloquy >> form.compose'); // the thread is rendered, posting set up
      assert.deepEqual((await articles(page)).map((c) => c.id), ['s1']);
      assert.deepEqual(watch.errors, []);
      await page.close();
    });
  });
}

test('an answer lost on the way back is retried after a reload and still gives one comment', async () => {
  await withServer(browser, [], async (server) => {
    const api = fakeApi();
    const { page, watch, go } = await open(server);
    let lose = true;
    await page.route('**/api/comments**', async (route) => {
      if (route.request().method() === 'POST' && lose) {
        lose = false;
        await api.handle({ request: () => route.request(), fulfill: async () => {} }); // stored...
        return route.abort('connectionreset');                                          // ...answer lost
      }
      return api.handle(route);
    });
    await go();
    await write(page, 'Stored, but the answer never arrived');
    await page.waitForSelector('#colloquy >> div.comment.unsent');
    assert.equal(api.comments().length, 1, 'the server has it');
    await page.reload(); // the thread now lists s1, and the outbox retries the same clientId
    // Posting (colloquy-post.js) may still be on its way when the thread shows: the outbox empty is the end.
    await page.waitForFunction(() => !document.querySelector('#colloquy').shadowRoot.querySelector('div.comment.unsent, div.comment.sending') &&
      document.querySelector('#colloquy').shadowRoot.querySelector('div.comment[data-id="s1"]') &&
      JSON.parse(localStorage.getItem('colloquy:outbox') || '[]').length === 0);
    assert.deepEqual((await articles(page)).map((c) => c.id), ['s1'], 'shown once');
    assert.equal(api.comments().length, 1, 'stored once');
    assert.equal(new Set(watch.posts.map((p) => p.clientId)).size, 1);
    assert.deepEqual(await outbox(page), []);
    await page.close();
  });
});

test('a refused post goes back into its form with the reason; a reply lands under its parent', async () => {
  await withServer(browser, [], async (server) => {
    const api = fakeApi();
    const { page, watch, go } = await open(server);
    await page.route('**/api/comments**', (route) => api.handle(route));
    await go();
    await write(page, 'Parent comment');
    await page.waitForSelector('#colloquy >> div.comment[data-id="s1"]');
    // A reply, refused by the server: the reader gets the text back, with the server's reason.
    await page.click('#colloquy >> div.comment[data-id="s1"] button[data-action="reply"]');
    await page.fill('#colloquy >> form.compose.reply textarea[name="text"]', 'My long reply');
    api.mode = 'refuse';
    await clickPost(page, '#colloquy >> form.compose.reply');
    await page.waitForSelector('#colloquy >> form.compose.reply .error[data-for="text"]:not([hidden])');
    assert.equal(await page.textContent('#colloquy >> form.compose.reply .error[data-for="text"]'), 'This comment is too long.');
    assert.equal(await page.inputValue('#colloquy >> form.compose.reply textarea[name="text"]'), 'My long reply');
    assert.deepEqual(await outbox(page), []);
    assert.equal((await articles(page)).length, 1);
    // Accepted this time: it appears under its parent, one level deeper, then the server's copy.
    api.mode = 'up';
    await clickPost(page, '#colloquy >> form.compose.reply');
    await page.waitForSelector('#colloquy >> div.comment[data-id="s2"]');
    const a = await articles(page);
    assert.deepEqual(a.map((c) => [c.id, c.depth]), [['s1', '0'], ['s2', '1']]);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('without crypto.randomUUID (an insecure origin) the clientId is still a version-4 UUID, kept across retries', async () => {
  await withServer(browser, [], async (server) => {
    const api = fakeApi();
    const { page, watch, go } = await open(server);
    await page.addInitScript(() => { Object.defineProperty(Crypto.prototype, 'randomUUID', { value: undefined }); });
    await page.route('**/api/comments**', (route) => api.handle(route));
    await go();
    assert.equal(await page.evaluate(() => typeof crypto.randomUUID), 'undefined');
    api.mode = '503';
    await write(page, 'No randomUUID here');
    await page.waitForSelector('#colloquy >> div.comment.unsent');
    api.mode = 'up';
    await page.click('#colloquy >> div.comment.unsent button[data-action="retry"]');
    await page.waitForSelector('#colloquy >> div.comment[data-id="s1"]');
    assert.equal(watch.posts.length, 2);
    assert.equal(watch.posts[0].clientId, watch.posts[1].clientId);
    assert.match(watch.posts[0].clientId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});

test('when the browser refuses to store anything, a failed post still waits on the page with a working retry', async () => {
  await withServer(browser, [], async (server) => {
    const api = fakeApi();
    const { page, watch, go } = await open(server);
    await page.addInitScript(() => {
      Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };
    });
    await page.route('**/api/comments**', (route) => api.handle(route));
    await go();
    api.mode = '503';
    await write(page, 'Kept on the page only');
    await page.waitForSelector('#colloquy >> div.comment.unsent button[data-action="retry"]');
    // A re-sort re-renders the thread (a new list replaces the old one): the waiting post is still shown.
    const oldList = await page.$('#colloquy >> .list');
    await page.selectOption('#colloquy >> select[name="sort"]', 'newest');
    await waitForDetached(page, oldList);
    await page.waitForSelector('#colloquy >> .list > div.comment.unsent button[data-action="retry"]');
    api.mode = 'up';
    await page.click('#colloquy >> div.comment.unsent button[data-action="retry"]');
    await page.waitForSelector('#colloquy >> div.comment[data-id="s1"]');
    assert.deepEqual((await articles(page)).map((c) => [c.id, c.body]), [['s1', 'Kept on the page only']]);
    assert.equal(new Set(watch.posts.map((p) => p.clientId)).size, 1);
    assert.deepEqual(watch.errors, []);
    await page.close();
  });
});
