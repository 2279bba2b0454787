// Languages, time zones and relative dates in the widget, on the seed page over HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// Mounts a second widget on the seed page with `options` and a comments document of our own,
// and answers what it shows.
async function mountWith(page, server, doc, options, lang) {
  await page.route('**/api/test-comments**', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(doc) }));
  await page.goto(server.url + '/');
  await page.waitForSelector('#colloquy >> div.comment');
  return page.evaluate(async ({ options, lang }) => {
    if (lang) document.documentElement.lang = lang;
    const el = document.createElement('div');
    el.id = 'second';
    document.body.append(el);
    await window.Colloquy.mount(el, Object.assign({ comments: '/api/test-comments', thread: '/t' }, options)).ready;
    const root = el.shadowRoot;
    return {
      heading: root.querySelector('section.comments h2').textContent,
      bylines: [...root.querySelectorAll('.byline')].map((b) => b.textContent),
      times: [...root.querySelectorAll('div.comment .date')].map((t) => t.textContent),
      reply: root.querySelector('button[data-action="reply"]').textContent,
    };
  }, { options, lang });
}

const seedDoc = [
  { id: 'a', created: '2010-09-25T14:03:00Z', text: 'Nice :)', author: { name: 'Mary D.', location: 'Kansas, USA' } },
  { id: 'b', created: '2010-11-07T04:30:00Z', text: 'DST', author: { name: 'Ron', location: 'New York, USA' } },
];

test('data-locale picks the language; the page lang is the default', async () => {
  await withServer(browser, [], async (server) => {
    const ru = await mountWith(await browser.newPage(), server, seedDoc, { locale: 'ru' });
    assert.equal(ru.heading, '2 комментария');
    assert.deepEqual(ru.bylines, ['Mary D. (Kansas) пишет:', 'Ron (New York) пишет:']);
    assert.equal(ru.times[0], '25 сентября 2010\u00A0г.');
    assert.equal(ru.reply, 'Ответить');
    const fr = await mountWith(await browser.newPage(), server, seedDoc, {}, 'fr-FR');
    assert.equal(fr.heading, '2 commentaires');
    assert.equal(fr.times[0], '25 septembre 2010');
    const es = await mountWith(await browser.newPage(), server, seedDoc, { locale: 'es' });
    assert.equal(es.bylines[0], 'Mary D., de Kansas, escribe:');
    const de = await mountWith(await browser.newPage(), server, seedDoc, { locale: 'de-AT' });
    assert.equal(de.times[0], '25. September 2010');
  });
});

test('a named time zone is resolved by the browser, daylight saving included', async () => {
  await withServer(browser, [], async (server) => {
    // 04:30Z on 7 November 2010 is 00:30 EDT (DST ended at 06:00Z): still November 7 in New York,
    // where a fixed -05:00 would say November 6.
    const ny = await mountWith(await browser.newPage(), server, seedDoc, { timeZone: 'America/New_York' });
    assert.equal(ny.times[1], 'November 7, 2010');
    const fixed = await mountWith(await browser.newPage(), server, seedDoc, { timeZone: '-05:00' });
    assert.equal(fixed.times[1], 'November 6, 2010');
    const tokyo = await mountWith(await browser.newPage(), server, seedDoc, { timeZone: 'Asia/Tokyo' });
    assert.equal(tokyo.times[1], 'November 7, 2010');
    assert.equal(tokyo.times[0], 'September 25, 2010');
  });
});

test('relative dates age while the widget stays open', async () => {
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    const now = Date.parse('2026-03-01T12:00:00Z');
    await page.clock.install({ time: now });
    const doc = [{ id: 'r', created: new Date(now - 2 * 60000).toISOString(), text: 'fresh', author: 'Ann' }];
    const first = await mountWith(page, server, doc, {});
    assert.equal(first.times[0], '2 minutes ago');
    await page.clock.runFor(60 * 60000);
    // Polled from node: the page's own timers are the fake clock's.
    await eventually(async () => {
      const later = await page.evaluate(() => document.querySelector('#second').shadowRoot.querySelector('div.comment .date').textContent);
      assert.equal(later, '1 hour ago');
    });
    const datetime = await page.evaluate(() => document.querySelector('#second').shadowRoot.querySelector('div.comment .date').getAttribute('data-datetime'));
    assert.equal(datetime, new Date(now - 2 * 60000).toISOString().replace('.000Z', 'Z'));
  });
});

test('the failure message is in the widget language', async () => {
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    await page.route('**/api/missing**', (route) => route.fulfill({ status: 503, body: '' }));
    await page.goto(server.url + '/');
    const text = await page.evaluate(async () => {
      const el = document.createElement('div');
      document.body.append(el);
      await window.Colloquy.mount(el, { comments: '/api/missing', thread: '/t', locale: 'de' }).ready;
      return el.shadowRoot.querySelector('.status').textContent;
    });
    assert.equal(text, 'Die Kommentare konnten nicht geladen werden.');
  });
});
