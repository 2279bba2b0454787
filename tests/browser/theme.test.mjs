// Themes and contrast: data-theme="auto" follows the page the widget sits on (the background
// behind it, then the page's color-scheme), not the reader's OS alone, and follows the host
// when it switches theme. In light, dark and both auto cases (a dark-OS reader on a light blog,
// a light-OS reader on a dark blog) axe-core's color-contrast rule finds nothing inside the
// shadow root (text 4.5:1), and field borders, the sort menu and the submit button stand 3:1 from the ground.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, axeSource, SCHEMES } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const THREAD = '/theme-test';
const COMMENTS = [
  { id: 'c1', author: { name: 'Mary D.', location: 'Kansas, USA' }, created: '2010-09-25T14:03:00Z',
    text: 'A *point*, with a [link](https://example.org) and `code`.\n\n> quoted', votes: { up: 3, down: 1 } },
  { id: 'c2', parent: 'c1', author: 'Ron', created: '2010-09-26T10:00:00Z', text: 'A reply.' },
  { id: 'c3', created: '2010-09-27T10:00:00Z', text: 'gone', status: 'deleted' },
  { id: 'c4', parent: 'c3', author: 'Ann', created: '2010-09-27T11:00:00Z', text: 'Reply to a deleted one.' },
];

async function open(server, { style = '', theme = 'auto', os = 'light', htmlClass = '', head = '' } = {}) {
  const context = await browser.newContext({ colorScheme: os });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.route('**/theme.html', (route) => route.fulfill({
    status: 200, contentType: 'text/html',
    body: `<!doctype html><html lang="en" class="${htmlClass}"><head><meta charset="utf-8"><title>Theme</title>
${head}<style>body { margin: 0; font: 16px/1.5 Georgia, serif; } main { max-width: 40rem; margin: auto; padding: 1rem; } ${style}</style></head>
<body><main><h1>A post</h1><div id="colloquy"></div></main>
<script src="/colloquy/colloquy.js" defer data-thread="${THREAD}" data-comments="/api/comments" data-theme="${theme}"></script></body></html>`,
  }));
  await page.route('**/api/comments**', (route) => route.fulfill({ status: 200, contentType: 'application/json',
    body: JSON.stringify({ thread: THREAD, comments: COMMENTS, next: null }) }));
  await page.goto(server.url + '/theme.html');
  await page.waitForSelector('#colloquy >> div.comment[data-id="c4"]', { timeout: 10000 });
  await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.adoptedStyleSheets.length === 2, null, { timeout: 10000 });
  // Everything a reader can meet: a reply form, and errors by the fields.
  await page.click('#colloquy >> div.comment[data-id="c1"] button[data-action="reply"]');
  await page.fill('#colloquy >> form.compose:not(.reply) textarea[name="text"]', ' ');
  await page.click('#colloquy >> form.compose:not(.reply) button[type="submit"]');
  await page.waitForSelector('#colloquy >> form.compose:not(.reply) .error[data-for="text"]:not([hidden])');
  await page.fill('#colloquy >> form.compose:not(.reply) textarea[name="text"]', 'Some *preview* text');
  await page.waitForSelector('#colloquy >> form.compose:not(.reply) .preview:not([hidden])');
  return { page, context, errors };
}

const scheme = (page) => page.evaluate(() => document.querySelector('#colloquy').shadowRoot.querySelector('.colloquy').dataset.scheme);
const opaque = async (page) => (await scheme(page)).split(' ').includes('opaque');

