// One small driver layer over three browser engines, so each cross-engine test is written once:
// Chromium through playwright-core, Firefox through puppeteer-core over WebDriver BiDi, WebKit
// (Safari's engine) through selenium-webdriver and WebKitGTK's WebKitWebDriver under Xvfb.
// /work/shared/BROWSERS.md (the team notes) says how each was found to work headless on Debian.
//
// A session is one browser with one tab. Its verbs take CSS selectors inside the widget's open
// shadow root (of `#colloquy` unless a host is given): open, reload, waitFor, count, text, type,
// click, evaluate, problems, close. Errors are collected from inside the page by probe.js, which
// the test site serves as the first script of every page (WebKit's driver has no console access).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { launch as launchChromium, freePort, eventually } from '../browser/support.mjs';

// WebKit and Firefox are several times slower than Chromium on a busy 2-core machine: every wait
// gets twice the browser tests' bound (COLLOQUY_ENGINE_WAIT_MS to change it).
export const ENGINE_WAIT = Number(process.env.COLLOQUY_ENGINE_WAIT_MS) || 60000;

export const ENGINES = ['chromium', 'firefox', 'webkit'];

// Starts `engine` and answers a session on a blank tab.
export async function startSession(engine) {
  const start = { chromium: chromiumTab, firefox: firefoxTab, webkit: webkitTab }[engine];
  assert.ok(start, `unknown engine ${engine}`);
  const tab = await start();
  return session(engine, tab);
}

// The engine-neutral verbs, over a tab's few primitives: goto, reload, run (a function in the
// page, awaited, with one JSON argument), find (a driver element for a selector in a shadow
// root), fill, press, version, close.
function session(engine, tab) {
  // In the page: the elements matching `selector` in `host`'s shadow root (none before it exists).
  const query = (selector, host) => tab.run(({ selector, host }) => {
    const root = document.querySelector(host)?.shadowRoot;
    return root ? [...root.querySelectorAll(selector)].map((e) => e.textContent) : [];
  }, { selector, host });
  const s = {
    engine,
    version: () => tab.version(),
    open: (url) => tab.goto(url),
    reload: () => tab.reload(),
    evaluate: (fn, arg = null) => tab.run(fn, arg),
    count: async (selector, host = '#colloquy') => (await query(selector, host)).length,
    texts: (selector, host = '#colloquy') => query(selector, host),
    // Waits until `selector` matches exactly `n` elements (at least one when `n` is omitted).
    waitFor: (selector, n, { host = '#colloquy', timeout = ENGINE_WAIT } = {}) => eventually(async () => {
      const found = await s.count(selector, host);
      if (n === undefined) assert.ok(found > 0, `nothing matches ${selector} in ${engine}`);
      else assert.equal(found, n, `number of ${selector} in ${engine}`);
    }, { timeout, interval: 100 }),
    // Waits until the first match of `selector` reads `expected` (string: exactly; RegExp: matching).
    waitForText: (selector, expected, { host = '#colloquy', timeout = ENGINE_WAIT } = {}) => eventually(async () => {
      const [text] = await query(selector, host);
      assert.notEqual(text, undefined, `nothing matches ${selector} in ${engine}`);
      if (expected instanceof RegExp) assert.match(text, expected, selector);
      else assert.equal(text, expected, selector);
      return text;
    }, { timeout, interval: 100 }),
    // Replaces a field's value with `text`, typed key by key as a reader would.
    type: async (selector, text, host = '#colloquy') => {
      await s.waitFor(selector, undefined, { host });
      await tab.fill(selector, host, text);
    },
    click: async (selector, host = '#colloquy') => {
      await s.waitFor(selector, undefined, { host });
      await tab.press(selector, host);
    },
    // What probe.js recorded on the page on show: {errors, warnings, csp, calls}.
    problems: () => tab.run(() => window.__probe || null),
    close: () => tab.close(),
  };
  return s;
}

// ---- Chromium: playwright-core (its selectors pierce open shadow roots) ------------------------
async function chromiumTab() {
  const browser = await launchChromium();
  const page = await browser.newPage();
  const inHost = (selector, host) => page.locator(host).locator(selector).first();
  return {
    version: async () => `Chromium ${browser.version()}`,
    goto: (url) => page.goto(url),
    reload: () => page.reload(),
    run: (fn, arg) => page.evaluate(fn, arg),
    fill: (selector, host, text) => inHost(selector, host).fill(text),
    press: (selector, host) => inHost(selector, host).click(),
    close: () => browser.close(),
  };
}

