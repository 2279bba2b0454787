// Runs the wasm doctest suite inside headless Chromium: serves its folder over HTTP, opens
// doctest.html, waits for the suite to exit, prints its output and exits with its status.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { launch } from './support.mjs';

const page = process.argv[2];
if (!page) { console.error('usage: run-doctest.mjs <path/to/doctest.html> [doctest args...]'); process.exit(2); }
const dir = path.dirname(path.resolve(page));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.data': 'application/octet-stream' };

const server = http.createServer((req, res) => {
  const file = path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const browser = await launch();
let status = 1;
try {
  const tab = await browser.newPage();
  const query = process.argv.slice(3).map((a) => 'arg=' + encodeURIComponent(a)).join('&');
  await tab.goto(`http://127.0.0.1:${server.address().port}/${path.basename(page)}${query ? '?' + query : ''}`);
  const handle = await tab.waitForFunction(() => window.doctestResult, null, { timeout: 600000, polling: 200 });
  const result = await handle.jsonValue();
  console.log('[chromium] ' + (await browser.version()));
  console.log(result.output);
  status = result.exitCode;
} catch (e) {
  console.error('doctest in Chromium did not finish: ' + e.message);
} finally {
  await browser.close();
  server.close();
}
process.exit(status);
