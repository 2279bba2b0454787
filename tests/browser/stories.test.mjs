// Latest Stories through the real loader in headless Chromium: every feed of the shared material
// (JSON Feed, RSS, Atom; valid, edge, malformed, hostile), the seed page with other feeds behind
// its /feed.json, and the `colloquy stories` command.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { launch, withServer, repo, build, eventually, waitForCount, waitForText } from './support.mjs';

const dataDir = process.env.COLLOQUY_TEST_DATA || path.resolve(repo, '../shared/data');
const manifestPath = path.join(dataDir, 'feeds/MANIFEST.json');
const manifest = fs.existsSync(manifestPath) ? JSON.parse(fs.readFileSync(manifestPath, 'utf8')) : null;
const skipData = manifest ? false : `SKIPPED: shared test data not found at ${dataDir}`;
const cli = path.join(build.native, 'examples/colloquy');
process.env.TZ = 'UTC';  // feed dates without a zone are UTC to the core; make Date.parse agree
const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

// Chromium's XML parser marks a document that is not well-formed with a <parsererror> block
// carrying an inline style attribute; under style-src 'self' that logs a CSP message (and fires
// securitypolicyviolation) although nothing is ever inserted in the page. Only that message is
// tolerated, and only where a feed is malformed XML.
const xmlErrorBlockNoise = (e) => /^Applying inline style violates the following Content Security Policy directive 'style-src 'self''/.test(e);

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// What the content is, judged the way a reader of the bytes would (not by the file name).
function looksLikeXml(bytes) {
  let s = bytes.toString('utf8');
  if (s.charCodeAt(0) === 0xFEFF) s = s.slice(1);
  return s.trimStart().startsWith('<');
}
// A web page: "<!DOCTYPE html" or "<html" first, after an XML declaration and comments if any.
function looksLikeHtml(bytes) {
  const s = bytes.toString('utf8').replace(/^\uFEFF/, '').replace(/^(\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*/, '');
  return /^(<!doctype\s+|<)html(?![\w-])/i.test(s);
}

// A bare page on the test server with the loader and nothing mounted; the strict CSP applies.
// Each feed is served at /lab-feed/<n>.json as application/json whatever it really is, so the
// loader must choose the format by content.
async function openLab(server) {
  const page = await browser.newPage();
  const log = { warnings: [], errors: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'warning') log.warnings.push(m.text());
    if (m.type() === 'error') log.errors.push(m.text());
  });
  page.on('pageerror', (e) => log.errors.push('pageerror: ' + e.message));
  page.on('dialog', (d) => { log.dialogs.push(d.message()); d.dismiss(); });
  const feeds = new Map();
  // The network is closed here: feed images (from their real hosts) are answered locally.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.fulfill({ status: 204 }));
  await page.route('**/lab.html', (route) => route.fulfill({
    status: 200,
    // The seed page's policy, plus the image hosts a blog with card images has to allow.
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': STRICT_CSP + '; img-src http: https:' },
    body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>lab</title></head><body>' +
      '<script src="/colloquy/colloquy.js"></script></body></html>',
  }));
  await page.route('**/lab-feed/**', (route) => {
    const body = feeds.get(new URL(route.request().url()).pathname);
    route.fulfill({ status: 200, headers: { 'content-type': 'application/json' }, body });
  });
  await page.goto(server.url + '/lab.html');
  await page.waitForFunction(() => !!window.Colloquy);
  let n = 0;
  // Mounts a fresh widget on `bytes` and reads back what it shows. The console messages of the
  // mount reach node after the page has answered: a marker logged after the mount (console
  // messages arrive in order) says when log.warnings holds all of them.
  async function show(bytes, storiesCount = 50) {
    const url = `/lab-feed/${++n}.json`;
    const marker = `[lab] mounted ${url}`;
    feeds.set(url, bytes);
    log.warnings.length = 0;
    const logged = page.waitForEvent('console', { predicate: (m) => m.text() === marker });
    logged.catch(() => {}); // awaited below unless the evaluation itself fails
    const facts = await page.evaluate(async ({ url, storiesCount, marker }) => {
      const el = document.createElement('div');
      document.body.append(el);
      const handle = window.Colloquy.mount(el, { stories: url, storiesCount, thread: '/lab' });
      await handle.ready;
      const root = el.shadowRoot;
      const slot = root.querySelector('.stories-slot');
      const allowed = {
        SECTION: ['class', 'part'], H2: [], ARTICLE: ['class'], TIME: ['datetime'], H3: ['dir'], P: ['dir'],
        A: ['href', 'class'], IMG: ['src', 'alt', 'loading', 'decoding', 'width', 'height'],
      };
      const violations = [];
      for (const e of slot.querySelectorAll('*')) {
        if (!allowed[e.tagName]) violations.push('element ' + e.tagName);
        for (const a of e.attributes) {
          if (!(allowed[e.tagName] || []).includes(a.name)) violations.push(`attribute ${a.name} on ${e.tagName}`);
          if ((a.name === 'href' || a.name === 'src') && !/^https?:\/\//i.test(a.value)) violations.push(`${a.name}=${a.value}`);
        }
      }
      const facts = {
        strip: !!slot.querySelector('section.stories[part="stories"]'),
        cards: [...slot.querySelectorAll('article.story-card')].map((c) => ({
          href: c.querySelector('a.more').getAttribute('href'),
          titleHref: c.querySelector('h3 a')?.getAttribute('href') ?? null,
          datetime: c.querySelector('time')?.getAttribute('datetime') ?? null,
          date: c.querySelector('time')?.textContent ?? null,
          text: c.querySelector('p').textContent,
        })),
        images: [...slot.querySelectorAll('img')].map((i) => `${i.loading} ${i.getAttribute('width')}x${i.getAttribute('height')}`),
        scripts: root.querySelectorAll('script').length,
        violations,
        comments: !!root.querySelector('section.comments'),
      };
      el.remove();
      console.info(marker);
      return facts;
    }, { url, storiesCount, marker });
    await logged;
    return facts;
  }
  return { page, log, show };
}

