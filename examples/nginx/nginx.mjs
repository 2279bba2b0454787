// Runs Debian's nginx (/usr/sbin/nginx) as an unprivileged, throw-away instance: its own
// prefix in a temporary folder (nginx.conf, pid file, error log and every temp path inside it),
// listening on 127.0.0.1 only, stopped by its pid. No system service, nothing under /etc or /var.
//
// Used by tests/browser/nginx.test.mjs (examples/nginx/colloquy.conf in front of `colloquy serve`)
// and tests/bench/serve.mjs (nginx serving a static file, the benchmark's yardstick). Also a
// command to try the example config by hand, in front of a server already running:
//
//   build/native/examples/colloquy serve --port 8080 --trust-proxy --db /tmp/c.db \
//       --root examples/seed --widget build/wasm/widget &
//   node examples/nginx/nginx.mjs [--port 8081] [--upstream 127.0.0.1:8080[,127.0.0.1:8082…]]
//   # then open http://127.0.0.1:8081/ ; Ctrl-C stops nginx and removes its folder
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NGINX = process.env.NGINX || '/usr/sbin/nginx';
export const MIME_TYPES = '/etc/nginx/mime.types';
export const BROTLI_STATIC_MODULE = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so';
export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const exampleConf = path.join(repo, 'examples/nginx/colloquy.conf');

export const nginxAvailable = () => fs.existsSync(NGINX);
export const brotliStaticAvailable = () => fs.existsSync(BROTLI_STATIC_MODULE);

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

// examples/nginx/colloquy.conf with its marked values replaced. Every placeholder must be found
// exactly where the file says it is: a renamed one fails here, not as a puzzling test failure.
export function colloquyConf({ port, site, widget, upstream, brotli = brotliStaticAvailable() }) {
  let text = fs.readFileSync(exampleConf, 'utf8');
  // Directives only: a line that starts with `from` (comments may mention the same words).
  const swap = (from, to) => {
    const re = new RegExp('^(\\s*)' + from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gm');
    const n = (text.match(re) || []).length;
    if (n !== 1) throw new Error(`${exampleConf}: expected the directive "${from}" once, found it ${n} times`);
    text = text.replace(re, (_, indent) => indent + to);
  };
  swap('listen 80;', `listen 127.0.0.1:${port};`);
  swap('root /srv/colloquy/site;', `root ${site};`);
  swap('alias /srv/colloquy/widget/;', `alias ${widget.replace(/\/?$/, '/')};`);
  // One address or several (an upstream of several `colloquy serve` processes).
  const servers = [].concat(upstream);
  swap('server 127.0.0.1:8080', servers.map((u, i) => `${i ? '    ' : ''}server ${u}`).join(' max_fails=1 fail_timeout=5s;\n'));
  // The operator's instruction for an nginx without the brotli static module, applied.
  if (!brotli) swap('brotli_static on;', '# brotli_static on; (module not installed)');
  return text;
}

// The pids of a process's direct children (nginx's workers), from /proc.
function childrenOf(pid) {
  const out = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch { /* gone meanwhile */ }
  }
  return out;
}

// VmRSS of a process in KiB (0 once it is gone).
export function rssKiB(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}

// Resolves once something accepts TCP connections on 127.0.0.1:port; rejects when `failed()`
// returns a reason or `ms` pass.
export function waitForPort(port, { ms = 10000, failed = () => null } = {}) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const why = failed();
      if (why) return reject(new Error(why));
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(); });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

