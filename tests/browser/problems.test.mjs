// A comments document with more problems than the core lists (limits::max_problems, 1,000): the
// loader names the ones listed and says once per load how many more there were (problemsOmitted).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForCount } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('problems past the first 1,000 are counted in one [colloquy] warning per load', async () => {
  const comments = [{ id: 'ok', created: '2010-09-25T14:03:00Z', text: 'The one good comment.' }];
  for (let i = 0; i < 1003; i++) comments.push({ id: `bad${i}`, created: '2010-09-25T14:03:00Z' }); // no text
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    const warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    await page.route('**/problems.html', (route) => route.fulfill({ status: 200, contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Problems</title></head><body>
<div id="colloquy"></div><script src="/colloquy/colloquy.js" defer data-thread="/p" data-comments="/api/comments"></script></body></html>` }));
    await page.route('**/api/comments**', (route) => route.fulfill({ status: 200, contentType: 'application/json',
      body: JSON.stringify({ thread: '/p', comments, next: null }) }));
    await page.goto(server.url + '/problems.html');
    await waitForCount(page, '#colloquy >> div.comment', 1);
    const omitted = () => warnings.filter((w) => w.includes('more problems'));
    await eventually(() => assert.deepEqual(omitted(), ['[colloquy] 3 more problems in the comments document not listed (colloquy check lists them)']));
    assert.equal(warnings.filter((w) => w.includes('skipped or repaired: missing_text')).length, 1000);
    // Re-sorting renders again but is the same load: still one.
    await page.selectOption('#colloquy >> select[name="sort"]', 'newest');
    assert.equal(omitted().length, 1);
  });
});
