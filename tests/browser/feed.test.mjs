// The widget links the thread's Atom feed: the seed page served by colloquy serve shows an Atom
// link in the comments header, and the link answers a valid feed of the thread's comments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, waitForCount } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the comments header links the thread\'s Atom feed, which a browser parses as Atom', async () => {
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    await page.goto(server.url + '/');
    await waitForCount(page, '#colloquy >> section.comments header a.feed', 1);
    const link = await page.evaluate(() => {
      const a = document.querySelector('#colloquy').shadowRoot.querySelector('section.comments header a.feed');
      return { href: a.href, text: a.textContent, rel: a.rel };
    });
    const thread = await page.evaluate(() => document.querySelector('script[data-thread]').dataset.thread);
    assert.equal(link.href, server.url + '/api/feed.atom?thread=' + thread);
    assert.equal(link.text, 'Atom');
    assert.equal(link.rel, 'nofollow ugc noopener');
    const feed = await page.evaluate(async (href) => {
      const r = await fetch(href);
      const doc = new DOMParser().parseFromString(await r.text(), 'application/xml');
      const ns = 'http://www.w3.org/2005/Atom';
      const entries = [...doc.getElementsByTagNameNS(ns, 'entry')];
      return {
        type: r.headers.get('content-type'),
        error: doc.getElementsByTagName('parsererror').length,
        root: doc.documentElement.namespaceURI + ' ' + doc.documentElement.localName,
        required: ['id', 'title', 'updated'].every((n) => doc.documentElement.getElementsByTagNameNS(ns, n).length),
        entries: entries.length,
        complete: entries.every((e) => ['id', 'title', 'updated', 'author', 'content']
          .every((n) => e.getElementsByTagNameNS(ns, n).length)),
      };
    }, link.href);
    assert.equal(feed.type, 'application/atom+xml; charset=utf-8');
    assert.equal(feed.error, 0);
    assert.equal(feed.root, 'http://www.w3.org/2005/Atom feed');
    assert.ok(feed.required);
    assert.equal(feed.entries, 3);  // the seed thread's three comments
    assert.ok(feed.complete);
    await page.close();
  });
});
