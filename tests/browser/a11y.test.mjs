// Accessibility: axe-core (all its default rules, WCAG 2.x A/AA and best practices) finds no
// violation in the widget, shadow root included, in every state a reader meets: loaded, a reply
// form open, validation errors, a comment not sent yet with its Retry button, 300 comments, and
// light, dark and auto on a light and on a dark host. Then the structure itself, as assistive
// technology reads it: a named region, a feed of articles named by author and date, replies
// with their level, reply buttons named after whom they answer, errors tied to their fields,
// the root in the widget's language, a skip link that takes the keyboard to the form, and on a
// touch screen, buttons and fields a finger can hit (44 by 44 px).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForCount, WAIT, axeSource, SCHEMES } from './support.mjs';

let browser;
let server;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const THREAD = '/a11y-test';
const COMMENTS = [
  { id: 'c1', author: { name: 'Mary D.', location: 'Kansas, USA' }, created: '2010-09-25T14:03:00Z',
    text: 'A *point*, with a [link](https://example.org), `code` and\n\n> a quote' },
  { id: 'c2', parent: 'c1', author: 'Ron', created: '2010-09-26T10:00:00Z', text: 'A reply.' },
  { id: 'c3', parent: 'c2', author: 'Ann', created: '2010-09-26T11:00:00Z', text: 'A reply to the reply.' },
  { id: 'c4', created: '2010-09-27T10:00:00Z', text: 'gone', status: 'deleted' },
  { id: 'c5', parent: 'c4', author: '', created: '2010-09-27T11:00:00Z', text: 'Under a deleted one.' },
];

// 300 comments: threads of one comment and two levels of replies, so every depth's markup and
// indentation is there, as on a busy article.
function many(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const parent = i % 3 === 0 ? undefined : `m${i - 1}`;
    out.push({ id: `m${i}`, parent, author: { name: `Reader ${i}`, location: 'Somewhere' },
      created: new Date(Date.UTC(2010, 8, 25) + i * 60000).toISOString(), text: `Comment number ${i}, *with* a [link](https://example.org/${i}).` });
  }
  return out;
}

// One page per state: a page on the test server's origin, its comments API scripted (`post`:
// 'abort' makes every POST fail as when offline).
// `own`: ids of comments this browser posted, still open to edits (their Edit and Delete show).
// `touch`: a phone's screen and a coarse pointer.
async function open({ comments = COMMENTS, theme = 'auto', os = 'light', style = '', locale = '', post = 'abort', own = [], touch = false } = {}) {
  const context = await browser.newContext(Object.assign({ colorScheme: os },
    touch && { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }));
  const page = await context.newPage();
  if (own.length) {
    await page.addInitScript(([key, ids]) => localStorage.setItem(key, JSON.stringify(Object.fromEntries(
      ids.map((id) => [id, { clientId: 'client-' + id, token: 'token-' + id, until: Date.now() + 3600000 }])))),
    [`colloquy:edits:${server.url}/api/comments\n${THREAD}`, own]);
  }
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.route('**/a11y.html', (route) => route.fulfill({
    status: 200, contentType: 'text/html',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Accessibility</title>
<style>body { margin: 0; font: 16px/1.5 Georgia, serif; } main { max-width: 40rem; margin: auto; padding: 1rem; } ${style}</style></head>
<body><main><h1>A post</h1><p>The article, then <a id="before" href="/elsewhere">a link</a> before the comments.</p>
<div id="colloquy"></div></main>
<script src="/colloquy/colloquy.js" defer data-thread="${THREAD}" data-comments="/api/comments" data-theme="${theme}"
  ${locale ? `data-locale="${locale}"` : ''} data-load="eager"></script></body></html>`,
  }));
  await page.route('**/api/comments**', (route) => {
    if (route.request().method() === 'GET') {
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ thread: THREAD, comments, next: null }) });
    }
    return post === 'abort' ? route.abort('internetdisconnected') : route.fulfill({ status: 503, body: 'busy' });
  });
  await page.goto(server.url + '/a11y.html');
  await waitForCount(page, '#colloquy >> div.comment', comments.length);
  await page.waitForSelector('#colloquy >> form.compose:not(.reply)', { timeout: WAIT });
  // The stylesheet is in (colour checks mean nothing before it).
  await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.adoptedStyleSheets.length === 2, null, { timeout: WAIT });
  return { page, context, errors };
}

const widget = '#colloquy >> ';
async function openReply(page) {
  await page.click(`${widget}div.comment[data-id="c1"] button[data-action="reply"]`);
  await page.waitForSelector(`${widget}form.compose.reply[data-parent="c1"] textarea[name="text"]`, { timeout: WAIT });
}
async function showErrors(page) {
  await page.click(`${widget}form.compose:not(.reply) button[type="submit"]`);
  await page.waitForSelector(`${widget}form.compose:not(.reply) .error[data-for="text"]:not([hidden])`, { timeout: WAIT });
}

// axe-core over the widget: every rule axe runs by default. Returns the violations (one line
// per node), and how many nodes inside the shadow root axe checked (it reaches into open shadow
// roots; a run that looked at none there would prove nothing).
async function audit(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document.querySelector('#colloquy'), { resultTypes: ['violations', 'passes'] });
    const violations = r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}: ${n.failureSummary}`));
    // A node in a shadow root has a target of several selectors (host, then inside it).
    const inShadow = new Set(r.passes.flatMap((p) => p.nodes.filter((n) => Array.isArray(n.target[0])).map((n) => JSON.stringify(n.target))));
    return { violations, inShadow: inShadow.size, rules: r.passes.length };
  });
}

