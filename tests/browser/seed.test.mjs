// The seed page, loaded over HTTP the way a blog serves it, with and without a strict CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, withServer, repo, eventually, waitForCount, waitForText } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// Opens the seed page and collects console errors, CSP violations and page errors.
async function openSeed(server) {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(server.url + '/');
  await waitForCount(page, '#colloquy >> div.comment', 3);
  await waitForCount(page, '#colloquy >> article.story-card', 3);
  return { page, problems, response };
}

async function widgetFacts(page) {
  return page.evaluate(() => {
    const root = document.querySelector('#colloquy').shadowRoot;
    const comments = [...root.querySelectorAll('section.comments[part="comments"] div.comment[role="article"][part="comment"]')];
    const card = root.querySelector('section.stories[part="stories"] article.story-card');
    return {
      open: !!root && root.mode === 'open',
      comments: comments.map((a) => ({
        id: a.dataset.id,
        depth: a.dataset.depth,
        byline: a.querySelector('.byline').textContent,
        date: a.querySelector('.date').textContent,
        datetime: a.querySelector('.date').getAttribute('data-datetime'),
        paragraphs: [...a.querySelectorAll('.body > p')].map((p) => p.textContent),
        reply: !!a.querySelector('button[data-action="reply"]'),
      })),
      sort: root.querySelector('section.comments select[name="sort"]')?.value,
      cardText: card && [card.querySelector('time').textContent, card.querySelector('h3').textContent,
        card.querySelector('p').textContent].join(' · '),
      cardLink: card && card.querySelector('h3 a').href,
      cards: root.querySelectorAll('article.story-card').length,
      styled: getComputedStyle(root.querySelector('.story-card')).borderTopLeftRadius,
      violations: window.__cspViolations,
    };
  });
}

for (const csp of [true, false]) {
  test(`seed page shows the three comments and the story card (${csp ? 'strict CSP' : 'no CSP'})`, async () => {
    await withServer(browser, csp ? [] : ['--csp', 'off'], async (server) => {
      const { page, problems, response } = await openSeed(server);
      const header = response.headers()['content-security-policy'];
      if (csp) assert.equal(header, "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'");
      else assert.equal(header, undefined);
      const f = await widgetFacts(page);
      assert.ok(f.open);
      assert.deepEqual(f.comments.map((c) => c.byline),
        ['Mary D. in Kansas writes:', 'Ron in New York writes:', 'Gaspar in Kenya writes:']);
      assert.deepEqual(f.comments.map((c) => c.date), ['September 25, 2010', 'September 27, 2010', 'October 28, 2010']);
      assert.deepEqual(f.comments.map((c) => c.datetime.slice(0, 10)), ['2010-09-25', '2010-09-27', '2010-10-28']);
      assert.deepEqual(f.comments[0].paragraphs, ['Nice :)']);
      assert.equal(f.comments[1].paragraphs.length, 2);
      assert.equal(f.comments[1].paragraphs[0], 'Human Security 21......');
      assert.match(f.comments[1].paragraphs[1], /^Think of the cost-savings, .* working through enforceable treaties\.$/);
      assert.deepEqual(f.comments[2].paragraphs, ['building new real estate hotel']);
      assert.ok(f.comments.every((c) => c.reply && c.depth === '0'));
      assert.equal(f.sort, 'oldest');
      assert.match(f.cardText, /^March 7, 2011 · DipNote: The Week in Review · Writing for the U\.S\. Department of State DipNote blog, Managing Editor Luke Forgerson recaps the week that was, including testimony… more$/);
      assert.equal(f.cardLink, 'https://blogs.state.gov/stories/2011/03/07/dipnote-week-review');
      assert.equal(f.cards, 3);
      assert.equal(f.styled, '4px', 'the widget stylesheet applies inside the shadow root');
      assert.deepEqual(f.violations, []);
      assert.deepEqual(problems, []);
      if (csp) {
        fs.mkdirSync(path.join(repo, 'build'), { recursive: true });
        await page.setViewportSize({ width: 900, height: 1500 });
        await page.screenshot({ path: path.join(repo, 'build/seed-page.png'), fullPage: true });
      }
    });
  });
}

test('a failed comments fetch shows a message in the widget and a [colloquy] warning, never a page error', async () => {
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    const warnings = [];
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route('**/api/comments**', (route) => route.fulfill({ status: 500, body: 'boom' }));
    await page.goto(server.url + '/');
    await page.waitForSelector('#colloquy >> .status:not([hidden])');
    await waitForText(page, '#colloquy >> .status', 'Comments could not be loaded.');
    // The hint fits the failure: the server's error, not a missing module.
    await eventually(() => assert.ok(warnings.some((w) => /^\[colloquy\] comments not loaded: HTTP 500 for .*\(the comments server answered with an error: see its log/s.test(w)), warnings.join('\n')));
    assert.deepEqual(errors, []);
  });
});

test('a comments document that is not JSON shows a message and warns with its error code', async () => {
  await withServer(browser, [], async (server) => {
    const page = await browser.newPage();
    const warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    await page.route('**/api/comments**', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"comments": [' }));
    await page.goto(server.url + '/');
    await page.waitForSelector('#colloquy >> .status:not([hidden])');
    await eventually(() => assert.ok(warnings.some((w) => w.includes('not_json')), warnings.join('\n')));
    // The stories strip next to it still renders.
    await page.waitForSelector('#colloquy >> article.story-card');
  });
});