// The test's own reading of a feed's items (not the loader's): link, id and raw date per item.
// Runs in the page because node has no XML parser; kept deliberately plain.
function expectedItems(page, source) {
  return page.evaluate((text) => {
    const linkOf = (el) => (el ? el.textContent.trim() : '');
    if (!text.trimStart().replace(/^\uFEFF/, '').startsWith('<')) {
      const doc = JSON.parse(text.replace(/^\uFEFF/, ''));
      return (doc.items || []).map((it) => ({
        url: it.url || it.external_url || '', id: it.id == null ? '' : String(it.id), date: it.date_published || '',
      }));
    }
    const doc = new DOMParser().parseFromString(text.replace(/^\uFEFF/, ''), 'application/xml');
    const entries = [...doc.getElementsByTagNameNS('*', 'entry')];
    if (entries.length) {
      return entries.map((e) => {
        const kid = (name) => [...e.children].find((c) => c.localName === name);
        const link = [...e.children].find((c) => c.localName === 'link' && (c.getAttribute('rel') || 'alternate') === 'alternate' && c.getAttribute('href'));
        return { url: link ? link.getAttribute('href') : '', id: linkOf(kid('id')),
          date: linkOf(kid('published') || kid('issued') || kid('updated') || kid('modified')) };
      });
    }
    return [...doc.getElementsByTagName('item')].map((it) => {
      const kid = (name) => [...it.children].find((c) => c.localName === name);
      const guid = kid('guid');
      const permalink = guid && guid.getAttribute('isPermaLink') !== 'false' ? linkOf(guid) : '';
      return { url: linkOf(kid('link')) || permalink, id: linkOf(guid), date: linkOf(kid('pubDate') || kid('date')) };
    });
  }, source);
}

