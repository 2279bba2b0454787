// The posting path by keyboard alone (issue 13): Escape closes a reply form and Cancel too, with
// focus back on the Reply button; after a post focus is on the new comment; Retry keeps focus;
// a polite live region says "Comment posted" and "Not sent yet"; errors are tied to their fields
// and an alert is not rewritten while the reader types. Against the reference server and in the
// browser-storage mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForCount, waitForPreview } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

// What has focus inside the widget: its tag ('comment' for a comment itself, a div.comment with
// role=article), data-action, name, and the id of the comment it is in.
function focused(page) {
  return page.evaluate(() => {
    const el = document.querySelector('#colloquy').shadowRoot.activeElement;
    if (!el) return null;
    const article = el.closest('div.comment');
    const tag = el.matches('div.comment[role="article"]') ? 'comment' : el.tagName.toLowerCase();
    return { tag, action: el.getAttribute('data-action'), name: el.getAttribute('name'),
      article: article ? article.getAttribute('data-id') : null, parent: el.closest('form.compose')?.getAttribute('data-parent') ?? null };
  });
}

function liveStatus(page) {
  return page.evaluate(() => {
    const s = document.querySelector('#colloquy').shadowRoot.querySelector('.announce[role="status"]');
    return s ? { text: s.textContent, live: s.getAttribute('aria-live') || 'polite' } : null;
  });
}

async function open(url, route) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (route) await route(page);
  await page.goto(url);
  await page.waitForSelector('#colloquy >> form.compose');
  return { page, errors };
}

// Focus on the Reply button of comment `id`, then Enter: as a keyboard reader opens a reply.
async function replyByKeyboard(page, id) {
  await page.focus(`#colloquy >> div.comment[data-id="${id}"] button[data-action="reply"]`);
  await page.keyboard.press('Enter');
  await eventually(async () => assert.deepEqual(await focused(page), { tag: 'textarea', action: null, name: 'text', article: null, parent: id }));
}

test('Escape and Cancel close a reply form and give focus back to its Reply button', async () => {
  await withServer(browser, [], async (server) => {
    const { page, errors } = await open(server.url + '/');
    await replyByKeyboard(page, 'c1');
    await page.keyboard.type('Half a thought');
    await page.keyboard.press('Escape');
    await waitForCount(page, '#colloquy >> form.compose.reply', 0);
    await eventually(async () => assert.deepEqual(await focused(page), { tag: 'button', action: 'reply', name: null, article: 'c1', parent: null }));
    // Opened again, the draft is still there; Tab to Cancel and Enter closes it the same way.
    await replyByKeyboard(page, 'c1');
    assert.equal(await page.inputValue('#colloquy >> form.compose.reply textarea[name="text"]'), 'Half a thought');
    await page.focus('#colloquy >> form.compose.reply button[type="submit"]');
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).action, 'cancel');
    await page.keyboard.press('Enter');
    await waitForCount(page, '#colloquy >> form.compose.reply', 0);
    await eventually(async () => assert.deepEqual(await focused(page), { tag: 'button', action: 'reply', name: null, article: 'c1', parent: null }));
    assert.deepEqual(errors, []);
    await page.close();
  });
});