// axe-core's color-contrast rule over the widget (it walks open shadow roots), plus the 3:1 of
// non-text contrast for field borders and the submit button against what is behind them.
async function contrast(page) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document.querySelector('#colloquy'), { runOnly: ['color-contrast'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${n.target.join(' ')}: ${n.any.map((a) => a.message).join('; ')}`));
  });
  const checked = await page.evaluate(() => {
    const rgb = (css) => {
      const c = document.createElement('canvas').getContext('2d');
      c.fillStyle = css; c.fillRect(0, 0, 1, 1);
      return [...c.getImageData(0, 0, 1, 1).data];
    };
    const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
      .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    // The first opaque background at or above an element, through the shadow boundary.
    const ground = (el) => {
      for (let e = el; e; e = e.parentElement || e.getRootNode().host) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c[3] > 127) return c;
      }
      return [255, 255, 255, 255];
    };
    const root = document.querySelector('#colloquy').shadowRoot;
    const out = [];
    for (const input of root.querySelectorAll('form.compose input:not([name="website"]), form.compose textarea')) {
      out.push([`border of ${input.name}`, ratio(rgb(getComputedStyle(input).borderTopColor), ground(input.parentElement))]);
    }
    for (const s of root.querySelectorAll('section.comments select')) {
      out.push(['border of the sort menu', ratio(rgb(getComputedStyle(s).borderTopColor), ground(s.parentElement))]);
    }
    for (const b of root.querySelectorAll('form.compose button[type="submit"]')) {
      out.push(['submit button', ratio(rgb(getComputedStyle(b).backgroundColor), ground(b.parentElement))]);
    }
    return out;
  });
  return { violations, weak: checked.filter(([, r]) => r < 3).map(([what, r]) => `${what}: ${r.toFixed(2)}:1`), checked: checked.length };
}

for (const c of SCHEMES) {
  test(`contrast holds in ${c.name}`, async () => {
    await withServer(browser, [], async (server) => {
      const { page, context, errors } = await open(server, c.options);
      assert.equal(await scheme(page), c.expect);
      assert.equal(await opaque(page), false, 'the page shows through where its colours hold');
      const r = await contrast(page);
      assert.deepEqual(r.violations, [], r.violations.join('\n'));
      assert.deepEqual(r.weak, []);
      assert.ok(r.checked >= 8, `${r.checked} controls checked`);
      assert.deepEqual(errors, []);
      await context.close();
    });
  });
}

// Under auto, where neither scheme reaches 4.5:1 on the page's background (mid-tones), or where
// that background cannot be known (a gradient or an image over it), the widget paints its own
// background of the scheme it chose (data-scheme="light opaque"), and contrast holds there too.
const DARK_IMAGE = 'data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27 width=%274%27 height=%274%27%3E%3Crect width=%274%27 height=%274%27 fill=%27%23101010%27/%3E%3C/svg%3E';
const OPAQUE = [
  { name: 'a grey page (#777)', style: 'body { background: #777; }', expect: 'light' },
  { name: 'a blue page (#1c5a8c)', style: 'body { background: #1c5a8c; color: #fff; }', expect: 'dark' },
  { name: 'a green page (#2e7d32)', style: 'body { background: #2e7d32; color: #fff; }', expect: 'dark' },
  { name: 'a dark gradient', style: 'body { background: linear-gradient(#111, #1a1a1a) fixed; color: #eee; min-height: 100vh; }', expect: 'light' },
  { name: 'a dark image over a dark colour', style: `body { background: #101010 url("${DARK_IMAGE}"); color: #eee; }`, expect: 'dark' },
];
for (const c of OPAQUE) {
  test(`auto on ${c.name}: the widget's own background, and contrast holds`, async () => {
    await withServer(browser, [], async (server) => {
      const { page, context, errors } = await open(server, { os: 'light', style: c.style });
      assert.equal(await scheme(page), `${c.expect} opaque`);
      const r = await contrast(page);
      assert.deepEqual(r.violations, [], r.violations.join('\n'));
      assert.deepEqual(r.weak, []);
      assert.deepEqual(errors, []);
      await context.close();
    });
  });
}

test('auto follows the host switching theme: a class on <html>, then the reader preference on a light-dark page', async () => {
  await withServer(browser, [], async (server) => {
    const { page, context, errors } = await open(server, {
      os: 'light', style: 'html.night body { background: #101418; color: #ddd; } html.both { color-scheme: light dark; }',
    });
    assert.equal(await scheme(page), 'light');
    await page.evaluate(() => document.documentElement.classList.add('night'));
    await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.querySelector('.colloquy').dataset.scheme === 'dark', null, { timeout: 5000 });
    let r = await contrast(page);
    assert.deepEqual([r.violations, r.weak], [[], []]);
    await page.evaluate(() => document.documentElement.classList.remove('night'));
    await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.querySelector('.colloquy').dataset.scheme === 'light', null, { timeout: 5000 });
    // A page that offers both schemes and sets no background follows the reader's preference.
    await page.evaluate(() => document.documentElement.classList.add('both'));
    assert.equal(await scheme(page), 'light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.querySelector('.colloquy').dataset.scheme === 'dark', null, { timeout: 5000 });
    // The canvas is dark now, but axe takes a page with no background for white: say it.
    await page.evaluate(() => { document.body.style.background = 'Canvas'; });
    assert.equal(await scheme(page), 'dark');
    r = await contrast(page);
    assert.deepEqual([r.violations, r.weak], [[], []]);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

// A page may say its schemes with <meta name="color-scheme"> instead of CSS: the browser then paints
// its canvas in them (computed color-scheme stays "normal"), and so must the widget decide.
test('auto follows <meta name="color-scheme">: dark, light dark with either preference, and a change of it', async () => {
  await withServer(browser, [], async (server) => {
    const cases = [
      { head: '<meta name="color-scheme" content="dark">', os: 'light', expect: 'dark' },
      { head: '<meta name="color-scheme" content="light dark">', os: 'dark', expect: 'dark' },
      { head: '<meta name="color-scheme" content="light dark">', os: 'light', expect: 'light' },
      { head: '<meta name="color-scheme" content="only light">', os: 'dark', expect: 'light' },
    ];
    for (const c of cases) {
      const { page, context, errors } = await open(server, { head: c.head, os: c.os });
      assert.equal(await scheme(page), c.expect, `${c.head} with a ${c.os} preference`);
      if (c.expect === 'dark') {
        // The canvas is dark, but axe takes a page with no background for white: say it.
        await page.evaluate(() => { document.body.style.background = 'Canvas'; });
        await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.querySelector('.colloquy').dataset.scheme === 'dark', null, { timeout: 5000 });
        const r = await contrast(page);
        assert.deepEqual([r.violations, r.weak], [[], []]);
      }
      assert.deepEqual(errors, []);
      await context.close();
    }
    // A page that switches its meta tag (a theme toggle) takes the widget with it.
    const { page, context } = await open(server, { head: '<meta name="color-scheme" content="light">', os: 'light' });
    assert.equal(await scheme(page), 'light');
    await page.evaluate(() => { document.querySelector('meta[name="color-scheme"]').content = 'dark'; });
    await page.waitForFunction(() => document.querySelector('#colloquy').shadowRoot.querySelector('.colloquy').dataset.scheme === 'dark', null, { timeout: 5000 });
    await context.close();
  });
});