test('every shared feed through the loader: cards, dates and links, or a stable error code', { skip: skipData }, async () => {
  await withServer(browser, [], async (server) => {
    const { page, log, show } = await openLab(server);
    const summary = { feeds: 0, cards: 0, errors: {} };
    for (const entry of manifest) {
      const file = path.join(dataDir, entry.file);
      const bytes = fs.readFileSync(file);
      const where = `${entry.file} (${entry.category})`;
      const facts = await show(bytes);
      summary.feeds++;
      assert.equal(facts.scripts, 0, where);
      assert.deepEqual(facts.violations, [], where);
      assert.ok(facts.comments, `${where}: the comments next to the strip still render`);
      if (entry.category === 'malformed') {
        // Not well-formed XML, not JSON, or nothing at all: no strip, a warning with the code.
        const code = looksLikeHtml(bytes) ? 'feed_is_html' : looksLikeXml(bytes) ? 'not_xml'
          : bytes.toString('utf8').trim() ? 'not_json' : 'not_feed';
        assert.equal(facts.strip, false, where);
        assert.ok(log.warnings.some((w) => w.startsWith(`[colloquy] the stories feed was not usable: ${code}`)),
          `${where}: expected a ${code} warning, got ${JSON.stringify(log.warnings)}`);
        summary.errors[code] = (summary.errors[code] || 0) + 1;
        continue;
      }
      const text = bytes.toString(/encoding="iso-8859-7"/.test(bytes.toString('latin1', 0, 100)) ? 'latin1' : 'utf8');
      const isFeed = looksLikeXml(bytes) ? /<(rss|feed|rdf:RDF)[\s>]/.test(text) : 'items' in JSON.parse(text.replace(/^\uFEFF/, ''));
      if (!isFeed) {
        // An XML file that is not a feed, RSS-in-JSON: a stable not_feed, never an empty guess.
        assert.equal(facts.strip, false, where);
        assert.ok(log.warnings.some((w) => w.startsWith('[colloquy] the stories feed was not usable: not_feed')), where);
        summary.errors.not_feed = (summary.errors.not_feed || 0) + 1;
        continue;
      }
      const items = await expectedItems(page, text);
      assert.equal(items.length, entry.items, `${where}: the test's own item count matches MANIFEST.json`);
      // Expected cards: items with an http(s) link, one per distinct link, dated by the newest
      // item with that link.
      const newest = new Map();
      const idLinks = new Map();
      for (const it of items) {
        // The link is the item's url, else its id when that is an http(s) URL (the core's rule).
        if (!/^https?:\/\//i.test(it.url)) it.url = /^https?:\/\//i.test(it.id) ? it.id : '';
        if (!it.url) continue;
        const t = it.date ? Date.parse(it.date) : NaN;
        if (!newest.has(it.url) || t > newest.get(it.url)) newest.set(it.url, t);
        if (it.id) {
          // The data has no id shared by two different links (else "distinct links" would not be the count).
          if (idLinks.has(it.id)) assert.equal(idLinks.get(it.id), it.url, `${where}: id ${it.id} reused`);
          idLinks.set(it.id, it.url);
        }
      }
      const expectedCount = Math.min(50, newest.size);
      assert.equal(facts.cards.length, expectedCount, where);
      assert.equal(facts.strip, expectedCount > 0, where);
      summary.cards += facts.cards.length;
      summary.images = (summary.images || 0) + facts.images.length;
      for (const img of facts.images) assert.match(img, /^lazy \d+x\d+$/, where);
      const hrefs = facts.cards.map((c) => c.href);
      assert.equal(new Set(hrefs).size, hrefs.length, `${where}: no duplicate cards`);
      let previous = Infinity;
      for (const c of facts.cards) {
        assert.ok(newest.has(c.href), `${where}: ${c.href} is a link of the feed`);
        if (c.titleHref !== null) assert.equal(c.titleHref, c.href, where);
        const expected = newest.get(c.href);
        if (Number.isNaN(expected)) {
          assert.equal(c.datetime, null, `${where}: ${c.href} has no date`);
          previous = -Infinity;  // undated cards come last
        } else {
          assert.equal(Date.parse(c.datetime), expected, `${where}: ${c.href} dated ${c.datetime}`);
          const d = new Date(expected);
          assert.equal(c.date, d.toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' }), where);
          assert.ok(expected <= previous, `${where}: newest first`);
          previous = expected;
        }
        assert.ok(c.text.endsWith('more'), where);
      }
      if (newest.size > 50) {  // the 50 shown are the 50 newest
        const oldestShown = Math.min(...facts.cards.map((c) => Date.parse(c.datetime)));
        const notShown = [...newest].filter(([u]) => !hrefs.includes(u)).map(([, t]) => t);
        assert.ok(notShown.every((t) => t <= oldestShown), `${where}: only older items left out`);
      }
    }
    assert.equal(summary.feeds, manifest.length);
    assert.deepEqual(log.dialogs, []);
    assert.deepEqual(log.errors.filter((e) => !xmlErrorBlockNoise(e)), []);
    assert.ok(log.errors.length <= 2 * summary.errors.not_xml, 'CSP messages only from the malformed XML feeds');
    console.log(`# stories: ${summary.feeds} shared feeds through the loader, ${summary.cards} cards (${summary.images} with an image), errors ${JSON.stringify(summary.errors)}`);
  });
});

test('hostile feeds given a link render text only: nothing runs, nothing executable is in the DOM', { skip: skipData }, async () => {
  await withServer(browser, [], async (server) => {
    const { log, show } = await openLab(server);
    const hostile = manifest.filter((e) => e.category === 'hostile');
    assert.ok(hostile.length >= 5);
    let checked = 0;
    for (const entry of hostile) {
      let text = fs.readFileSync(path.join(dataDir, entry.file), 'utf8');
      if (!looksLikeXml(Buffer.from(text))) continue;  // the JSON one has links already (native test)
      // Give the lone item a link, so the hostile content becomes a card instead of being skipped.
      text = text.replace(/<(item|entry)>/, (m, tag) => m + (tag === 'item'
        ? '<link>https://example.org/hostile</link><pubDate>Mon, 07 Mar 2011 15:00:00 -0500</pubDate>'
        : '<link rel="alternate" href="https://example.org/hostile"/><issued>2011-03-07T20:00:00Z</issued>'));
      const facts = await show(Buffer.from(text));
      assert.equal(facts.cards.length, 1, entry.file);
      const card = facts.cards[0];
      assert.equal(card.href, 'https://example.org/hostile');
      assert.equal(card.date, 'March 7, 2011');
      assert.equal(facts.scripts, 0);
      assert.deepEqual(facts.violations, [], entry.file);
      assert.doesNotMatch(card.text, /executeMe|alert|<script|onmouseover/i, entry.file);
      assert.match(card.text, /^Did The Javascript Execute\? I will execute here, too, if you mouse over me more$/, entry.file);
      checked++;
    }
    assert.equal(checked, 4);
    assert.deepEqual(log.dialogs, []);
    assert.deepEqual(log.errors, []);
  });
});

// An RSS feed whose one title expands to 10^11 "lol"s: the XML parser must refuse it, fast.
function entityBomb() {
  let entities = '<!ENTITY a0 "lol">';
  for (let i = 1; i < 12; i++) entities += `<!ENTITY a${i} "${`&a${i - 1};`.repeat(10)}">`;
  return `<?xml version="1.0"?><!DOCTYPE rss [${entities}]><rss><channel><item><title>&a11;</title>` +
    '<link>https://example.org/lol</link></item></channel></rss>';
}

// The seed page with another feed behind its /feed.json.
async function seedWith(server, feed, { count, extra } = {}) {
  const page = await browser.newPage();
  const log = { warnings: [], errors: [], violations: [] };
  page.on('console', (m) => {
    if (m.type() === 'warning') log.warnings.push(m.text());
    if (m.type() === 'error') log.errors.push(m.text());
  });
  page.on('pageerror', (e) => log.errors.push('pageerror: ' + e.message));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));
  });
  if (feed) await page.route('**/feed.json', (route) => route.fulfill(feed));
  if (count !== undefined) {
    const html = fs.readFileSync(path.join(repo, 'examples/seed/index.html'), 'utf8')
      .replace('data-stories="/feed.json"', `data-stories="/feed.json" data-stories-count="${count}" ${extra || ''}`);
    await page.route(server.url + '/', (route) => route.fulfill({
      status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': STRICT_CSP }, body: html,
    }));
  }
  await page.goto(server.url + '/');
  await page.waitForSelector('#colloquy >> div.comment');
  return { page, log };
}

