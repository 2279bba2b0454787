// Runs the wasm doctest suite on a page in one engine (chromium, firefox or webkit, through
// driver.mjs): serves the page's folder over HTTP, opens it, waits for the suite to exit, prints
// its output and exits with its status.
//   node tests/engines/run-doctest.mjs ENGINE path/to/doctest.html [doctest args...]
//
// A page that never starts the suite (its packaged files or its module still not fetched and
// compiled after LOAD_TIMEOUT) is opened once more, and the runner says so: that is the browser's
// loading, not the suite. A suite that starts and does not exit fails, with what the page did.
import path from 'node:path';
import { startSession, ENGINES } from './driver.mjs';
import { serveFolder } from './site.mjs';

const [engine, page, ...args] = process.argv.slice(2);
if (!ENGINES.includes(engine) || !page) {
  console.error(`usage: run-doctest.mjs ${ENGINES.join('|')} <path/to/doctest.html> [doctest args...]`);
  process.exit(2);
}
// The whole suite in the slowest engine on a busy machine takes minutes, not tens of minutes.
const SUITE_TIMEOUT = Number(process.env.COLLOQUY_DOCTEST_TIMEOUT_MS) || 900000;
// Fetching 9 MB from loopback and compiling 3 MB of wasm takes seconds.
const LOAD_TIMEOUT = Number(process.env.COLLOQUY_DOCTEST_LOAD_TIMEOUT_MS) || 180000;
const OPENINGS = 2;

const server = await serveFolder(path.dirname(page));
const url = `${server.url}/${path.basename(page)}${args.length ? '?' + args.map((a) => 'arg=' + encodeURIComponent(a)).join('&') : ''}`;
const started = Date.now();
let status = 1;
let session;
try {
  session = await startSession(engine);
  const result = await run();
  console.log(`[${engine}] ${await session.version()}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(result.output);
  status = result.exitCode;
} catch (e) {
  console.error(`doctest in ${engine} did not finish: ${e.message}`);
  await report();
} finally {
  await session?.close().catch(() => {});
  await server.stop();
}
process.exit(status);

// Opens the page and polls it until the suite has exited. While the suite runs the page does not
// answer (it runs synchronously): a poll that times out is waited past.
async function run() {
  for (let opening = 1; ; opening++) {
    const opened = Date.now();
    await session.open(url);
    for (;;) {
      const state = await session.evaluate(() => ({
        result: window.doctestResult || null,
        phase: window.doctestPhase ? window.doctestPhase.phase : 'no page state',
      })).catch(() => null);
      if (state?.result) return state.result;
      if (Date.now() - started > SUITE_TIMEOUT) {
        throw new Error(`the suite has not exited after ${SUITE_TIMEOUT} ms (page: ${state?.phase ?? 'not answering'})`);
      }
      if (state && state.phase !== 'running' && Date.now() - opened > LOAD_TIMEOUT) {
        if (opening >= OPENINGS) throw new Error(`the page never started the suite, ${OPENINGS} times (${state.phase})`);
        console.error(`doctest in ${engine}: the page had not started the suite after ${LOAD_TIMEOUT} ms (${state.phase}); opening it again`);
        await report();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

// What the page had done: the requests it made, how far it got and the suite's output so far.
async function report() {
  const first = server.requests[0]?.at ?? started;
  for (const r of server.requests) {
    const at = (t) => `+${((t - first) / 1000).toFixed(1)} s`;
    console.error(`  ${at(r.at)} ${r.request} -> ${r.status}, ${r.ended ? 'sent in full at ' + at(r.ended) : 'unfinished'}`);
  }
  const state = await session?.evaluate(() => ({
    location: location.href,
    readyState: document.readyState,
    phase: window.doctestPhase || null,
    output: (document.getElementById('out')?.textContent || '').slice(-4000),
  })).catch((e) => ({ error: e.message }));
  console.error('  page:', JSON.stringify(state, null, 1));
}
