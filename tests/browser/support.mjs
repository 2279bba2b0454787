// Shared by the browser tests: headless Debian Chromium through playwright-core, and a
// `colloquy serve` on a random free port.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const build = {
  native: process.env.COLLOQUY_NATIVE_BUILD || path.join(repo, 'build/native'),
  wasm: process.env.COLLOQUY_WASM_BUILD || path.join(repo, 'build/wasm'),
};

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // The machine's network is closed: keep Chromium from dialling out at start.
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

// Starts `colloquy serve` and resolves once it prints its URL. `port`: restart a server on the
// same origin (a browser's storage is per origin).
export async function startServer(extra = [], { port: fixedPort } = {}) {
  const port = fixedPort || await freePort();
  const args = ['serve', '--port', String(port), '--root', path.join(repo, 'examples/seed'),
    '--widget', path.join(build.wasm, 'widget'),
    '--comments', path.join(repo, 'examples/seed/comments.json'), ...extra];
  // Each server gets a fresh SQLite database (seeded from comments.json) unless a test brings one.
  const scratch = extra.includes('--db') ? null : mkdtempSync(path.join(tmpdir(), 'colloquy-'));
  if (scratch) args.push('--db', path.join(scratch, 'test.db'));
  const child = spawn(path.join(build.native, 'examples/colloquy'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + log)), 10000);
    child.stdout.on('data', (d) => { log += d; if (log.includes('http://')) { clearTimeout(timer); resolve(); } });
    child.stderr.on('data', (d) => { log += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${log}`)); });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => { child.removeAllListeners('exit'); child.on('exit', resolve); child.kill('SIGTERM'); })
      .then(() => { if (scratch) rmSync(scratch, { recursive: true, force: true }); }),
  };
}

// Runs `fn(server)` against a fresh `colloquy serve`; closes the browser's pages first on the
// way out, so the server is not left waiting on their keep-alive connections.
export async function withServer(browser, extra, fn) {
  const server = await startServer(extra);
  try {
    return await fn(server);
  } finally {
    for (const context of browser.contexts()) for (const page of context.pages()) await page.close();
    await server.stop();
  }
}