test('errors are tied to their fields, focus goes to the first, and an alert is not rewritten while typing', async () => {
  await withServer(browser, [], async (server) => {
    const { page, errors } = await open(server.url + '/');
    const form = '#colloquy >> form.compose:not(.reply)';
    assert.equal(await page.getAttribute(`${form} textarea[name="text"]`, 'required'), '');
    await page.focus(`${form} button[type="submit"]`);
    await page.keyboard.press('Enter');
    await eventually(async () => assert.equal((await focused(page)).name, 'text'));
    const described = await page.evaluate(() => {
      const f = document.querySelector('#colloquy').shadowRoot.querySelector('form.compose:not(.reply)');
      return ['name', 'location', 'text'].map((n) => {
        const slot = f.getRootNode().getElementById(f.elements[n].getAttribute('aria-describedby'));
        return [n, slot.getAttribute('data-for'), slot.hidden ? '' : slot.textContent];
      });
    });
    assert.deepEqual(described, [['name', 'name', ''], ['location', 'location', ''], ['text', 'text', 'Please write a comment.']]);
    // A name that stays too long while the reader goes on typing: its alert is said once.
    await page.focus(`${form} input[name="name"]`);
    await page.keyboard.insertText('N'.repeat(210));
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${form} .error[data-for="name"]:not([hidden])`);
    await page.evaluate(() => {
      const slot = document.querySelector('#colloquy').shadowRoot.querySelector('form.compose:not(.reply) .error[data-for="name"]');
      window.__rewrites = 0;
      new MutationObserver((m) => { window.__rewrites += m.length; }).observe(slot, { childList: true, characterData: true, subtree: true, attributes: true });
    });
    let name = 'N'.repeat(210);
    for (const key of ['x', 'y', 'z']) {
      await page.keyboard.type(key);
      name += key;
      // The pause after typing has been handled: the name is saved, and the form checked again
      // in the same step.
      await page.waitForFunction((n) => JSON.parse(localStorage.getItem('colloquy:author') || '{}').name === n, name);
    }
    assert.equal(await page.evaluate(() => window.__rewrites), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

test('after posting, focus is on the new comment and the live region says so; Retry keeps focus', async () => {
  await withServer(browser, [], async (server) => {
    let failing = false;
    const { page, errors } = await open(server.url + '/', (p) => p.route((url) => url.pathname === '/api/comments', (route) =>
      failing && route.request().method() === 'POST' ? route.abort('connectionrefused') : route.continue()));
    const form = '#colloquy >> form.compose:not(.reply)';
    await page.focus(`${form} textarea[name="text"]`);
    await page.keyboard.type('Typed, then posted by keyboard.');
    await waitForPreview(page, form);
    await page.keyboard.press('Tab'); // to Post
    assert.equal((await focused(page)).tag, 'button');
    await page.keyboard.press('Enter');
    await waitForCount(page, '#colloquy >> div.comment', 4);
    await eventually(async () => {
      const f = await focused(page);
      assert.equal(f.tag, 'comment');
      assert.match(f.article, /^c\d+/, 'the stored comment, with the id the server gave it');
      assert.deepEqual(await liveStatus(page), { text: 'Comment posted', live: 'polite' });
    });

    // The server cannot be reached: "Not sent yet" with Retry; Retry by keyboard keeps focus there.
    failing = true;
    await page.focus(`${form} textarea[name="text"]`);
    await page.keyboard.type('This one waits.');
    await waitForPreview(page, form);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#colloquy >> div.comment.unsent button[data-action="retry"]');
    await eventually(async () => assert.equal((await liveStatus(page)).text, 'Not sent yet'));
    await page.focus('#colloquy >> div.comment.unsent button[data-action="retry"]');
    await page.keyboard.press('Enter');
    await eventually(async () => {
      const f = await focused(page);
      assert.equal(f.action, 'retry');
      assert.equal(await page.locator('#colloquy >> div.comment.unsent').count(), 1);
    });
    failing = false;
    await page.keyboard.press('Enter');
    await waitForCount(page, '#colloquy >> div.comment.unsent', 0);
    await eventually(async () => {
      const f = await focused(page);
      assert.equal(f.tag, 'comment');
      assert.match(f.article, /^c\d+/);
      assert.equal((await liveStatus(page)).text, 'Comment posted');
    });
    assert.deepEqual(errors, []);
    await page.close();
  });
});

test('browser-storage mode: a reply posted by keyboard takes focus, never leaving it on <body>', async () => {
  await withServer(browser, [], async (server) => {
    const { page, errors } = await open(server.url + '/local-keys.html', (p) => p.route('**/local-keys.html', (route) => route.fulfill({
      status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP },
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local</title></head><body>
<div id="colloquy"></div><script src="/colloquy/colloquy.js" defer data-thread="/local/keys"></script></body></html>`,
    })));
    const form = '#colloquy >> form.compose:not(.reply)';
    await page.focus(`${form} textarea[name="text"]`);
    await page.keyboard.type('Kept here.');
    await waitForPreview(page, form);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitForCount(page, '#colloquy >> div.comment', 1);
    const first = await eventually(async () => {
      const f = await focused(page);
      assert.equal(f.tag, 'comment');
      return f.article;
    });
    await replyByKeyboard(page, first);
    await page.keyboard.type('And a reply.');
    await waitForPreview(page, '#colloquy >> form.compose.reply');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitForCount(page, '#colloquy >> div.comment', 2);
    await eventually(async () => {
      const f = await focused(page);
      assert.equal(f.tag, 'comment');
      assert.notEqual(f.article, first);
      assert.equal((await liveStatus(page)).text, 'Comment posted');
    });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