// Starts nginx with `httpConf` (text for the http { } context: servers, upstreams, maps) on a
// temporary prefix. `workers`: worker_processes. Resolves once `port` accepts connections.
export async function startNginx(httpConf, { port, workers = 1, accessLog = false } = {}) {
  if (!nginxAvailable()) throw new Error(`${NGINX} not found (apt-get install nginx-light)`);
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-nginx-'));
  // Run as root, nginx's workers drop to `user`: they must be able to enter the prefix.
  fs.chmodSync(prefix, 0o755);
  const p = (name) => path.join(prefix, name);
  fs.writeFileSync(p('http.conf'), httpConf);
  const main = [
    '# Generated by examples/nginx/nginx.mjs: a throw-away nginx, everything under this folder.',
    `pid ${p('nginx.pid')};`,
    `error_log ${p('error.log')} warn;`,
    `worker_processes ${workers};`,
    process.getuid?.() === 0 ? 'user nobody nogroup;' : '',
    /brotli_static\s+on/.test(httpConf.replace(/#.*$/gm, '')) ? `load_module ${BROTLI_STATIC_MODULE};` : '',
    'events { worker_connections 1024; }',
    'http {',
    `    include ${MIME_TYPES};`,
    '    default_type application/octet-stream;',
    '    sendfile on;',
    '    tcp_nopush on;',
    accessLog ? `    access_log ${p('access.log')};` : '    access_log off;',
    `    client_body_temp_path ${p('client_body')};`,
    `    proxy_temp_path ${p('proxy')};`,
    `    fastcgi_temp_path ${p('fastcgi')};`,
    `    uwsgi_temp_path ${p('uwsgi')};`,
    `    scgi_temp_path ${p('scgi')};`,
    `    include ${p('http.conf')};`,
    '}',
    '',
  ].filter((l) => l !== '').join('\n') + '\n';
  fs.writeFileSync(p('nginx.conf'), main);
  const child = spawn(NGINX, ['-p', prefix + '/', '-c', p('nginx.conf'), '-e', p('error.log'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exited = null;
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const errorLog = () => { try { return fs.readFileSync(p('error.log'), 'utf8'); } catch { return ''; } };
  const stop = async () => {
    if (!exited) {
      await new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); });
    }
    fs.rmSync(prefix, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, {
      failed: () => exited && `nginx exited (${exited.code ?? exited.signal}) on start:\n${output}${errorLog()}`,
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    prefix,
    pid: child.pid,
    // Master and workers (the RSS of an nginx is their sum).
    pids: () => [child.pid, ...childrenOf(child.pid)],
    rssKiB() { return this.pids().reduce((sum, pid) => sum + rssKiB(pid), 0); },
    errorLog,
    stop,
  };
}

// Starts `colloquy serve --port 0 ...` and resolves once it prints its URL (the first stdout
// line that holds one; a seeded database prints an import line before it).
export async function startColloquy(args, { binary = path.join(process.env.COLLOQUY_NATIVE_BUILD || path.join(repo, 'build/native'), 'examples/colloquy') } = {}) {
  const child = spawn(binary, ['serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('colloquy serve did not start:\n' + log)), 30000);
    child.stdout.on('data', (d) => {
      log += d;
      const m = /http:\/\/[^\s/]+:(\d+)\//.exec(log);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.stderr.on('data', (d) => { log += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`colloquy serve exited ${code}:\n${log}`)); });
  });
  child.removeAllListeners('exit');
  let exited = false;
  child.on('exit', () => { exited = true; });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    log: () => log,
    rssKiB: () => rssKiB(child.pid),
    stop: () => exited ? Promise.resolve() : new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); }),
  };
}

// The command: nginx with the example config in front of a running server, until Ctrl-C.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opt = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const port = Number(opt('--port', 8081));
  const nginx = await startNginx(colloquyConf({
    port,
    site: path.resolve(opt('--site', path.join(repo, 'examples/seed'))),
    widget: path.resolve(opt('--widget', path.join(repo, 'build/wasm/widget'))),
    upstream: opt('--upstream', '127.0.0.1:8080').split(','),
  }), { port, accessLog: true });
  console.log(`nginx (${nginx.prefix}) serves ${nginx.url}/ in front of ${opt('--upstream', '127.0.0.1:8080')}; Ctrl-C stops it`);
  const quit = async () => { await nginx.stop(); process.exit(0); };
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
}
