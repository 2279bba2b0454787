// Threads in the widget: every sort order in select[name=sort], re-sorting without a refetch,
// and "Load more" pages that continue where the last one ended, from the bytes already loaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForCount, waitForDetached } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// Seven top-level threads (t0 oldest … t6 newest), some with replies; votes make `top` differ.
const comments = [];
for (let i = 0; i < 7; i++) {
  comments.push({ id: `t${i}`, parent: null, author: { name: `Top ${i}` }, created: `2020-01-0${i + 1}T10:00:00Z`,
    text: `thread ${i}`, votes: { up: (i * 3) % 7, down: 1 } });
  for (let k = 0; k < i % 3; k++) {
    comments.push({ id: `t${i}r${k}`, parent: `t${i}`, author: 'Replier', created: `2020-01-0${i + 1}T1${k + 1}:00:00Z`,
      text: `reply ${k} to ${i}`, votes: { up: 0, down: 0 } });
  }
}
const oldestOrder = comments.map((c) => c.id);  // already in display order: threads oldest first

const ids = (page) => page.$$eval('#colloquy >> div.comment', (as) => as.map((a) => a.dataset.id));

test('select[name=sort] offers every order and re-sorts without refetching; Load more pages through the thread', async () => {
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    let fetches = 0;
    await page.route('**/api/comments**', (route) => {
      fetches++;
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ comments }) });
    });
    await page.goto(server.url + '/');
    await waitForCount(page, '#colloquy >> div.comment', oldestOrder.length);
    assert.deepEqual(await ids(page), oldestOrder);
    const options = await page.$$eval('#colloquy >> select[name="sort"] option', (os) => os.map((o) => o.value));
    assert.deepEqual(options, ['oldest', 'newest', 'top', 'hot', 'controversial']);

    // Two top-level threads per page.
    await page.evaluate(() => window.Colloquy.mount(document.querySelector('#colloquy'), { pageSize: 2 }).ready);
    // The story strip arrives after the comments; clicking "Load more" before it is in place can
    // land where the button was before the strip pushed it down (a lost click on a busy machine).
    await waitForCount(page, '#colloquy >> article.story-card', 3);
    const fetchesBefore = fetches;
    const firstPage = oldestOrder.slice(0, oldestOrder.indexOf('t2'));
    await page.waitForFunction((n) => document.querySelector('#colloquy').shadowRoot.querySelectorAll('div.comment').length === n, firstPage.length);
    assert.deepEqual(await ids(page), firstPage);
    let pages = 1;
    while (await page.$('#colloquy >> button[data-action="more"]')) {
      const before = (await ids(page)).length;
      // A click can be lost on a busy machine (the button moves as late styles or strips land):
      // if nothing arrived in 15 s and the button is still there and enabled, click it again.
      const grown = (n) => document.querySelector('#colloquy').shadowRoot.querySelectorAll('div.comment').length > n;
      await page.click('#colloquy >> button[data-action="more"]');
      const arrived = await page.waitForFunction(grown, before, { timeout: 15000 }).then(() => true, () => false);
      if (!arrived) {
        await page.click('#colloquy >> button[data-action="more"]:not([disabled])');
        await page.waitForFunction(grown, before);
      }
      await page.waitForFunction(() => !document.querySelector('#colloquy').shadowRoot.querySelector('button[data-action="more"][disabled]'));
      pages++;
      assert.ok(pages <= 4, 'too many pages');
    }
    assert.equal(pages, 4);
    await eventually(async () => assert.deepEqual(await ids(page), oldestOrder, 'the pages together are the whole thread, in order'));
    assert.equal(fetches, fetchesBefore, 'load more never refetches');

    // Re-sorting keeps the seven threads on screen and does not refetch.
    // (Each re-sort renders a new list in place of the old one: wait for that, then for the order.)
    let list = await page.$('#colloquy >> .list');
    await page.selectOption('#colloquy >> select[name="sort"]', 'newest');
    await waitForDetached(page, list);
    await eventually(async () => {
      const newest = await ids(page);
      assert.deepEqual(newest.filter((id) => !id.includes('r')), ['t6', 't5', 't4', 't3', 't2', 't1', 't0']);
      assert.equal(newest.length, oldestOrder.length);
    });
    list = await page.$('#colloquy >> .list');
    await page.selectOption('#colloquy >> select[name="sort"]', 'top');
    await waitForDetached(page, list);
    // Every thread has one down vote, so the Wilson bound grows with the up votes.
    const ups = Object.fromEntries(comments.filter((c) => !c.parent).map((c) => [c.id, c.votes.up]));
    await eventually(async () => {
      const all = await ids(page);
      assert.equal(all.length, oldestOrder.length, 'the seven threads stay on screen');
      const top = all.filter((id) => !id.includes('r'));
      for (let i = 1; i < top.length; i++) assert.ok(ups[top[i - 1]] >= ups[top[i]], `${top} is not by votes`);
    });
    assert.equal(fetches, fetchesBefore);
    assert.deepEqual(errors, []);
  });
});