test('the seed page with an RSS feed behind /feed.json (served as JSON) shows its newest three', { skip: skipData }, async () => {
  await withServer(browser, [], async (server) => {
    const body = fs.readFileSync(path.join(dataDir, 'feeds/valid/rss/rust-rss_rss2sample.xml'));
    const { page, log } = await seedWith(server, { status: 200, contentType: 'application/json', body });
    await waitForCount(page, '#colloquy >> article.story-card', 3);
    const cards = await page.$$eval('#colloquy >> article.story-card', (els) => els.map((c) => [
      c.querySelector('time').textContent, c.querySelector('a.more').getAttribute('href')]));
    assert.equal(cards.length, 3);
    // The sample's items are dated Jun 3, May 30, May 27, May 20 2003: newest first.
    assert.deepEqual(cards.map((c) => c[0]), ['June 3, 2003', 'May 30, 2003', 'May 27, 2003']);
    assert.equal(cards[1][1], 'http://liftoff.msfc.nasa.gov/2003/05/30.html#item572');  // no <link>: the guid
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(log.errors, []);
  });
});

test('data-stories-count sets the number of cards', async () => {
  await withServer(browser, [], async (server) => {
    const { page } = await seedWith(server, null, { count: 2 });
    await page.waitForSelector('#colloquy >> article.story-card');
    await waitForCount(page, '#colloquy >> article.story-card', 2);
  });
});