// ---- Firefox: puppeteer-core over WebDriver BiDi --------------------------------------------
async function firefoxTab() {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
    headless: true,
    protocolTimeout: ENGINE_WAIT * 2,
    // The machine's network is closed: no update checks, telemetry or remote settings at start.
    extraPrefsFirefox: {
      'app.update.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false, 'services.settings.server': 'http://127.0.0.1:9/',
      'network.captive-portal-service.enabled': false,
    },
  });
  const [page] = await browser.pages();
  const element = async (selector, host) => {
    const handle = await page.evaluateHandle((selector, host) => document.querySelector(host)?.shadowRoot?.querySelector(selector), selector, host);
    const el = handle.asElement();
    assert.ok(el, `nothing matches ${selector} in firefox`);
    return el;
  };
  return {
    version: () => browser.version(),
    goto: (url) => page.goto(url),
    reload: () => page.reload(),
    run: (fn, arg) => page.evaluate(fn, arg),
    fill: async (selector, host, text) => {
      const el = await element(selector, host);
      await el.evaluate((e) => { e.value = ''; });
      await el.type(text);
    },
    press: async (selector, host) => (await element(selector, host)).click(),
    close: () => browser.close(),
  };
}

// ---- WebKit: selenium-webdriver and WebKitWebDriver, MiniBrowser under Xvfb -----------------
// MiniBrowser of libwebkit2gtk-4.1 (webkit2gtk-driver depends on it), in the multiarch folder.
function miniBrowser() {
  if (process.env.MINIBROWSER) return process.env.MINIBROWSER;
  for (const arch of readdirSync('/usr/lib')) {
    const candidate = `/usr/lib/${arch}/webkit2gtk-4.1/MiniBrowser`;
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('MiniBrowser not found: apt-get install --no-install-recommends webkit2gtk-driver xvfb');
}

async function webkitTab() {
  const { Builder, By } = await import('selenium-webdriver');
  const port = await freePort();
  // xvfb-run gives the driver (and the MiniBrowser it starts) a display of its own; the whole
  // process group is ended on close.
  const driverProcess = spawn('xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', 'WebKitWebDriver', `--port=${port}`],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  driverProcess.stderr.on('data', (d) => { log = (log + d).slice(-4000); });
  const stopDriver = () => { try { process.kill(-driverProcess.pid, 'SIGTERM'); } catch { /* already gone */ } };
  const server = `http://127.0.0.1:${port}`;
  let driver;
  try {
    await eventually(async () => {
      assert.equal(driverProcess.exitCode, null, `WebKitWebDriver exited: ${log}`);
      const status = await (await fetch(`${server}/status`)).json();
      assert.ok(status.value.ready, 'WebKitWebDriver not ready');
    }, { timeout: ENGINE_WAIT, interval: 200 });
    driver = await new Builder().usingServer(server).withCapabilities({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: miniBrowser(), args: ['--automation'] },
    }).build();
    await driver.manage().setTimeouts({ script: ENGINE_WAIT, pageLoad: ENGINE_WAIT });
  } catch (e) {
    stopDriver();
    throw e;
  }
  // A shadow root's element, scrolled to the middle of the window: a click below the fold can be
  // intercepted (ElementClickInterceptedError).
  const element = async (selector, host) => {
    const root = await driver.findElement(By.css(host)).getShadowRoot();
    const el = await root.findElement(By.css(selector));
    await driver.executeScript('arguments[0].scrollIntoView({block: "center"})', el);
    return el;
  };
  return {
    version: async () => `WebKitGTK ${(await driver.getCapabilities()).get('browserVersion')}`,
    goto: (url) => driver.get(url),
    reload: () => driver.navigate().refresh(),
    // Execute Script awaits a returned promise, as the other two drivers do.
    run: (fn, arg) => driver.executeScript(`return (${fn})(arguments[0]);`, arg),
    fill: async (selector, host, text) => {
      const el = await element(selector, host);
      await el.clear();
      if (text) await el.sendKeys(text); // (WebKitWebDriver refuses empty keys)
    },
    press: async (selector, host) => (await element(selector, host)).click(),
    close: async () => {
      try { await driver.quit(); } finally { stopDriver(); }
    },
  };
}
