// Runs the wasm doctest suite on a page in one engine (chromium, firefox or webkit, through
// driver.mjs): serves the page's folder over HTTP, opens it, waits for the suite to exit, prints
// its output and exits with its status.
//   node tests/engines/run-doctest.mjs ENGINE path/to/doctest.html [doctest args...]
import path from 'node:path';
import { startSession, ENGINES } from './driver.mjs';
import { serveFolder } from './site.mjs';
import { eventually } from '../browser/support.mjs';

const [engine, page, ...args] = process.argv.slice(2);
if (!ENGINES.includes(engine) || !page) {
  console.error(`usage: run-doctest.mjs ${ENGINES.join('|')} <path/to/doctest.html> [doctest args...]`);
  process.exit(2);
}
// The whole suite in the slowest engine on a busy machine takes minutes, not tens of minutes.
const SUITE_TIMEOUT = Number(process.env.COLLOQUY_DOCTEST_TIMEOUT_MS) || 900000;

const server = await serveFolder(path.dirname(page));
let status = 1;
let session;
try {
  session = await startSession(engine);
  const query = args.map((a) => 'arg=' + encodeURIComponent(a)).join('&');
  const started = Date.now();
  await session.open(`${server.url}/${path.basename(page)}${query ? '?' + query : ''}`);
  const result = await eventually(async () => {
    const r = await session.evaluate(() => window.doctestResult || null);
    if (!r) throw new Error('the suite has not exited');
    return r;
  }, { timeout: SUITE_TIMEOUT, interval: 500 });
  console.log(`[${engine}] ${await session.version()}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(result.output);
  status = result.exitCode;
} catch (e) {
  console.error(`doctest in ${engine} did not finish: ${e.message}`);
} finally {
  await session?.close().catch(() => {});
  await server.stop();
}
process.exit(status);