test('data-summary-length sets where summaries are cut', async () => {
  await withServer(browser, [], async (server) => {
    const { page } = await seedWith(server, null, { count: 3, extra: 'data-summary-length="40"' });
    await page.waitForSelector('#colloquy >> article.story-card');
    // Cut at the first word boundary at or after 40 characters, then "… more".
    await waitForText(page, '#colloquy >> article.story-card p', 'Writing for the U.S. Department of State… more');
  });
});

for (const [name, feed, code] of [
  ['malformed XML', { status: 200, contentType: 'application/rss+xml', body: '<rss><channel><item><title>x</item></rss>' }, 'not_xml'],
  ['a JSON document that is not a feed', { status: 200, contentType: 'application/json', body: '{"rss":{}}' }, 'not_feed'],
  ['an HTML error page', { status: 200, contentType: 'application/json', body: '<!doctype html><html><body><p>Oops</body></html>' }, 'feed_is_html'],
  ['the blog\'s own XHTML page', { status: 200, contentType: 'application/xhtml+xml', body: '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Blog</title></head><body><p>Hello</p></body></html>' }, 'feed_is_html'],
  ['a missing feed', { status: 404, body: 'not here' }, null],
  ['an XML entity bomb ("billion laughs")', { status: 200, contentType: 'application/rss+xml', body: entityBomb() }, 'not_xml'],
]) {
  test(`${name} behind /feed.json: no strip, a [colloquy] warning, and the comments are untouched`, async () => {
    await withServer(browser, [], async (server) => {
      const { page, log } = await seedWith(server, feed);
      await waitForCount(page, '#colloquy >> div.comment', 3);
      const expected = code ? `[colloquy] the stories feed was not usable: ${code}` : '[colloquy] stories not loaded: HTTP 404';
      await eventually(() => assert.ok(log.warnings.some((w) => w.startsWith(expected)), JSON.stringify(log.warnings)));
      assert.equal(await page.$$eval('#colloquy >> section.stories', (els) => els.length), 0);
      assert.deepEqual(log.errors.filter((e) => !e.includes('404') && !(code === 'not_xml' && xmlErrorBlockNoise(e))), []);
    });
  });
}

