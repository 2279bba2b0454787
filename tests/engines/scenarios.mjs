// The browser checks that matter in every engine, written once over driver.mjs: the seed page
// with and without the strict CSP, posting and reload, editing and deleting one's own comment,
// the outbox, XSS vectors inert, stories, locales. Each engine's test file runs them all in one
// browser session, one node test per scenario named "<engine>: <scenario>", so a failure names
// the engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repo, eventually } from '../browser/support.mjs';
import { startSession, ENGINE_WAIT } from './driver.mjs';
import { withSite, blogPage } from './site.mjs';

const SEED_THREAD = '/2010/09/24/nato-russia-council';
// A comment of the thread (DESIGN §7): a div the core gives role=article, the role an <article>
// had, so that assistive technology reads each comment as before.
const COMMENT = 'div.comment[role="article"]';
const MAIN_FORM = 'form.compose:not(.reply)';
const CLEAN = { errors: [], warnings: [], csp: [], calls: [] };
const dataDir = process.env.COLLOQUY_TEST_DATA || path.resolve(repo, '../shared/data');
const vectorsPath = path.join(dataDir, 'xss/vectors.json');

// Registers every scenario for `engine` with node's test runner.
export function engineTests(engine) {
  let s;
  before(async () => {
    s = await startSession(engine);
    console.log(`# ${engine}: ${await s.version()}`);
  });
  after(async () => { await s?.close(); });
  for (const [name, run, options = {}] of scenarios) {
    test(`${engine}: ${name}`, options, () => run(s));
  }
}

// What a reader sees of the thread: one entry per comment, in page order.
function thread(s) {
  return s.evaluate((comment) => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll(`.list ${comment}`)]
    .map((a) => ({ id: a.dataset.id, depth: a.dataset.depth, byline: a.querySelector('.byline').textContent,
      body: a.querySelector('.body').textContent.trim() })), COMMENT);
}

// The avatars of the seed page's three comments, in page order (avatar.hpp: the hue, then the
// filled cells of the left three columns, row by row).
const SEED_AVATARS = ['avatar av-h9 av-a0 av-b1 av-b2 av-c0 av-c1 av-c2 av-d0 av-e1 av-e2',
  'avatar av-h2 av-a1 av-b0 av-b2 av-d2', 'avatar av-h22 av-a1 av-b1 av-c1 av-c2 av-d1 av-e0'];

// What the engine made of each avatar of the thread: its classes, size, colour and computed
// background-image; `drawn` the 5×5 cells the gradients fill (1) or leave clear (0), read from
// that background-image at each cell's middle, `named` the cells its classes name (av-<row><col>,
// column 0 at both edges, 1 beside them, 2 the middle), `inks` the colours of the filled cells,
// `hue` the n of its av-h<n>.
async function avatarsDrawn(s) {
  const seen = await s.evaluate((comment) => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll(`${comment} > span.avatar`)]
    .map((a) => {
      const style = getComputedStyle(a);
      const box = a.getBoundingClientRect();
      return { classes: a.className, hidden: a.getAttribute('aria-hidden'), width: box.width, height: box.height,
        rem: parseFloat(getComputedStyle(document.documentElement).fontSize), color: style.color, image: style.backgroundImage };
    }), COMMENT);
  return seen.map((a) => {
    const rows = gradients(a.image);
    const cells = rows.map((stops) => [10, 30, 50, 70, 90].map((at) => colourAt(stops, at)));
    const classes = a.classes.split(' ');
    return { ...a,
      hue: Number(classes.find((c) => /^av-h\d+$/.test(c))?.slice(4)),
      drawn: cells.map((row) => row.map((c) => (clear(c) ? 0 : 1))),
      named: [...'abcde'].map((row) => [0, 1, 2, 1, 0].map((col) => (classes.includes(`av-${row}${col}`) ? 1 : 0))),
      inks: [...new Set(cells.flat().filter((c) => !clear(c)))] };
  });
}

