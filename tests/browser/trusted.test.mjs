// Trusted Types: on the seed page served with `require-trusted-types-for 'script'; trusted-types
// colloquy`, the widget renders, sorts, previews, posts and replies through its one policy,
// and the browser reports no violation (a raw string into innerHTML or a script URL would be one,
// and would throw).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withServer, waitForCount, waitForText, clickPost, eventually } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "require-trusted-types-for 'script'; trusted-types colloquy";

test('the seed page works under require-trusted-types-for with the one policy "colloquy"', async () => {
  await withServer(browser, ['--csp', CSP], async (server) => {
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
    });
    const response = await page.goto(server.url + '/');
    assert.match(response.headers()['content-security-policy'], /require-trusted-types-for 'script'; trusted-types colloquy$/);
    assert.equal(await page.evaluate(() => typeof window.trustedTypes), 'object', 'this Chromium enforces Trusted Types');
    await waitForCount(page, '#colloquy >> div.comment', 3);
    await waitForCount(page, '#colloquy >> article.story-card', 3);
    // Re-sorting inserts the core's HTML again.
    await page.selectOption('#colloquy >> select[name="sort"]', 'newest');
    await waitForText(page, '#colloquy >> div.comment .byline', 'Gaspar in Kenya writes:');
    // Posting: the second script is loaded through the policy; preview, post, reply.
    await page.fill('#colloquy >> form.compose:not(.reply) input[name="name"]', 'Tess');
    await page.fill('#colloquy >> form.compose:not(.reply) textarea[name="text"]', 'Typed *safely*.');
    await clickPost(page, 'form.compose:not(.reply)');
    await waitForCount(page, '#colloquy >> div.comment', 4);
    await waitForText(page, '#colloquy >> div.comment .byline', 'Tess writes:');
    await page.click('#colloquy >> div.comment[data-id="c1"] button[data-action="reply"]');
    await page.fill('#colloquy >> form.compose.reply textarea[name="text"]', 'A reply.');
    await clickPost(page, 'form.compose.reply');
    await waitForCount(page, '#colloquy >> div.comment', 5);
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(problems, []);
  });
});

test('a Content-Security-Policy without \'wasm-unsafe-eval\' is named in the warning, and the reader gets the status line', async () => {
  await withServer(browser, ['--csp', "default-src 'self'; script-src 'self'; style-src 'self'"], async (server) => {
    const page = await browser.newPage();
    const warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    await page.goto(server.url + '/');
    await page.waitForSelector('#colloquy >> .status[role="status"]:not([hidden])', { timeout: 15000 });
    await eventually(() => assert.ok(warnings.some((w) => /^\[colloquy\] comments not loaded: this page does not let WebAssembly run .*\(add 'wasm-unsafe-eval' to script-src/s.test(w)), warnings.join('\n')));
    assert.ok(!warnings.some((w) => /check data-comments/.test(w)), 'no hint at data-comments: ' + warnings.join('\n'));
    await page.close();
  });
});
