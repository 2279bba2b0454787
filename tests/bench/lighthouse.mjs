// Lighthouse (npm, pinned; its default config: the mobile preset with simulated throttling) on
// the seed page served by `colloquy serve`, with the widget and without it (the same page less
// its mount point and script tag), run after run in turn; a fresh Chromium per run.
import fs from 'node:fs';
import path from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { startServer, repo } from '../browser/support.mjs';
import { median } from './stats.mjs';

const SEED = path.join(repo, 'examples/seed');
const WIDGET = /\s*<!-- Colloquy:[^>]*-->\s*<div id="colloquy"><\/div>\s*<script src="\/colloquy\/colloquy\.js"[^>]*><\/script>/;

// The seed page without the widget, in a folder of its own under build/bench/.
function bareSeedRoot() {
  const dir = path.join(repo, 'build/bench/seed-bare');
  fs.mkdirSync(dir, { recursive: true });
  const html = fs.readFileSync(path.join(SEED, 'index.html'), 'utf8');
  if (!WIDGET.test(html)) throw new Error('examples/seed/index.html: the widget\'s mount point and script tag were not found');
  fs.writeFileSync(path.join(dir, 'index.html'), html.replace(WIDGET, ''));
  fs.copyFileSync(path.join(SEED, 'page.css'), path.join(dir, 'page.css'));
  return dir;
}

async function audit(url) {
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM || '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const { lhr } = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
    if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    const value = (id) => lhr.audits[id].numericValue;
    // Proof that the page Lighthouse saw is the one meant: the widget's module was fetched, or not.
    const requests = lhr.audits['network-requests'].details.items.map((i) => new URL(i.url).pathname);
    return {
      widgetLoaded: requests.includes('/colloquy/colloquy.wasm'), requests: requests.length, bytes: value('total-byte-weight'),
      version: lhr.lighthouseVersion, score: Math.round(lhr.categories.performance.score * 100),
      fcp: value('first-contentful-paint'), lcp: value('largest-contentful-paint'), tbt: value('total-blocking-time'),
      cls: value('cumulative-layout-shift'), si: value('speed-index'),
      formFactor: lhr.configSettings.formFactor, throttling: lhr.configSettings.throttlingMethod,
    };
  } finally {
    await chrome.kill();
  }
}

export async function lighthouseSeedPage(runs) {
  const variants = [
    { label: 'seed page with the widget', widget: true, server: await startServer() },
    { label: 'seed page without the widget', widget: false, server: await startServer(['--root', bareSeedRoot()]) },
  ];
  try {
    for (const v of variants) v.runs = [];
    for (let i = 0; i < runs; i++) {
      for (const v of variants) {
        const r = await audit(v.server.url + '/');
        if (r.widgetLoaded !== v.widget) throw new Error(`Lighthouse on the ${v.label}: the widget was ${r.widgetLoaded ? '' : 'not '}loaded`);
        v.runs.push(r);
        process.stderr.write(`lighthouse ${v.label} run ${i + 1}/${runs}: ${r.score}\n`);
      }
    }
  } finally {
    for (const v of variants) await v.server.stop();
  }
  return {
    version: variants[0].runs[0].version,
    variants: variants.map(({ label, widget, runs: list }) => ({
      label, widget, runs: list,
      median: Object.fromEntries(['score', 'fcp', 'lcp', 'tbt', 'cls', 'si', 'bytes'].map((k) => [k, median(list.map((r) => r[k]))])),
    })),
  };
}