// Splits `text` at the commas outside parentheses.
function topLevel(text) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) { parts.push(text.slice(start, i).trim()); start = i + 1; }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

// A computed background-image of linear gradients as lists of stops {colour, at (percent)},
// each double-position stop split in two, positions made non-decreasing as CSS does.
function gradients(image) {
  return topLevel(image).map((layer) => {
    const inner = /^linear-gradient\((.*)\)$/.exec(layer);
    assert.ok(inner, `not a linear gradient: ${layer}`);
    const args = topLevel(inner[1]);
    if (/^(to |-?[\d.]+(deg|turn|rad|grad)$)/.test(args[0])) args.shift();
    const stops = [];
    for (const arg of args) {
      const m = /^((?:[a-z-]+\([^)]*\))|[a-z]+)\s*(.*)$/i.exec(arg);
      assert.ok(m, `not a colour stop: ${arg}`);
      const positions = m[2] ? m[2].split(/\s+/).map((p) => parseFloat(p)) : [null];
      for (const p of positions) stops.push({ colour: m[1].toLowerCase(), at: p });
    }
    let last = 0;
    for (const [i, stop] of stops.entries()) {
      if (stop.at === null) stop.at = i === stops.length - 1 ? 100 : last;
      last = stop.at = Math.max(stop.at, last);
    }
    return stops;
  });
}

// The colour of a hard-stop gradient at `at` percent (never a stop's own position).
function colourAt(stops, at) {
  const before = stops.filter((s) => s.at <= at);
  return (before.length ? before[before.length - 1] : stops[0]).colour;
}

const clear = (colour) => colour === 'transparent' || /^rgba\(.*,\s*0\)$/.test(colour) || /\/\s*0\)$/.test(colour);

