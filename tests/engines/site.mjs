// The blog the cross-engine tests open: a real `colloquy serve` (support.mjs' startServer) behind
// a small HTTP front that serves it to the browser unchanged, except that
// - every HTML page gets probe.js as its first script (errors collected inside the page),
// - a test can add pages of its own (`page`), under a CSP of its choosing, and
// - a test can answer or fail chosen requests itself (`intercept`): a scripted comments
//   document, a 503, a POST that never gets an answer, a dropped connection.
// The front is engine-neutral where Playwright's page.route is not: the three drivers see the
// same HTTP.
import http from 'node:http';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startServer } from '../browser/support.mjs';

const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const PROBE_PATH = '/__probe.js';
const probe = readFileSync(new URL('./probe.js', import.meta.url));

// A page of the blog: the seed page's widget script tag with `attributes` (data-*), no more.
export function blogPage({ lang = 'en', attributes = '', body = '' } = {}) {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Colloquy</title></head><body>
<h1>A blog post</h1>${body}<div id="colloquy"></div>
<script src="/colloquy/colloquy.js" defer ${attributes}></script></body></html>`;
}

function withProbe(html) {
  return html.replace(/<head[^>]*>/i, (head) => `${head}<script src="${PROBE_PATH}"></script>`);
}

// Starts `colloquy serve` with `extra` arguments and the front before it.
async function startSite(extra = []) {
  const upstream = await startServer(extra);
  const target = new URL(upstream.url);
  const pages = new Map();
  const interceptors = [];
  const agent = new http.Agent({ keepAlive: false });

  function answer(res, { status = 200, type = 'application/json', body = '', headers = {} }) {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
    res.end(body);
  }

  function proxy(req, res, url) {
    const headers = { ...req.headers };
    // HTML is rewritten here: ask for it uncompressed. Everything else passes as the server sent it.
    const html = url.pathname.endsWith('/') || url.pathname.endsWith('.html');
    if (html) headers['accept-encoding'] = 'identity';
    const forward = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (up) => {
      if (!html || !String(up.headers['content-type']).startsWith('text/html')) {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
        return;
      }
      const chunks = [];
      up.on('data', (c) => chunks.push(c));
      up.on('end', () => {
        const { 'content-length': _length, etag: _etag, ...rest } = up.headers;
        res.writeHead(up.statusCode, rest);
        res.end(withProbe(Buffer.concat(chunks).toString('utf8')));
      });
    });
    forward.on('error', () => { if (!res.headersSent) answer(res, { status: 502, type: 'text/plain', body: 'upstream down' }); else res.destroy(); });
    req.pipe(forward);
  }

  const front = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://front');
    if (url.pathname === PROBE_PATH) return answer(res, { type: 'text/javascript', body: probe });
    const page = pages.get(url.pathname);
    if (page) {
      const headers = page.csp ? { 'Content-Security-Policy': page.csp } : {};
      return answer(res, { type: 'text/html; charset=utf-8', body: withProbe(page.html), headers });
    }
    for (const intercept of interceptors) {
      const verdict = await intercept(req, url);
      if (verdict === 'hang') return undefined; // never answered: the page's own timeout must act
      if (verdict === 'offline') return req.socket.destroy(); // the connection drops: a network error
      if (verdict) return answer(res, verdict);
    }
    return proxy(req, res, url);
  });
  await new Promise((resolve) => front.listen(0, '127.0.0.1', resolve));
  front.keepAliveTimeout = 1000;

  return {
    url: `http://127.0.0.1:${front.address().port}`,
    upstream: upstream.url,
    // Serves `html` at `path` (with probe.js), under `csp` (the seed page's policy by default).
    page(path, html, { csp = STRICT_CSP } = {}) { pages.set(path, { html, csp }); },
    // `fn(req, url)` answers a request: undefined (pass it on to the server), an answer
    // {status, type, body, headers}, 'hang' or 'offline'. The first that answers wins.
    intercept(fn) { interceptors.push(fn); },
    async stop() {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
      await upstream.stop();
    },
  };
}

// Runs `fn(site)` against a fresh site; the tab is sent to a blank page first, so no connection
// of the page holds the servers open.
export async function withSite(session, extra, fn) {
  const site = await startSite(extra);
  try {
    return await fn(site);
  } finally {
    await session.open('about:blank').catch(() => {});
    await site.stop();
  }
}

// Serves the files of `dir` over HTTP on a free loopback port (wasm as application/wasm, which
// streaming compilation needs); answers {url, requests (each asked path, its status, when it was
// asked and when sent in full), stop}.
export async function serveFolder(dir) {
  const root = path.resolve(dir);
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.data': 'application/octet-stream' };
  const requests = []; // what was asked and how it ended, for a runner's report
  const server = http.createServer((req, res) => {
    const file = path.join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const entry = { at: Date.now(), request: `${req.method} ${req.url}`, status: 404, ended: null };
    requests.push(entry);
    res.on('finish', () => { entry.ended = Date.now(); });
    const stat = file.startsWith(root + path.sep) && existsSync(file) ? statSync(file) : null;
    if (!stat || !stat.isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    entry.status = 200;
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream',
      'Content-Length': stat.size });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    stop: () => { server.closeAllConnections(); return new Promise((resolve) => server.close(resolve)); },
  };
}
