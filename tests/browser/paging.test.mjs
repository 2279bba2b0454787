// "Load more" across server pages: with data-page-size the widget asks the reference server for
// that many top-level threads, and follows its "next" cursor until the thread is complete.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForCount, postComment as post } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// The seed page with its own widget fully shown (its story strip, arriving last, would push down
// what is mounted below it while a "Load more" is being clicked), logging the comments requests.
async function openSeed(server) {
  const page = await browser.newPage();
  const requests = [];
  page.on('request', (r) => { if (r.url().includes('/api/comments')) requests.push(new URL(r.url())); });
  await page.goto(server.url + '/');
  await page.waitForSelector('#colloquy >> form.compose');
  await waitForCount(page, '#colloquy >> article.story-card', 3);
  return { page, requests };
}

// A second widget on `thread`, mounted at the end of the page in a div #`id`, with `options`.
function mountPaged(page, id, thread, options) {
  return page.evaluate(async ([id, thread, options]) => {
    const el = document.createElement('div');
    el.id = id;
    document.body.append(el);
    await window.Colloquy.mount(el, Object.assign({ comments: '/api/comments', thread }, options)).ready;
  }, [id, thread, options]);
}

test('Load more follows the server cursor until every thread is shown, each comment once', async () => {
  await withServer(browser, ['--rate-limit', '0'], async (server) => {
    const thread = '/paging-test';
    const expected = [];
    for (let i = 0; i < 7; i++) {
      const top = await post(server, { thread, author: { name: 'T' + i }, text: 'top ' + i, clientId: `top-${i}-0000-0000` });
      const reply = await post(server, { thread, parent: top, author: { name: 'R' + i }, text: 'reply ' + i, clientId: `rep-${i}-0000-0000` });
      expected.push(top, reply);
    }
    const { page, requests } = await openSeed(server);
    const shown = async () => page.evaluate(() => [...document.querySelector('#paged').shadowRoot
      .querySelectorAll('div.comment')].map((a) => a.dataset.id));
    await mountPaged(page, 'paged', thread, { pageSize: 3 });
    await eventually(async () => assert.deepEqual(await shown(), expected.slice(0, 6)));  // 3 top-level threads with their replies
    const more = '#paged >> button[data-action="more"]';
    for (let clicks = 0; clicks < 5 && await page.$(more); clicks++) {
      const before = (await shown()).length;
      await page.click(more);
      await page.waitForFunction((n) => document.querySelector('#paged').shadowRoot.querySelectorAll('div.comment').length > n, before);
    }
    await eventually(async () => {
      assert.deepEqual(await shown(), expected, 'every comment exactly once, oldest first');
      assert.equal(await page.$(more), null, 'no Load more after the last server page');
    });
    const asked = requests.filter((u) => u.searchParams.get('thread') === thread);
    assert.equal(asked.length, 3, asked.map(String).join('\n'));
    assert.ok(asked.every((u) => u.searchParams.get('limit') === '3'));
    assert.equal(asked[0].searchParams.get('cursor'), null);
    assert.ok(asked.slice(1).every((u) => u.searchParams.get('cursor')), 'later pages follow the cursor');
  });
});

// A paged thread in another order is paged in that order by the server: "Newest" begins with
// the newest threads (not the oldest page reversed), "Load more" goes on into older ones, and
// choosing another order in the menu asks for that order's first page.
test('data-sort="newest" with a page size shows the newest threads first, and the menu asks again', async () => {
  await withServer(browser, ['--rate-limit', '0'], async (server) => {
    const thread = '/paging-sorted';
    const tops = [];
    for (let i = 0; i < 8; i++) {
      const top = await post(server, { thread, author: { name: 'T' + i }, text: 'top ' + i, clientId: `sorted-${i}-0000-0000` });
      if (i === 2) await post(server, { thread, parent: top, author: { name: 'R' }, text: 'reply', clientId: 'sorted-r-0000-0000' });
      tops.push(top);
    }
    const { page, requests } = await openSeed(server);
    const shownTops = async () => page.evaluate(() => [...document.querySelector('#paged').shadowRoot
      .querySelectorAll('div.comment[data-depth="0"]')].map((a) => a.dataset.id));
    await mountPaged(page, 'paged', thread, { pageSize: 3, sort: 'newest' });
    const newest = tops.slice().reverse();
    await eventually(async () => assert.deepEqual(await shownTops(), newest.slice(0, 3)));
    const more = '#paged >> button[data-action="more"]';
    await page.click(more);
    await eventually(async () => assert.deepEqual(await shownTops(), newest.slice(0, 6)));
    await page.click(more);
    await eventually(async () => {
      assert.deepEqual(await shownTops(), newest);
      assert.equal(await page.$(more), null);
    });
    const asked = requests.filter((u) => u.searchParams.get('thread') === thread);
    assert.ok(asked.every((u) => u.searchParams.get('sort') === 'newest'), asked.map(String).join('\n'));
    // Everything is here: another order sorts what is shown, with no request.
    const before = requests.length;
    await page.selectOption('#paged >> select[name="sort"]', 'oldest');
    await eventually(async () => assert.deepEqual(await shownTops(), tops));
    assert.equal(requests.length, before);
    // A fresh widget on "Oldest" with pages left on the server: "Newest" asks for its first page.
    await mountPaged(page, 'paged2', thread, { pageSize: 3 });
    const tops2 = async () => page.evaluate(() => [...document.querySelector('#paged2').shadowRoot
      .querySelectorAll('div.comment[data-depth="0"]')].map((a) => a.dataset.id));
    await eventually(async () => assert.deepEqual(await tops2(), tops.slice(0, 3)));
    await page.selectOption('#paged2 >> select[name="sort"]', 'newest');
    await eventually(async () => assert.deepEqual(await tops2(), newest.slice(0, 3)));
    const last = requests.filter((u) => u.searchParams.get('thread') === thread).pop();
    assert.equal(last.searchParams.get('sort'), 'newest');
    assert.equal(last.searchParams.get('cursor'), null);
    await page.close();
  });
});