// hsl(<hue>° 55% 46%), the avatar's colour in colloquy.css (av-h<n>: 15n°), as rgb channels 0-255.
function hueColor(hue) {
  const s = 0.55;
  const l = 0.46;
  const f = (n) => {
    const k = (n + hue / 30) % 12;
    return 255 * (l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [f(0), f(8), f(4)];
}

// Whether an "rgb(r, g, b)" a browser computed is `rgb` (0-255 channels) to within rounding.
function near(computed, rgb) {
  const channels = /^rgb\((\d+), (\d+), (\d+)\)$/.exec(computed);
  return Boolean(channels) && rgb.every((v, i) => Math.abs(Number(channels[i + 1]) - v) <= 1);
}

// Fills a compose form and posts it once its live preview shows the text (the preview opening
// pushes the Post button down: a click before that may land on nothing).
async function post(s, form, { name, location, text }) {
  if (name !== undefined) await s.type(`${form} input[name="name"]`, name);
  if (location !== undefined) await s.type(`${form} input[name="location"]`, location);
  await s.type(`${form} textarea[name="text"]`, text);
  await eventually(async () => assert.deepEqual((await s.texts(`${form} .preview:not([hidden]) .body`)).map((t) => t.trim()), [text]),
    { timeout: ENGINE_WAIT });
  await s.click(`${form} button[type="submit"]`);
}

// The comments the server stored for the seed page, asked over HTTP.
async function stored(site) {
  const answer = await fetch(`${site.upstream}/api/comments?thread=${encodeURIComponent(SEED_THREAD)}`);
  assert.equal(answer.status, 200);
  return (await answer.json()).comments;
}

// Whether an inline script added to the page runs: under the strict CSP it must be refused, with
// a violation (the probe records it).
const inlineScriptRuns = (s) => s.evaluate(() => new Promise((resolve) => {
  document.addEventListener('securitypolicyviolation', () => resolve(false), { once: true });
  window.__inlineRan = () => resolve(true);
  const script = document.createElement('script');
  script.textContent = 'window.__inlineRan()';
  document.head.append(script);
}));

const scenarios = [];
const scenario = (name, run, options) => scenarios.push([name, run, options]);

for (const csp of [true, false]) {
  scenario(`the seed page shows its comments and stories (${csp ? 'strict CSP' : 'no CSP'})`, (s) =>
    withSite(s, csp ? [] : ['--csp', 'off'], async (site) => {
      await s.open(site.url + '/');
      await s.waitFor(COMMENT, 3);
      await s.waitFor('article.story-card', 3);
      const facts = await s.evaluate((comment) => {
        const root = document.querySelector('#colloquy').shadowRoot;
        const comments = [...root.querySelectorAll(`section.comments[part="comments"] ${comment}[part="comment"]`)];
        return {
          mode: root.mode,
          labels: comments.map((a) => a.getAttribute('aria-label')),
          bylines: comments.map((a) => a.querySelector('.byline').textContent),
          dates: comments.map((a) => a.querySelector('.date[data-datetime]').textContent),
          datetimes: comments.map((a) => a.querySelector('.date[data-datetime]').dataset.datetime.slice(0, 10)),
          first: [...comments[0].querySelectorAll('.body > p')].map((p) => p.textContent),
          replies: comments.filter((a) => a.querySelector('button[data-action="reply"]') && a.dataset.depth === '0').length,
          sort: root.querySelector('section.comments select[name="sort"]').value,
          styled: getComputedStyle(root.querySelector('.story-card')).borderTopLeftRadius,
        };
      }, COMMENT);
      assert.deepEqual(facts, {
        mode: 'open',
        // The accessible name each comment had as an <article>, on the element with its role.
        labels: ['Comment by Mary D., September 25, 2010', 'Comment by Ron, September 27, 2010', 'Comment by Gaspar, October 28, 2010'],
        bylines: ['Mary D. in Kansas writes:', 'Ron in New York writes:', 'Gaspar in Kenya writes:'],
        dates: ['September 25, 2010', 'September 27, 2010', 'October 28, 2010'],
        datetimes: ['2010-09-25', '2010-09-27', '2010-10-28'],
        first: ['Nice :)'],
        replies: 3,
        sort: 'oldest',
        styled: '4px', // the widget's stylesheet applies inside the shadow root
      });
      // Each avatar is drawn by the stylesheet alone (the page may be under `style-src 'self'`):
      // a 2rem square whose five gradients fill exactly the cells its classes name, in its hue.
      const avatars = await avatarsDrawn(s);
      assert.deepEqual(avatars.map((a) => a.classes), SEED_AVATARS);
      for (const a of avatars) {
        assert.equal(a.hidden, 'true', `${a.classes}: decorative`);
        assert.deepEqual([a.width, a.height], [2 * a.rem, 2 * a.rem], `${a.classes}: a 2rem square`);
        assert.deepEqual(a.drawn, a.named, `${a.classes}: the cells drawn (background-image ${a.image})`);
        assert.ok(a.drawn.flat().includes(1), `${a.classes}: not blank`);
        assert.ok(a.inks.every((ink) => ink === a.color || ink === 'currentcolor'), `${a.classes}: one colour, ${a.inks} in ${a.color}`);
        assert.ok(near(a.color, hueColor(15 * a.hue)), `${a.classes}: color ${a.color}, hue ${15 * a.hue}°`);
      }
      assert.deepEqual(await s.problems(), CLEAN);
      // The page really is under the policy the header names (or under none).
      assert.equal(await inlineScriptRuns(s), !csp);
    }));
}

// A policy that lets scripts run but not WebAssembly: the page's author is told what to add.
scenario("a page whose Content-Security-Policy forbids WebAssembly is told to allow 'wasm-unsafe-eval'", (s) =>
  withSite(s, [], async (site) => {
    site.page('/no-wasm.html', blogPage(), { csp: "default-src 'self'; script-src 'self'; style-src 'self'" });
    await s.open(site.url + '/no-wasm.html');
    await eventually(async () => {
      const { warnings } = await s.problems();
      assert.ok(warnings.some((w) => /does not let WebAssembly run.*add 'wasm-unsafe-eval' to script-src/s.test(w)), warnings.join('\n'));
    }, { timeout: ENGINE_WAIT });
  }));

scenario('a comment and a reply go to the server, appear where they belong, and are there after a reload', (s) =>
  withSite(s, [], async (site) => {
    await s.open(site.url + '/');
    await s.waitFor(COMMENT, 3);
    const text = `Posted from ${s.engine}.`;
    await post(s, MAIN_FORM, { name: 'Ada', location: 'Lyon, France', text });
    await s.waitFor(COMMENT, 4);
    await s.waitFor(`${COMMENT}.sending, ${COMMENT}.unsent`, 0);
    await s.click(`${COMMENT}[data-id] button[data-action="reply"]`);
    await post(s, 'form.compose.reply', { name: 'Bob', location: '', text: 'A reply.' });
    await s.waitFor(COMMENT, 5);
    await s.waitFor(`${COMMENT}.sending, ${COMMENT}.unsent`, 0);
    await s.waitFor('form.compose.reply', 0); // the reply form closes once posted
    await s.reload();
    await s.waitFor(COMMENT, 5);
    const t = await thread(s);
    assert.deepEqual(t.map((c) => [c.byline, c.depth]), [
      ['Mary D. in Kansas writes:', '0'], ['Bob writes:', '1'], ['Ron in New York writes:', '0'],
      ['Gaspar in Kenya writes:', '0'], ['Ada in Lyon writes:', '0']]);
    assert.equal(t[4].body, text);
    assert.equal(t[1].body, 'A reply.');
    const rows = await stored(site);
    assert.equal(rows.filter((c) => c.text === text).length, 1, 'stored once');
    assert.equal(rows.find((c) => c.text === 'A reply.').parent, t[0].id);
    assert.deepEqual((await s.problems()).errors, []);
    assert.deepEqual((await s.problems()).csp, []);
  }));

scenario('the reader edits and deletes their own comment: the server has the change, the page shows it', (s) =>
  withSite(s, [], async (site) => {
    await s.open(site.url + '/');
    await s.waitFor(COMMENT, 3);
    await post(s, MAIN_FORM, { name: 'Eve', text: `To edit from ${s.engine}.` });
    await s.waitFor(`${COMMENT} button[data-action="edit"]`, 1);
    const mine = `${COMMENT}:not([data-client-id]):has(button[data-action="edit"])`;
    const id = await s.evaluate((m) => document.querySelector('#colloquy').shadowRoot.querySelector(m).dataset.id, mine);
    // Edit: the form holds the text; Save sends it; the comment reads the new text, "edited".
    await s.click(`${COMMENT}[data-id="${id}"] button[data-action="edit"]`);
    await s.waitFor(`form.compose.edit[data-edit="${id}"]`, 1);
    await s.type(`form.compose.edit textarea[name="text"]`, 'Edited *here*.');
    await eventually(async () => assert.deepEqual((await s.texts('form.compose.edit .preview:not([hidden]) .body')).map((t) => t.trim()),
      ['Edited here.']), { timeout: ENGINE_WAIT });
    await s.click('form.compose.edit button[type="submit"]');
    await s.waitFor('form.compose.edit', 0);
    await s.waitForText(`${COMMENT}[data-id="${id}"] .body`, /Edited here\./);
    await s.waitFor(`${COMMENT}[data-id="${id}"] .edited .date[data-datetime]`, 1);
    const edited = (await stored(site)).find((c) => String(c.id) === id);
    assert.equal(edited.text, 'Edited *here*.');
    assert.ok(edited.edited);
    // Delete: asked in the comment, then gone (it has no replies), here and on the server.
    await s.click(`${COMMENT}[data-id="${id}"] button[data-action="delete"]`);
    await s.click(`${COMMENT}[data-id="${id}"] .confirm button[data-action="confirm-delete"]`);
    await s.waitFor(`${COMMENT}[data-id="${id}"]`, 0);
    await s.waitFor(COMMENT, 3);
    assert.equal((await stored(site)).filter((c) => String(c.id) === id && c.status !== 'deleted').length, 0);
    await s.reload();
    await s.waitFor(COMMENT, 3);
    assert.deepEqual((await s.problems()).errors, []);
    assert.deepEqual((await s.problems()).csp, []);
  }));

scenario('a post the server fails waits in the outbox across a reload, then is delivered once', (s) =>
  withSite(s, [], async (site) => {
    let down = true;
    let posts = 0;
    site.intercept((req, url) => {
      if (req.method !== 'POST' || url.pathname !== '/api/comments') return undefined;
      posts += 1;
      return down ? { status: 503, type: 'text/plain', body: 'busy' } : undefined;
    });
    await s.open(site.url + '/');
    await s.waitFor(COMMENT, 3);
    const text = `Unsent from ${s.engine}.`;
    await post(s, MAIN_FORM, { name: 'Olga', text });
    await s.waitFor(`${COMMENT}.unsent button[data-action="retry"]`, 1);
    const unsent = () => s.evaluate((comment) => ({
      ids: [...document.querySelector('#colloquy').shadowRoot.querySelectorAll(`${comment}.unsent`)].map((a) => a.dataset.clientId),
      outbox: JSON.parse(localStorage.getItem('colloquy:outbox') || '[]').map((i) => i.clientId),
    }), COMMENT);
    const before = await unsent();
    assert.equal(before.ids.length, 1);
    assert.match(before.ids[0], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(before.outbox, before.ids);
    await s.reload();
    await s.waitFor(`${COMMENT}.unsent`, 1);
    assert.deepEqual(await unsent(), before, 'the same post, under the same clientId, after a reload');
    assert.equal((await stored(site)).length, 3);
    down = false;
    await s.reload();
    await s.waitFor(COMMENT, 4);
    await s.waitFor(`${COMMENT}.sending, ${COMMENT}.unsent`, 0);
    assert.deepEqual((await unsent()).outbox, []);
    await s.reload();
    await s.waitFor(COMMENT, 4);
    assert.equal((await stored(site)).filter((c) => c.text === text).length, 1, 'stored exactly once');
    assert.equal((await thread(s)).filter((c) => c.body === text).length, 1);
    assert.ok(posts >= 3, `the post went out ${posts} times`);
    assert.deepEqual((await s.problems()).errors, []);
  }));

// Every XSS vector of the shared data as comment text, inside markup, as author name, location
// and URL; the page has no CSP, so anything that slipped through would run.
function xssDocument(vectors) {
  const created = '2020-01-01T00:00:00Z';
  const cut = (v, max) => Buffer.from(v).subarray(0, max).toString().replace(/\uFFFD+$/, '');
  const comments = vectors.flatMap((v, i) => [
    { id: `t${i}`, created, text: v, author: { name: cut(v, 200), location: cut(v, 200), url: cut(v, 2048) } },
    { id: `l${i}`, created, text: `[link](${v}) and [${v}](https://example.com/)`, author: cut(v, 200) },
    { id: `a${i}`, created, text: `<${v}> ${v} www.example.com/${v}`, author: { name: 'x', url: cut(`https://example.com/${v}`, 2048) } },
  ]);
  comments.push({ id: 'canary', created, text: "<script>alert('canary')</script>", author: 'Canary' });
  return { thread: '/', comments, next: null };
}

scenario('every XSS vector renders as inert text', (s) =>
  withSite(s, ['--csp', 'off'], async (site) => {
    const doc = xssDocument(JSON.parse(fs.readFileSync(vectorsPath, 'utf8')));
    const body = JSON.stringify(doc);
    site.intercept((req, url) => (req.method === 'GET' && url.pathname === '/api/comments' ? { body } : undefined));
    await s.open(site.url + '/');
    await s.waitFor(COMMENT, doc.comments.length, { timeout: 2 * ENGINE_WAIT });
    // An observation window, not a wait for a state (nothing may ever happen): delayed payloads
    // (autofocus, animations, timers) get 1.5 s, then two more rendered frames.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const facts = await s.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
      const root = document.querySelector('#colloquy').shadowRoot;
      const urlAttributes = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcset', 'poster', 'background'];
      const active = 'script, iframe, object, embed, img, svg, math, style, link, meta, form, base, input, textarea, '
        + 'video, audio, frame, frameset, applet, template, noscript';
      const risky = [];
      for (const el of root.querySelectorAll('.list *')) {
        for (const a of el.attributes) {
          const value = a.value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
          if (a.name.startsWith('on') || (urlAttributes.includes(a.name) && /^(javascript|data|vbscript):/.test(value))) {
            risky.push(`${el.localName}[${a.name}=${a.value}]`);
          }
        }
      }
      resolve({
        // No exception: the core's own avatars are spans the stylesheet draws, no svg.
        active: [...root.querySelectorAll('.list')].flatMap((l) => [...l.querySelectorAll(active)].map((e) => e.localName)),
        risky,
        canary: root.querySelector('div.comment[role="article"][data-id="canary"] .body').textContent.trim(),
        // What the page fetched beyond its own origin (a payload's image, script or beacon).
        foreign: performance.getEntriesByType('resource').map((r) => r.name).filter((u) => !u.startsWith(location.origin)),
      });
    }))));
    assert.deepEqual(facts, { active: [], risky: [], canary: "<script>alert('canary')</script>", foreign: [] });
    // (Warnings are expected: the reader names each author URL it refused.)
    const { errors, csp, calls } = await s.problems();
    assert.deepEqual({ errors, csp, calls }, { errors: [], csp: [], calls: [] }, 'no payload ran');
    // The detectors are live: a payload planted on purpose, bypassing the core, is caught.
    await s.evaluate(() => document.querySelector('#colloquy').shadowRoot.querySelector('.list')
      .insertAdjacentHTML('beforeend', '<img src="/planted.png" onerror="alert(\'planted\')">'));
    await eventually(async () => assert.deepEqual((await s.problems()).calls, ['alert(planted)']), { timeout: ENGINE_WAIT });
  }), { skip: !fs.existsSync(vectorsPath) && `SKIPPED: ${vectorsPath} not found` });