async function noViolations(page, errors, least = 20) {
  const r = await audit(page);
  assert.deepEqual(r.violations, [], r.violations.join('\n'));
  assert.ok(r.inShadow >= least, `axe checked ${r.inShadow} nodes in the shadow root`);
  assert.deepEqual(errors, []);
}

const scheme = (page) => page.evaluate(() => document.querySelector('#colloquy').shadowRoot.querySelector('.colloquy').dataset.scheme);

const STATES = [
  { name: 'loaded', run: async () => open() },
  { name: 'with a reply form open', run: async () => { const o = await open(); await openReply(o.page); return o; } },
  {
    name: 'with validation errors by the fields', run: async () => {
      const o = await open();
      await openReply(o.page);
      await showErrors(o.page);
      await o.page.click(`${widget}form.compose.reply button[type="submit"]`);
      await o.page.waitForSelector(`${widget}form.compose.reply .error[data-for="text"]:not([hidden])`, { timeout: WAIT });
      return o;
    },
  },
  {
    // The outbox tries again on its own after ~2, 4, 8, 16 s (each sending, then unsent again):
    // after the fourth failure the comment stays unsent for 13 s at least, time for axe, and
    // no POST during the audit shows it audited that state.
    name: 'with a comment not sent yet and its Retry button', run: async () => {
      const o = await open();
      let posts = 0;
      o.page.on('request', (r) => { if (r.method() === 'POST') posts++; });
      await o.page.fill(`${widget}form.compose:not(.reply) input[name="name"]`, 'Zoe');
      await o.page.fill(`${widget}form.compose:not(.reply) textarea[name="text"]`, 'Lost on the way.');
      await o.page.click(`${widget}form.compose:not(.reply) button[type="submit"]`);
      const unsent = `${widget}div.comment.unsent button[data-action="retry"]`;
      await eventually(async () => {
        assert.ok(posts >= 4, `${posts} posts so far`);
        assert.equal(await o.page.locator(unsent).count(), 1);
      }, { timeout: WAIT + 20000 });
      const before = posts;
      o.after = async () => {
        assert.equal(posts, before, 'no retry during the audit');
        assert.equal(await o.page.locator(unsent).count(), 1);
      };
      return o;
    },
  },
  { name: 'with 300 comments', least: 300, run: async () => open({ comments: many(300) }) },
  {
    name: 'editing one\'s own comment, with a validation error', run: async () => {
      const o = await open({ own: ['c2'] });
      await o.page.click(`${widget}div.comment[data-id="c2"] button[data-action="edit"]`);
      const form = `${widget}form.compose.edit[data-edit="c2"]`;
      await o.page.fill(`${form} textarea[name="text"]`, ' ');
      await o.page.click(`${form} button[type="submit"]`);
      await o.page.waitForSelector(`${form} .error[data-for="text"]:not([hidden])`, { timeout: WAIT });
      return o;
    },
  },
  {
    name: 'asked to confirm a delete', run: async () => {
      const o = await open({ own: ['c3'] });
      await o.page.click(`${widget}div.comment[data-id="c3"] button[data-action="delete"]`);
      await o.page.waitForSelector(`${widget}div.comment[data-id="c3"] .confirm button[data-action="keep"]`, { timeout: WAIT });
      return o;
    },
  },
];
// Each scheme with a reply form and errors open: every control in every scheme.
for (const t of SCHEMES) {
  STATES.push({
    name: `in ${t.name}`, run: async () => {
      const o = await open(t.options);
      assert.equal(await scheme(o.page), t.expect);
      await openReply(o.page);
      await showErrors(o.page);
      return o;
    },
  });
}

