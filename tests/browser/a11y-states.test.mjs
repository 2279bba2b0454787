// Accessibility where a reader is easily lost: the comments failing to load (the heading order
// axe checks, Retry a 44 by 44 px target on a touch screen, where the focus goes after Retry),
// a post the server refuses (the focus goes to what must be mended, never to <body>), right-to-
// left text (the widget's root says its direction, names and texts are isolated, the stylesheet
// mirrors), forced colours (buttons keep a border, avatars their colours) and a 320 px screen
// (long names wrap).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, eventually, waitForCount, WAIT, axeSource } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const THREAD = '/a11y-states-test';
const HEBREW_NAME = 'מרים ד.', HEBREW_PLACE = 'תל אביב', HEBREW_TEXT = 'שלום לכולם, זה נכון.';
const LONG = 'Maximiliana' + 'Supercalifragilisticexpialidocious'.repeat(3);
const COMMENTS = [
  { id: 'c1', author: { name: 'Mary D.', location: 'Kansas, USA' }, created: '2010-09-25T14:03:00Z', text: 'A point.\n\n> a quote' },
  { id: 'c2', parent: 'c1', author: 'Ron', created: '2010-09-26T10:00:00Z', text: 'A reply.' },
  { id: 'c3', author: { name: HEBREW_NAME, location: HEBREW_PLACE }, created: '2010-09-27T10:00:00Z', text: HEBREW_TEXT + '\n\n> ציטוט' },
  { id: 'c4', author: { name: LONG, location: LONG }, created: '2010-09-28T10:00:00Z', text: 'Long names.' },
];
const widget = '#colloquy >> ';

// A page whose comments API is scripted: `api.get` answers GETs ('ok', or 'fail' for a 503),
// `api.post` POSTs (an {status, body} answer). `html`: the <html> element's attributes.
async function open(server, { html = 'lang="en"', touch = false, width = 0, get = 'ok', post = null, wait = true } = {}) {
  const context = await browser.newContext(Object.assign({},
    touch && { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
    width && { viewport: { width, height: 700 } }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  const api = { get, post };
  await page.route('**/a11y-states.html', (route) => route.fulfill({
    status: 200, contentType: 'text/html',
    body: `<!doctype html><html ${html}><head><meta charset="utf-8"><title>States</title>
<style>body { margin: 0; font: 16px/1.5 Georgia, serif; } main { max-width: 40rem; margin: auto; padding: 1rem; }</style></head>
<body><main><h1>A post</h1><p>The article, then <a id="before" href="/elsewhere">a link</a>.</p><div id="colloquy"></div></main>
<script src="/colloquy/colloquy.js" defer data-thread="${THREAD}" data-comments="/api/comments" data-load="eager"></script></body></html>`,
  }));
  await page.route('**/api/comments**', (route) => {
    if (route.request().method() === 'GET') {
      if (api.get === 'fail') return route.fulfill({ status: 503, body: 'busy' });
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ thread: THREAD, comments: COMMENTS, next: null }) });
    }
    const a = api.post || { status: 503, body: 'busy' };
    return route.fulfill({ status: a.status, contentType: 'application/json', body: JSON.stringify(a.body) });
  });
  await page.goto(server.url + '/a11y-states.html');
  if (wait) {
    await waitForCount(page, `${widget}div.comment`, COMMENTS.length);
    await page.waitForSelector(`${widget}form.compose:not(.reply)`, { timeout: WAIT });
  }
  await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.adoptedStyleSheets.length === 2, null, { timeout: WAIT });
  return { page, context, errors, api };
}

// Where the focus is: the element inside the widget, or the page's.
const focused = (page) => page.evaluate(() => {
  const root = document.querySelector('#colloquy').shadowRoot;
  const el = root.activeElement || document.activeElement;
  return el ? [el.tagName.toLowerCase(), el.getAttribute('data-action') || el.getAttribute('name') || el.className] : null;
});

