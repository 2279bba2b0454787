// What the browser's HTML parser costs for the core's markup, part by part. The widget (built in
// build/wasm/widget/) shows a generated thread on the page widgets.mjs serves; the markup of its
// slices is taken from that page and parsed again in a fresh page the way the loader parses the
// rest of a thread (each slice by insertAdjacentHTML into an element outside the page): as it
// is, and with one part of every comment left out. Variants alternate within each round; the
// figures are medians. Prints figures, asserts nothing.
//
//   tests/setup.sh && nice -n 5 node tests/bench/parse.mjs [comments] [rounds]   (default 1000 15)
import fs from 'node:fs';
import path from 'node:path';
import { generateDocument } from './generate.mjs';
import { SYSTEMS } from './systems.mjs';
import { median } from './stats.mjs';
import { launch, build } from '../browser/support.mjs';

const [n = 1000, rounds = 15] = process.argv.slice(2).map(Number);
const widget = path.join(build.wasm, 'widget');
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

// Each variant: the markup less one part of every comment.
const VARIANTS = {
  'as rendered': (html) => html,
  'no avatar (span)': (html) => html.replace(/<span class="avatar[ "][^>]*><\/span>/g, ''),
  'no buttons (votes, reply, link)': (html) => html.replace(/<button[^>]*>[\s\S]*?<\/button>/g, ''),
  'no aria-* and data-* attributes': (html) => html.replace(/ (?:aria|data)-[\w-]+="[^"]*"/g, ''),
  'no byline and date': (html) => html.replace(/<p class="byline">[\s\S]*?<\/p>|<span class="date"[^>]*>[^<]*<\/span>/g, ''),
};

// The slices the widget rendered after its first screen, as the page holds them.
async function renderedSlices(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const thread = generateDocument(n, n);
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.startsWith('/page/')) return route.fulfill({ contentType: 'text/html', body: SYSTEMS.colloquy.page(n) });
    if (url.pathname === '/api/comments') return route.fulfill({ contentType: 'application/json', body: thread });
    const file = path.join(widget, path.basename(url.pathname));
    if (url.pathname.startsWith('/colloquy/') && fs.existsSync(file)) return route.fulfill({ contentType: TYPES[path.extname(file)], body: fs.readFileSync(file) });
    return route.fulfill({ status: 404, body: '' });
  });
  const page = await context.newPage();
  await page.goto(`http://bench.test/page/colloquy/${n}`);
  await page.waitForFunction((total) => document.querySelector('#colloquy').shadowRoot?.querySelectorAll('div.comment').length === total,
    n, { timeout: 120000 });
  const slices = await page.evaluate(() => [...document.querySelector('#colloquy').shadowRoot.querySelectorAll('.list > .slice')].map((s) => s.outerHTML));
  await context.close();
  return slices;
}

// Milliseconds to parse each variant's slices, one list per variant, `rounds` long.
function timeParsing({ variants, rounds }) {
  const times = variants.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = variants.map((_, i) => i);
    if (round % 2) order.reverse();
    for (const i of order) {
      const held = document.createElement('div');
      const start = performance.now();
      for (const slice of variants[i]) held.insertAdjacentHTML('beforeend', slice);
      times[i].push(performance.now() - start);
    }
  }
  return times;
}

const browser = await launch();
try {
  const slices = await renderedSlices(browser);
  const comments = slices.join('').split(/<div class="comment[ "]/).length - 1;
  const variants = Object.values(VARIANTS).map((drop) => slices.map(drop));
  const page = await browser.newPage();
  const times = await page.evaluate(timeParsing, { variants, rounds });
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`${comments} comments in ${slices.length} slices after the first screen, Chromium ${browser.version()}, ` +
    `medians of ${rounds} rounds, load average ${load}`);
  const whole = median(times[0]);
  Object.keys(VARIANTS).forEach((name, i) => {
    const bytes = variants[i].reduce((sum, s) => sum + s.length, 0);
    const ms = median(times[i]);
    console.log(`${name.padEnd(32)} ${(bytes / comments).toFixed(0).padStart(5)} chars/comment  ${ms.toFixed(1).padStart(6)} ms` +
      (i ? `  (${(100 * (whole - ms) / whole).toFixed(0)}% less)` : ''));
  });
} finally {
  await browser.close();
}