scenario('stories: the seed feed as cards; count and summary length; a feed that is no feed only warns', (s) =>
  withSite(s, [], async (site) => {
    await s.open(site.url + '/');
    await s.waitFor('article.story-card', 3);
    const cards = () => s.evaluate(() => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll('section.stories[part="stories"] article.story-card')]
      .map((c) => ({ date: c.querySelector('time').textContent, title: c.querySelector('h3').textContent, link: c.querySelector('h3 a').href })));
    const seed = await cards();
    assert.deepEqual(seed[0], { date: 'March 7, 2011', title: 'DipNote: The Week in Review',
      link: 'https://blogs.state.gov/stories/2011/03/07/dipnote-week-review' });
    assert.equal(new Set(seed.map((c) => c.link)).size, 3);

    site.page('/short.html', blogPage({ attributes: `data-thread="${SEED_THREAD}" data-comments="/api/comments" `
      + 'data-stories="/feed.json" data-stories-count="2" data-summary-length="40"' }));
    await s.open(site.url + '/short.html');
    await s.waitFor('article.story-card', 2);
    // Cut at the first word boundary at or after 40 characters, then "… more".
    await s.waitForText('article.story-card p', 'Writing for the U.S. Department of State… more');
    assert.deepEqual((await cards()).map((c) => c.link), seed.slice(0, 2).map((c) => c.link));

    site.intercept((req, url) => (url.pathname === '/not-a-feed.json' ? { body: '{"rss":{}}' } : undefined));
    site.page('/broken.html', blogPage({ attributes: `data-thread="${SEED_THREAD}" data-comments="/api/comments" data-stories="/not-a-feed.json"` }));
    await s.open(site.url + '/broken.html');
    await s.waitFor(COMMENT, 3);
    await eventually(async () => {
      const { warnings } = await s.problems();
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.ok(warnings[0].startsWith('[colloquy] the stories feed was not usable: not_feed'), warnings[0]);
    }, { timeout: ENGINE_WAIT });
    assert.equal(await s.count('section.stories'), 0);
    assert.deepEqual((await s.problems()).errors, []);
  }));