async function axeViolations(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document.querySelector('#colloquy'));
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}: ${n.failureSummary}`));
  });
}

test('comments that did not load: valid headings, a 44 px Retry, and the focus kept through Retry', async () => {
  await withServer(browser, [], async (server) => {
    const { page, context, errors, api } = await open(server, { get: 'fail', wait: false, touch: true });
    await page.waitForSelector(`${widget}button[data-action="reload"]:not([hidden])`, { timeout: WAIT });
    await page.waitForSelector(`${widget}form.compose:not(.reply)`, { timeout: WAIT });
    // No comments section: the form's heading is the widget's first, at level 2.
    assert.deepEqual(await axeViolations(page), []);
    // Every control on show is a finger's target.
    const small = await page.evaluate(() => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll('button, select, input, textarea')]
      .filter((el) => el.getClientRects().length && !el.closest('.hp') && !el.matches('.skip'))
      .map((el) => [el.getAttribute('data-action') || el.name || el.type, el.getBoundingClientRect()])
      .filter(([, b]) => b.width < 43.5 || b.height < 43.5).map(([what, b]) => `${what}: ${b.width.toFixed(1)} x ${b.height.toFixed(1)}`));
    assert.deepEqual(small, []);
    // Retry by keyboard, failing again: the focus comes back to Retry.
    await page.focus(`${widget}button[data-action="reload"]`);
    await page.keyboard.press('Enter');
    await eventually(async () => assert.deepEqual(await focused(page), ['button', 'reload']));
    // Retry again, the endpoint back: the focus goes to the comments.
    api.get = 'ok';
    await page.keyboard.press('Enter');
    await waitForCount(page, `${widget}div.comment`, COMMENTS.length);
    await eventually(async () => assert.deepEqual(await focused(page), ['section', 'comments']));
    assert.equal(await page.$eval(`${widget}form.compose:not(.reply) h3`, (h) => h.getAttribute('aria-level')), null);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

test('a post the server refuses: the focus goes to the field in error, or to the form\'s error', async () => {
  await withServer(browser, [], async (server) => {
    const { page, context, errors, api } = await open(server);
    const form = `${widget}form.compose:not(.reply)`;
    api.post = { status: 422, body: { error: { code: 'text_too_long', message: 'too long', field: 'text' } } };
    await page.fill(`${form} input[name="name"]`, 'Zoe');
    await page.fill(`${form} textarea[name="text"]`, 'Hello from the keyboard.');
    await page.focus(`${form} button[type="submit"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${form} textarea[name="text"][aria-invalid="true"]`, { timeout: WAIT });
    await eventually(async () => assert.deepEqual(await focused(page), ['textarea', 'text']));
    assert.equal(await page.$eval(`${form} textarea[name="text"]`, (t) => t.value), 'Hello from the keyboard.');
    // A refusal that names no field: its message is in the form's error, which takes the focus.
    api.post = { status: 403, body: { error: { code: 'forbidden', message: 'no' } } };
    await page.focus(`${form} button[type="submit"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${form} .error[data-for=""]:not([hidden])`, { timeout: WAIT });
    await eventually(async () => assert.deepEqual(await focused(page), ['span', 'error']));
    assert.deepEqual(errors, []);
    await context.close();
  });
});

test('right to left: the root says its direction, names and texts are isolated, the layout mirrors', async () => {
  await withServer(browser, [], async (server) => {
    const { page, context, errors } = await open(server, { html: 'lang="ar" dir="rtl"' });
    const r = await page.evaluate(([name, place]) => {
      const root = document.querySelector('#colloquy').shadowRoot;
      const frame = root.querySelector('.colloquy'), c3 = root.querySelector('div.comment[data-id="c3"]');
      const body = c3.querySelector('.body'), text = root.querySelector('form.compose textarea[name="text"]');
      return {
        root: [frame.lang, frame.dir, getComputedStyle(frame).direction],
        section: root.querySelector('section.comments').dir,
        // Each name and place alone in an isolate (a span with dir="auto", as a <bdi> is), so
        // "… writes:" stays in English order around them.
        isolated: [...c3.querySelectorAll('.byline [dir="auto"]')].map((b) => [b.textContent, getComputedStyle(b).unicodeBidi]),
        bylineStart: c3.querySelector('.byline').textContent.trim().startsWith(name) && c3.querySelector('.byline').textContent.includes(place),
        body: [body.dir, getComputedStyle(body).direction],
        fields: [text.dir, root.querySelector('form.compose input[name="name"]').dir],
      };
    }, [HEBREW_NAME, HEBREW_PLACE]);
    assert.deepEqual(r.root, ['en', 'ltr', 'ltr']);
    assert.equal(r.section, 'ltr');
    assert.deepEqual(r.isolated, [[HEBREW_NAME, 'isolate'], [HEBREW_PLACE, 'isolate']]);
    assert.ok(r.bylineStart);
    assert.deepEqual(r.body, ['auto', 'rtl']);
    assert.deepEqual(r.fields, ['auto', 'auto']);
    // The English byline reads in English order: "Ron writes:", its colon last, on the right.
    const order = await page.evaluate(() => {
      const p = document.querySelector('#colloquy').shadowRoot.querySelector('div.comment[data-id="c2"] .byline');
      const text = p.lastChild, at = (i) => {
        const range = document.createRange();
        range.setStart(text, i); range.setEnd(text, i + 1);
        return range.getBoundingClientRect().left;
      };
      return [p.querySelector('[dir="auto"]').getBoundingClientRect().left, at(text.textContent.indexOf('w')), at(text.textContent.indexOf(':'))];
    });
    assert.ok(order[0] < order[1] && order[1] < order[2], `"Ron", "writes" and ":" at ${order}`);
    // Text right to left mirrors what is drawn around it: a Hebrew comment's quote has its bar on
    // the right (an English one's on the left); and a right-to-left language (its root and section
    // dir="rtl", as a locale saying so would make them) indents a reply from the right.
    await page.evaluate(() => {
      const root = document.querySelector('#colloquy').shadowRoot;
      for (const el of [root.querySelector('.colloquy'), root.querySelector('section.comments')]) el.dir = 'rtl';
    });
    const mirrored = await page.evaluate(() => {
      const root = document.querySelector('#colloquy').shadowRoot;
      const reply = getComputedStyle(root.querySelector('div.comment[data-id="c2"]'));
      const bar = (id) => { const q = getComputedStyle(root.querySelector(`div.comment[data-id="${id}"] blockquote`)); return [q.borderLeftWidth, q.borderRightWidth]; };
      return { reply: [reply.marginLeft, reply.marginRight !== '0px'], hebrew: bar('c3'), english: bar('c1') };
    });
    assert.deepEqual(mirrored, { reply: ['0px', true], hebrew: ['0px', '3px'], english: ['3px', '0px'] });
    assert.deepEqual(errors, []);
    await context.close();
  });
});

test('forced colours: buttons have a border, avatars keep their colours', async () => {
  await withServer(browser, [], async (server) => {
    const { page, context, errors } = await open(server);
    await page.emulateMedia({ forcedColors: 'active' });
    await eventually(async () => assert.ok(await page.evaluate(() => matchMedia('(forced-colors: active)').matches)));
    const r = await page.evaluate(() => {
      const root = document.querySelector('#colloquy').shadowRoot;
      const border = (el) => { const s = getComputedStyle(el); return `${s.borderTopStyle} ${parseFloat(s.borderTopWidth) >= 1}`; };
      return {
        buttons: [...root.querySelectorAll('div.comment button, form.compose button')].map(border),
        avatar: getComputedStyle(root.querySelector('div.comment[data-id="c1"] .avatar')).backgroundImage,
      };
    });
    assert.ok(r.buttons.length >= 10, `${r.buttons.length} buttons`);
    assert.deepEqual([...new Set(r.buttons)], ['solid true']);
    assert.match(r.avatar, /gradient/);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

test('at 320 px long unbroken names and places wrap inside the widget', async () => {
  await withServer(browser, [], async (server) => {
    const { page, context, errors } = await open(server, { width: 320 });
    const r = await page.evaluate(() => {
      const host = document.querySelector('#colloquy');
      const p = host.shadowRoot.querySelector('div.comment[data-id="c4"] .byline');
      return { overflow: p.scrollWidth - p.clientWidth, right: p.getBoundingClientRect().right, hostRight: host.getBoundingClientRect().right,
        page: document.documentElement.scrollWidth };
    });
    assert.ok(r.overflow <= 1, `the byline overflows by ${r.overflow}px`);
    assert.ok(r.right <= r.hostRight + 0.5, `byline right ${r.right} > widget ${r.hostRight}`);
    assert.equal(r.page, 320);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