// The CLI: JSON Feed in, the very same cards out; XML refused with a stable code.
function runCli(args, input) {
  return spawnSync(cli, ['stories', ...args], { input, encoding: 'utf8' });
}

test('colloquy stories: the seed feed gives the seed cards', () => {
  const seed = path.join(repo, 'examples/seed/feed.json');
  const r = runCli([seed, '--page-url', 'https://blogs.state.gov/stories/2010/09/24/nato-russia-council-meeting-building-stronger-partnership']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((r.stdout.match(/<article class="story-card">/g) || []).length, 3);
  assert.match(r.stdout, /including testimony… <a class="more" href="https:\/\/blogs\.state\.gov\/stories\/2011\/03\/07\/dipnote-week-review">more<\/a>/);
  assert.doesNotMatch(r.stdout, /Building a Stronger Partnership/);
  const two = runCli(['--count', '2', '--length', '40'], fs.readFileSync(seed));  // stdin
  assert.equal(two.status, 0, two.stderr);
  assert.equal((two.stdout.match(/<article class="story-card">/g) || []).length, 2);
  assert.match(two.stdout, /Writing for the U\.S\. Department of State… <a class="more"/);
  assert.equal(runCli([seed, '--count', '0']).status, 2);
  assert.equal(runCli([seed, '--length', 'x']).status, 2);
});

test('colloquy stories: an HTML page (the blog, not its feed) is refused with feed_is_html and where its feed is', () => {
  for (const page of ['<!DOCTYPE html>\n<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>',
    '\uFEFF \n<HTML lang="en"><body>Blog</body></HTML>']) {
    const r = runCli([], page);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^colloquy stories: .*: feed_is_html: this is an HTML page, not a feed; give the feed's URL \(its <link rel="alternate">\)\n$/);
    assert.equal(r.stdout, '');
  }
});

test('colloquy stories: every shared JSON feed renders, every XML one is refused with feed_is_xml', { skip: skipData }, () => {
  let rendered = 0, refused = 0;
  for (const entry of manifest) {
    const file = path.join(dataDir, entry.file);
    const r = runCli([file, '--count', '50']);
    const xml = looksLikeXml(fs.readFileSync(file));
    if (xml) {
      assert.equal(r.status, 1, entry.file);
      assert.match(r.stderr, /^colloquy stories: .*: feed_is_xml: /, entry.file);
      refused++;
    } else if (entry.category === 'malformed') {
      assert.equal(r.status, 1, entry.file);
      assert.match(r.stderr, /^colloquy stories: .*: (not_json|not_feed): /, entry.file);
    } else if (!Array.isArray(JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')).items)) {
      assert.equal(r.status, 1, entry.file);  // e.g. RSS-in-JSON: not a JSON Feed
      assert.match(r.stderr, /^colloquy stories: .*: not_feed: /, entry.file);
    } else {
      assert.equal(r.status, 0, `${entry.file}: ${r.stderr}`);
      assert.doesNotMatch(r.stdout, /<script|\son\w+=/i, entry.file);
      rendered++;
    }
  }
  assert.ok(rendered >= 15 && refused >= 30, `${rendered} rendered, ${refused} refused`);
});
