// A comments document with more problems than the core lists (limits::max_problems, 1,000): one
// warning counts the ones listed by code, one console table names them, and one more warning
// says how many more there were (problemsOmitted); a render of the same load says none again.
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
    const warnings = [], tables = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
      if (m.type() === 'table') tables.push(m);
    });
    await page.route('**/problems.html', (route) => route.fulfill({ status: 200, contentType: 'text/html',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Problems</title></head><body>
<div id="colloquy"></div><script src="/colloquy/colloquy.js" defer data-thread="/p" data-comments="/api/comments"></script></body></html>` }));
    await page.route('**/api/comments**', (route) => route.fulfill({ status: 200, contentType: 'application/json',
      body: JSON.stringify({ thread: '/p', comments, next: null }) }));
    await page.goto(server.url + '/problems.html');
    await waitForCount(page, '#colloquy >> div.comment', 1);
    const omitted = () => warnings.filter((w) => w.includes('more problems'));
    await eventually(() => assert.deepEqual(omitted(), ['[colloquy] 3 more problems in the comments document not listed (colloquy check lists them)']));
    const listed = () => warnings.filter((w) => w.includes('skipped or repaired'));
    assert.deepEqual(listed(), ['[colloquy] 1000 comments skipped or repaired: missing_text 1000 (the table below names them; colloquy check lists a whole document)']);
    assert.equal(tables.length, 1);
    const rows = await tables[0].args()[0].jsonValue();
    assert.equal(rows.length, 1000);
    assert.deepEqual(rows[0], { comment: 'bad0', code: 'missing_text', field: 'text' });
    assert.equal(warnings.filter((w) => w.startsWith('[colloquy]')).length, 2); // not one per comment
    // Re-sorting renders again but is the same load: nothing said again.
    // Waits for the new render (the old article replaced), then for a marker logged after it:
    // console messages arrive in order, so whatever the render said has arrived by then.
    await page.evaluate(() => { document.querySelector('#colloquy').shadowRoot.querySelector('div.comment').dataset.old = '1'; });
    await page.selectOption('#colloquy >> select[name="sort"]', 'newest');
    await page.waitForFunction(() => { const c = document.querySelector('#colloquy').shadowRoot.querySelector('div.comment'); return c && !c.dataset.old; }, null, { timeout: 10000 });
    await page.evaluate(() => console.warn('marker: re-sorted'));
    await eventually(() => assert.ok(warnings.includes('marker: re-sorted')));
    assert.equal(omitted().length, 1);
    assert.equal(listed().length, 1);
    assert.equal(tables.length, 1);
  });
});
