// "Load more" across server pages: with data-page-size the widget asks the reference server for
// that many top-level threads, and follows its "next" cursor until the thread is complete.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForCount, postComment as post } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('Load more follows the server cursor until every thread is shown, each comment once', async () => {
  await withServer(browser, ['--rate-limit', '0'], async (server) => {
    const thread = '/paging-test';
    const expected = [];
    for (let i = 0; i < 7; i++) {
      const top = await post(server, { thread, author: { name: 'T' + i }, text: 'top ' + i, clientId: `top-${i}-0000-0000` });
      const reply = await post(server, { thread, parent: top, author: { name: 'R' + i }, text: 'reply ' + i, clientId: `rep-${i}-0000-0000` });
      expected.push(top, reply);
    }
    const page = await browser.newPage();
    const requests = [];
    page.on('request', (r) => { if (r.url().includes('/api/comments')) requests.push(new URL(r.url())); });
    await page.goto(server.url + '/');
    // The page's own widget fully shown (its story strip, arriving last, would push down what is
    // mounted below it while a "Load more" is being clicked).
    await page.waitForSelector('#colloquy >> form.compose');
    await waitForCount(page, '#colloquy >> article.story-card', 3);
    const shown = async () => page.evaluate(() => [...document.querySelector('#paged').shadowRoot
      .querySelectorAll('div.comment')].map((a) => a.dataset.id));
    await page.evaluate(async (thread) => {
      const el = document.createElement('div');
      el.id = 'paged';
      document.body.append(el);
      await window.Colloquy.mount(el, { comments: '/api/comments', thread, pageSize: 3 }).ready;
    }, thread);
    assert.deepEqual(await shown(), expected.slice(0, 6));  // 3 top-level threads with their replies
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