test('axe-core finds no violation in the widget', async (t) => {
  await withServer(browser, [], async (s) => {
    server = s;
    for (const state of STATES) {
      await t.test(state.name, async () => {
        const { page, context, errors, after: stillThere } = await state.run();
        await noViolations(page, errors, state.least);
        if (stillThere) await stillThere();
        await context.close();
      });
    }
  });
});

test('the structure as assistive technology reads it', async () => {
  await withServer(browser, [], async (s) => {
    server = s;
    const { page, context, errors } = await open();
    // A region named by its heading, holding a feed of articles named by author and date.
    const region = page.getByRole('region', { name: '4 Comments' });
    await eventually(async () => assert.equal(await region.count(), 1));
    const feed = region.getByRole('feed');
    assert.equal(await feed.getByRole('article').count(), 5);
    for (const name of ['Comment by Mary D., September 25, 2010', 'Reply by Ron, level 2, September 26, 2010',
      'Reply by Ann, level 3, September 26, 2010', 'Deleted comment, September 27, 2010',
      'Reply by Anonymous, level 2, September 27, 2010']) {
      assert.equal(await feed.getByRole('article', { name, exact: true }).count(), 1, name);
    }
    const positions = await page.$$eval('#colloquy >> div.comment', (as) => as.map((a) => `${a.getAttribute('aria-posinset')}/${a.getAttribute('aria-setsize')}`));
    assert.deepEqual(positions, ['1/5', '2/5', '3/5', '4/5', '5/5']);
    assert.equal(await page.getByRole('button', { name: 'Reply to Mary D.', exact: true }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Reply to Anonymous', exact: true }).count(), 1);
    // The root says the widget's language; the form is a named landmark, its comment required.
    assert.equal(await page.$eval('#colloquy >> .colloquy', (el) => el.lang), 'en');
    const form = page.getByRole('form', { name: 'Leave a comment' });
    assert.equal(await form.count(), 1);
    assert.equal(await form.getByRole('textbox', { name: 'Comment' }).getAttribute('required'), '');
    // An error is the description of its field.
    await showErrors(page);
    const described = await page.$eval('#colloquy >> form.compose:not(.reply) textarea[name="text"]', (el) =>
      el.getAttribute('aria-describedby').split(' ').map((id) => el.getRootNode().getElementById(id)?.textContent).join(' '));
    assert.equal(described, 'Please write a comment.');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

test('the skip link takes the keyboard past 300 comments to the form', async () => {
  await withServer(browser, [], async (s) => {
    server = s;
    const { page, context, errors } = await open({ comments: many(300) });
    const inside = () => page.evaluate(() => {
      const el = document.querySelector('#colloquy').shadowRoot.activeElement;
      if (!el) return null;
      const box = el.getBoundingClientRect();
      return { tag: el.tagName.toLowerCase(), action: el.getAttribute('data-action'), name: el.getAttribute('name'),
        form: el.closest('form')?.id || '', visible: box.width > 1 && box.height > 1 };
    });
    await page.focus('#before');
    await page.keyboard.press('Tab');
    // The first stop in the widget is the skip link, shown now that it has the focus.
    await eventually(async () => assert.deepEqual(await inside(), { tag: 'button', action: 'skip', name: null, form: '', visible: true }));
    await page.keyboard.press('Enter');
    await eventually(async () => assert.deepEqual(await inside(), { tag: 'input', action: null, name: 'name', form: 'colloquy-compose', visible: true }));
    // And on from there, as from any field: the next Tab is the form's next field.
    await page.keyboard.press('Tab');
    await eventually(async () => assert.equal((await inside()).name, 'location'));
    assert.deepEqual(errors, []);
    await context.close();
  });
});

test('the widget speaks its own language: the root, the region and the names in French on an English page', async () => {
  await withServer(browser, [], async (s) => {
    server = s;
    const { page, context, errors } = await open({ locale: 'fr' });
    await eventually(async () => assert.equal(await page.$eval('#colloquy >> .colloquy', (el) => el.lang), 'fr'));
    assert.equal(await page.getByRole('article', { name: 'Commentaire de Mary D., 25 septembre 2010', exact: true }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Répondre à Mary D.', exact: true }).count(), 1);
    assert.equal(await page.getByRole('region', { name: '4 commentaires' }).count(), 1);
    await noViolations(page, errors);
    await context.close();
  });
});

// On a touch screen every button and field is a target of 44 by 44 px at least (WCAG 2.5.5),
// the reader's own Edit and Delete, a reply form and a delete's confirmation included; with a
// mouse the actions keep their size. Replies and reply forms are indented by their depth either
// way.
test('on a touch screen every button and field is a 44 by 44 px target; with a mouse the look is as before', async () => {
  await withServer(browser, [], async (s) => {
    server = s;
    const controls = (page) => page.evaluate(() => {
      const root = document.querySelector('#colloquy').shadowRoot;
      return {
        coarse: matchMedia('(pointer: coarse)').matches,
        // Every control a finger can reach (seen, and not the honeypot or the skip link, clipped
        // out of sight and reach until the keyboard focuses it) that is under 44 by 44 px, or
        // that a tap just inside one of its four edges misses (the widget's edge clips it, or
        // another control covers it).
        small: [...root.querySelectorAll('button, select, input, textarea')]
          .filter((el) => el.getClientRects().length && !el.closest('.hp') && !el.matches('.skip'))
          .map((el) => {
            el.scrollIntoView({ block: 'center' });
            const b = el.getBoundingClientRect(), x = b.left + b.width / 2, y = b.top + b.height / 2;
            const missed = [[b.left + 2, y], [b.right - 2, y], [x, b.top + 2], [x, b.bottom - 2]]
              .filter(([px, py]) => { const hit = root.elementFromPoint(px, py); return !hit || !(hit === el || el.contains(hit)); });
            return [el, b, missed.length];
          })
          .filter(([, box, missed]) => box.width < 43.5 || box.height < 43.5 || missed)
          .map(([el, box, missed]) => `${el.tagName.toLowerCase()} ${el.getAttribute('data-action') || el.name || el.type}: ` +
            `${box.width.toFixed(1)} x ${box.height.toFixed(1)}${missed ? `, ${missed} of 4 edges out of reach` : ''}`),
        count: root.querySelectorAll('button, select, input, textarea').length,
        indent: ['c1', 'c2', 'c3'].map((id) => parseFloat(getComputedStyle(root.querySelector(`div.comment[data-id="${id}"]`)).marginLeft)),
        replyIndent: parseFloat(getComputedStyle(root.querySelector('form.compose.reply')).marginLeft),
        vote: root.querySelector('div.comment[data-id="c1"] button[data-action="vote"]').getBoundingClientRect().height,
      };
    });
    // Also under a host page whose root font is 10 px (html { font-size: 62.5% }, a common blog
    // habit): the targets are in px, so they do not shrink with it.
    for (const [touch, style] of [[true, ''], [true, 'html { font-size: 62.5% }'], [false, '']]) {
      const { page, context, errors } = await open({ touch, style, own: ['c1'] });
      await openReply(page);
      await page.click(`${widget}div.comment[data-id="c1"] button[data-action="delete"]`);
      await page.waitForSelector(`${widget}div.comment[data-id="c1"] .confirm button[data-action="keep"]`, { timeout: WAIT });
      const r = await controls(page);
      assert.equal(r.coarse, touch, 'the page sees the pointer it was given');
      assert.ok(r.count >= 15, `${r.count} controls`);
      if (touch) assert.deepEqual(r.small, [], `controls under 44 x 44 px on a touch screen ${style}`);
      else assert.ok(r.vote < 40, `a vote button ${r.vote}px high with a mouse, as before`);
      // One step of --c-indent per level (1.25rem; .6rem on a narrow layout).
      const step = r.indent[1];
      assert.ok(step >= 9, `a reply indented ${step}px`);
      assert.deepEqual(r.indent, [0, step, 2 * step], 'comments indented by depth');
      assert.equal(r.replyIndent, step, 'the reply form under c1 indented as its reply would be');
      assert.deepEqual(errors, []);
      await context.close();
    }
  });
});