const localeDoc = JSON.stringify([
  { id: 'a', created: '2010-09-25T14:03:00Z', text: 'Nice :)', author: { name: 'Mary D.', location: 'Kansas, USA' } },
  // 04:30Z on 7 November 2010 is 00:30 EDT (DST ended at 06:00Z): still 7 November in New York,
  // where a fixed -05:00 says 6 November.
  { id: 'b', created: '2010-11-07T04:30:00Z', text: 'DST', author: { name: 'Ron', location: 'New York, USA' } },
]);

scenario('locales: the page lang or data-locale picks the language; time zones through the engine\'s Intl', (s) =>
  withSite(s, [], async (site) => {
    site.intercept((req, url) => (url.pathname === '/api/locale-comments' ? { body: localeDoc } : undefined));
    const cases = [
      ['ru', '', 'America/New_York', {
        heading: '2 комментария', bylines: ['Mary D. (Kansas) пишет:', 'Ron (New York) пишет:'],
        times: ['25 сентября 2010\u00A0г.', '7 ноября 2010\u00A0г.'], reply: 'Ответить' }],
      ['fr-FR', '', 'Asia/Tokyo', {
        heading: '2 commentaires', bylines: ['Mary D. (Kansas) écrit\u202F:', 'Ron (New York) écrit\u202F:'],
        times: ['25 septembre 2010', '7 novembre 2010'], reply: 'Répondre' }],
      ['en', 'data-locale="de-AT"', '-05:00', {
        heading: '2 Kommentare', bylines: ['Mary D. aus Kansas schreibt:', 'Ron aus New York schreibt:'],
        times: ['25. September 2010', '6. November 2010'], reply: 'Antworten' }],
      ['en', 'data-locale="es"', 'UTC', {
        heading: '2 comentarios', bylines: ['Mary D., de Kansas, escribe:', 'Ron, de New York, escribe:'],
        times: ['25 de septiembre de 2010', '7 de noviembre de 2010'], reply: 'Responder' }],
    ];
    for (const [lang, locale, zone, expected] of cases) {
      const page = `/${lang}-${zone.replace(/\W/g, '')}.html`;
      site.page(page, blogPage({ lang, attributes: `data-thread="/t" data-comments="/api/locale-comments" ${locale} data-timezone="${zone}"` }));
      await s.open(site.url + page);
      await s.waitFor(COMMENT, 2);
      const seen = await s.evaluate(() => {
        const root = document.querySelector('#colloquy').shadowRoot;
        return {
          heading: root.querySelector('section.comments h2').textContent,
          bylines: [...root.querySelectorAll('.byline')].map((b) => b.textContent),
          times: [...root.querySelectorAll('div.comment[role="article"] .date[data-datetime]')].map((t) => t.textContent),
          reply: root.querySelector('button[data-action="reply"]').textContent,
        };
      });
      assert.deepEqual(seen, expected, `${lang} ${locale} ${zone}`);
      assert.deepEqual(await s.problems(), CLEAN);
    }
  }));

