// The seed page against the reference server's SQLite store: a comment posted from the page's own
// origin (under the strict CSP) is in the thread after a reload, and after a server restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, startServer, waitForCount } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const thread = '/2010/09/24/nato-russia-council';

async function bylines(page) {
  await page.waitForSelector('#colloquy >> div.comment');
  return page.evaluate(() => [...document.querySelector('#colloquy').shadowRoot
    .querySelectorAll('div.comment .byline')].map((b) => b.textContent));
}

test('a comment posted to /api/comments from the seed page shows after a reload and a restart', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-browser-'));
  const db = path.join(dir, 'seed.db');
  try {
    let server = await startServer(['--db', db]);
    let page = await browser.newPage();
    try {
      await page.goto(server.url + '/');
      await waitForCount(page, '#colloquy >> div.comment', 3);
      assert.equal((await bylines(page)).length, 3);
      // The page posts as the widget does: same origin, JSON, under the page's CSP.
      const answer = await page.evaluate(async (t) => {
        const r = await fetch('/api/comments', {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ thread: t, parent: 'c1', author: { name: 'Zoe', location: 'Lyon, France' },
            text: '<img src=x onerror=alert(1)> stays text', clientId: 'browser-1' }),
        });
        return { status: r.status, body: await r.json() };
      }, thread);
      assert.equal(answer.status, 201);
      assert.equal(answer.body.parent, 'c1');
      await page.reload();
      await page.waitForFunction(() =>
        document.querySelector('#colloquy')?.shadowRoot?.querySelectorAll('div.comment').length === 4);
      assert.deepEqual(await bylines(page), ['Mary D. in Kansas writes:', 'Zoe in Lyon writes:',
        'Ron in New York writes:', 'Gaspar in Kenya writes:']);
      const reply = await page.evaluate((id) => {
        const a = document.querySelector('#colloquy').shadowRoot.querySelector(`div.comment[data-id="${id}"]`);
        return { depth: a.dataset.depth, body: a.querySelector('.body').textContent, imgs: a.querySelectorAll('img').length };
      }, answer.body.id);
      assert.equal(reply.depth, '1');
      assert.equal(reply.body.trim(), '<img src=x onerror=alert(1)> stays text');
      assert.equal(reply.imgs, 0);
    } finally {
      await page.close();
      await server.stop();
    }
    // The database outlives the server.
    server = await startServer(['--db', db]);
    page = await browser.newPage();
    try {
      await page.goto(server.url + '/');
      await page.waitForFunction(() =>
        document.querySelector('#colloquy')?.shadowRoot?.querySelectorAll('div.comment').length === 4);
      assert.equal((await bylines(page))[1], 'Zoe in Lyon writes:');
    } finally {
      await page.close();
      await server.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
