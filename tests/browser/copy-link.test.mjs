// The Link button: the comment's URL (the page without its hash, #comment-<id>) goes to the
// clipboard and the live region says so; when the browser refuses the clipboard, a field under
// the comment holds the URL, focused and selected.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

function announced(page) {
  return page.evaluate(() => document.querySelector('#colloquy').shadowRoot.querySelector('.announce').textContent);
}

test('Link copies the comment\'s URL and says so', async () => {
  await withServer(browser, [], async (server) => {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url + '/?from=index#top');
    await page.click('#colloquy >> div.comment[data-id="c2"] button[data-action="link"]');
    await eventually(async () => assert.equal(await announced(page), 'Link copied'));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), server.url + '/?from=index#comment-c2');
    // The URL leads to the comment: its article has that id.
    assert.equal(await page.locator('#colloquy >> #comment-c2').count(), 1);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

test('a refused clipboard leaves the URL selected in a field under the comment', async () => {
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
    });
    await page.goto(server.url + '/');
    await page.focus('#colloquy >> div.comment[data-id="c1"] button[data-action="link"]');
    await page.keyboard.press('Enter');
    const field = '#colloquy >> div.comment[data-id="c1"] .copy-link input';
    await page.waitForSelector(field);
    await eventually(async () => {
      const state = await page.evaluate(() => {
        const input = document.querySelector('#colloquy').shadowRoot.activeElement;
        return input && { value: input.value, readOnly: input.readOnly, selected: input.value.slice(input.selectionStart, input.selectionEnd),
          label: input.closest('label').textContent };
      });
      assert.deepEqual(state, { value: server.url + '/#comment-c1', readOnly: true, selected: server.url + '/#comment-c1', label: 'Copy this link: ' });
    });
    // A second click reuses the field.
    await page.click('#colloquy >> div.comment[data-id="c1"] button[data-action="link"]');
    await eventually(async () => assert.equal(await page.locator(field).count(), 1));
    assert.deepEqual(errors, []);
    await page.close();
  });
});