scenario('a script fetched when needed that could not be fetched is fetched again on the next try', (s) =>
  withSite(s, [], async (site) => {
    // The first ask for colloquy-act.js (the reader's first click) is answered 503.
    const asks = [];
    site.intercept((req, url) => {
      if (!url.pathname.endsWith('/colloquy-act.js')) return undefined;
      asks.push(url.search);
      return asks.length === 1 ? { status: 503, type: 'text/plain', body: 'down for a moment' } : undefined;
    });
    await s.open(site.url + '/');
    await s.waitFor(COMMENT, 3);
    const reply = `${COMMENT}[data-id] button[data-action="reply"]`;
    await s.click(reply);
    await eventually(async () => assert.ok((await s.problems()).warnings.some((w) => w.includes('colloquy-act.js not loaded'))),
      { timeout: ENGINE_WAIT });
    assert.equal(await s.count('form.compose.reply'), 0);
    // The next click asks again (Firefox keeps a failed import: under another URL) and replies.
    await s.click(reply);
    await s.waitFor('form.compose.reply', 1);
    assert.equal(asks.length, 2, asks.join(' '));
    const { errors, csp } = await s.problems();
    assert.deepEqual({ errors, csp }, { errors: [], csp: [] });
  }));

// A single-page site moves on while the next thread is still loading: the last thread's form stays
// on screen until it comes, takes no input (inert), and a post made from it anyway goes to the
// thread it was written on, never the one being loaded.
scenario('a single-page site\'s update() never posts a draft written on one thread to the next', (s) =>
  withSite(s, [], async (site) => {
    site.page('/spa.html', blogPage({ attributes: 'data-thread="/spa-a" data-comments="/api/comments" data-fetch-timeout="120000"' }));
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    site.intercept(async (req, url) => {
      if (req.method === 'GET' && url.pathname === '/api/comments' && url.searchParams.get('thread') === '/spa-b') await gate;
      return undefined;
    });
    const storedIn = async (thread) => (await (await fetch(`${site.upstream}/api/comments?thread=${encodeURIComponent(thread)}`)).json())
      .comments.map((c) => c.text);
    await s.open(site.url + '/spa.html');
    await s.waitFor(MAIN_FORM);
    const text = `Meant for A in ${s.engine}.`;
    await s.type(`${MAIN_FORM} input[name="name"]`, 'Reader');
    await s.type(`${MAIN_FORM} textarea[name="text"]`, text);
    // Posting has the form once the draft is kept, under thread A.
    await eventually(async () => assert.deepEqual(await s.evaluate(() => Object.keys(localStorage)
      .filter((k) => k.startsWith('colloquy:draft:')).map((k) => k.split('\n')[1])), ['/spa-a']), { timeout: ENGINE_WAIT });
    await s.evaluate(() => { Colloquy.mount(document.querySelector('#colloquy'), { thread: '/spa-b' }); });
    const form = () => s.evaluate(() => {
      const f = document.querySelector('#colloquy').shadowRoot.querySelector('form.compose:not(.reply)');
      return { text: f.elements.text.value, inert: Boolean(f.closest('[inert]')) };
    });
    await eventually(async () => assert.deepEqual(await form(), { text, inert: true }), { timeout: ENGINE_WAIT });
    await s.evaluate(() => { document.querySelector('#colloquy').shadowRoot.querySelector('form.compose:not(.reply)').requestSubmit(); });
    await eventually(async () => assert.deepEqual(await storedIn('/spa-a'), [text]), { timeout: ENGINE_WAIT });
    release();
    await eventually(async () => assert.deepEqual(await form(), { text: '', inert: false }), { timeout: ENGINE_WAIT });
    assert.deepEqual(await storedIn('/spa-b'), []);
    const { errors, csp } = await s.problems();
    assert.deepEqual({ errors, csp }, { errors: [], csp: [] });
  }));
