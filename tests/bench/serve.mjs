// The read-path load benchmark (run it with tests/bench/serve.sh, which installs wrk first).
//
// A fresh `colloquy serve` database is seeded with one generated 1,000-comment thread
// (generate.mjs); the server's exact answer to GET /api/comments?thread=T is saved, and a real
// nginx (examples/nginx/nginx.mjs: a throw-away instance on a temporary prefix) serves those
// bytes as a static file with the same Content-Type, plus a gzip -9 copy through gzip_static.
// wrk then loads both, nginx first, then colloquy, the pair repeated --reps times; plain, then
// with Accept-Encoding: gzip. Printed: req/s, p50, p99, the ratio colloquy/nginx, and the RSS of
// each (colloquy's process; nginx's master plus workers) before the load, at its end and 5 s after.
// (nginx's sum counts the pages its processes share once per process: an upper bound.)
//
// Goal for the server: colloquy >= 0.5x nginx req/s, steady RSS <= 100 MB. Printed, not asserted.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { generateDocument } from './generate.mjs';
import { startNginx, startColloquy, freePort, repo } from '../../examples/nginx/nginx.mjs';

const opt = (name, fallback) => {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const reps = Number(opt('reps', 3));
const duration = Number(opt('duration', 10));
const connections = Number(opt('connections', 50));
const count = Number(opt('comments', 1000));
const STEADY_S = 5;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mb = (kib) => (kib / 1024).toFixed(1);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-bench-serve-'));
fs.chmodSync(scratch, 0o755); // nginx's workers (user nobody) read the answer file from here
const seedFile = path.join(scratch, 'thread.json');
const doc = generateDocument(count);
fs.writeFileSync(seedFile, doc);
const thread = JSON.parse(doc).thread;
const query = `/api/comments?thread=${encodeURIComponent(thread)}`;

// curl, headers and body apart; `encoding`: the Accept-Encoding to send.
function curl(url, file, encoding) {
  const args = ['-s', '-D', '-', '-o', file, url];
  if (encoding) args.unshift('-H', `Accept-Encoding: ${encoding}`);
  const head = execFileSync('curl', args).toString();
  const header = (name) => new RegExp(`^${name}:\\s*(.*?)\\r?$`, 'im').exec(head)?.[1];
  return { status: Number(head.split(' ')[1]), type: header('content-type'), encoding: header('content-encoding'),
    bytes: fs.statSync(file).size };
}

// wrk, its figures parsed: req/s, p50 and p99 in ms, errors; RSS sampled all along.
function wrk(url, headers, rss) {
  // --timeout: a slow answer is counted in the latencies, not dropped as a socket timeout (wrk's 2 s).
  const args = ['-t2', `-c${connections}`, `-d${duration}s`, '--latency', '--timeout', '10s'];
  for (const h of headers) args.push('-H', h);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let last = 0;
    let peak = 0;
    const timer = setInterval(() => { last = rss(); peak = Math.max(peak, last); }, 200);
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`wrk exited ${code}:\n${out}`));
      const ms = (s) => {
        const m = /([\d.]+)(us|ms|s|m)\b/.exec(s);
        return m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]] : NaN;
      };
      const pct = (p) => ms(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
      const errors = [];
      const non2xx = /Non-2xx or 3xx responses:\s*(\d+)/.exec(out);
      if (non2xx) errors.push(`${non2xx[1]} non-2xx`);
      const socket = /Socket errors:\s*(.*)/.exec(out);
      if (socket) errors.push(`socket errors: ${socket[1]}`);
      resolve({
        rps: Number(/Requests\/sec:\s*([\d.]+)/.exec(out)?.[1]),
        p50: pct(50), p99: pct(99),
        transfer: /Transfer\/sec:\s*(\S+)/.exec(out)?.[1],
        errors: errors.join(', '), rssEnd: last, rssPeak: peak, raw: out,
      });
    });
  });
}

let colloquy;
let nginx;
try {
  console.log(`# colloquy serve read path vs nginx static: ${count} comments, wrk -t2 -c${connections} -d${duration}s --latency --timeout 10s, ` +
    `${reps} rep(s), ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)} at start`);
  colloquy = await startColloquy(['--root', path.join(repo, 'examples/seed'), '--widget', path.join(repo, 'build/wasm/widget'),
    '--db', path.join(scratch, 'c.db'), '--seed', seedFile]);
  const answer = path.join(scratch, 'answer.json');
  const plain = curl(colloquy.url + query, answer);
  const parsed = JSON.parse(fs.readFileSync(answer, 'utf8'));
  if (plain.status !== 200 || parsed.comments?.length !== count) {
    throw new Error(`colloquy answered ${plain.status} with ${parsed.comments?.length} comments, not ${count}`);
  }
  fs.writeFileSync(answer + '.gz', zlib.gzipSync(fs.readFileSync(answer), { level: 9 }));
  fs.chmodSync(answer, 0o644);
  fs.chmodSync(answer + '.gz', 0o644);
  const colloquyGzip = curl(colloquy.url + query, path.join(scratch, 'colloquy-gzip.out'), 'gzip');

  // The yardstick: the same bytes, the same Content-Type, from a file (Debian's default of
  // worker_processes auto: one worker per core).
  const port = await freePort();
  nginx = await startNginx(`
server {
    listen 127.0.0.1:${port};
    location = /api/comments {
        alias ${answer};
        types { }
        default_type "${plain.type}";
        gzip_static on;
        gzip_vary on;
    }
}
`, { port, workers: 'auto' });
  const check = curl(nginx.url + query, path.join(scratch, 'nginx.out'));
  const same = fs.readFileSync(path.join(scratch, 'nginx.out')).equals(fs.readFileSync(answer));
  const nginxGzip = curl(nginx.url + query, path.join(scratch, 'nginx-gzip.out'), 'gzip');
  console.log(`# answer: ${plain.bytes} bytes, Content-Type ${plain.type}; nginx sends the same bytes: ${same ? 'yes' : 'NO'} ` +
    `(${check.type})`);
  console.log(`# with Accept-Encoding: gzip: nginx sends ${nginxGzip.bytes} bytes (${nginxGzip.encoding || 'identity'}), ` +
    `colloquy ${colloquyGzip.bytes} bytes (${colloquyGzip.encoding || 'identity'})`);
  console.log(`# nginx pids ${nginx.pids().join(' ')}, colloquy pid ${colloquy.pid}`);

  const targets = [
    { name: 'nginx', url: nginx.url + query, rss: () => nginx.rssKiB() },
    { name: 'colloquy', url: colloquy.url + query, rss: () => colloquy.rssKiB() },
  ];
  const variants = [{ name: 'identity', headers: [] }, { name: 'gzip', headers: ['Accept-Encoding: gzip'] }];
  const rows = [];
  for (const variant of variants) {
    for (let rep = 1; rep <= reps; rep++) {
      for (const t of targets) {
        const before = t.rss();
        const load = os.loadavg()[0];
        const r = await wrk(t.url, variant.headers, t.rss);
        await sleep(STEADY_S * 1000); // the RSS once the load is over
        const steady = t.rss();
        rows.push({ variant: variant.name, rep, server: t.name, ...r, before, steady, load });
        process.stderr.write(`  ${variant.name} #${rep} ${t.name}: ${r.rps} req/s${r.errors ? ' (' + r.errors + ')' : ''}\n`);
      }
    }
  }

  const pad = (s, n) => String(s).padStart(n);
  const head = ['variant', 'rep', 'server', 'req/s', 'p50 ms', 'p99 ms', 'ratio', 'RSS MB before', 'end', `+${STEADY_S}s`, 'load', 'errors'];
  const widths = [8, 3, 8, 9, 7, 8, 6, 13, 6, 6, 5, 0];
  const line = (cells) => cells.map((c, i) => (i === 0 || i === 2 ? String(c).padEnd(widths[i]) : pad(c, widths[i]))).join('  ');
  console.log('\n' + line(head));
  for (const r of rows) {
    const pairOf = rows.find((x) => x.variant === r.variant && x.rep === r.rep && x.server === 'nginx');
    const ratio = r.server === 'colloquy' ? (r.rps / pairOf.rps).toFixed(3) : '';
    console.log(line([r.variant, r.rep, r.server, r.rps.toFixed(0), r.p50.toFixed(2), r.p99.toFixed(2), ratio,
      mb(r.before), mb(r.rssEnd), mb(r.steady), r.load.toFixed(2), r.errors || '-']));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log('\nmedian over reps:');
  for (const variant of variants) {
    const of = (server, key) => median(rows.filter((r) => r.variant === variant.name && r.server === server).map((r) => r[key]));
    const ratio = of('colloquy', 'rps') / of('nginx', 'rps');
    console.log(`  ${variant.name.padEnd(8)}  nginx ${of('nginx', 'rps').toFixed(0)} req/s (p50 ${of('nginx', 'p50').toFixed(2)} ms, ` +
      `p99 ${of('nginx', 'p99').toFixed(2)} ms)   colloquy ${of('colloquy', 'rps').toFixed(0)} req/s (p50 ${of('colloquy', 'p50').toFixed(2)} ms, ` +
      `p99 ${of('colloquy', 'p99').toFixed(2)} ms)   colloquy/nginx ${ratio.toFixed(3)} ` +
      `(goal >= 0.50: ${ratio >= 0.5 ? 'met' : 'not met'})`);
  }
  const steady = rows.filter((r) => r.server === 'colloquy').at(-1).steady;
  const peak = Math.max(...rows.filter((r) => r.server === 'colloquy').map((r) => r.rssPeak));
  console.log(`  colloquy RSS: steady ${mb(steady)} MB after the last load (goal <= 100 MB: ${steady <= 100 * 1024 ? 'met' : 'not met'}), ` +
    `peak under load ${mb(peak)} MB; nginx steady ${mb(rows.filter((r) => r.server === 'nginx').at(-1).steady)} MB (master + workers)`);
} finally {
  await nginx?.stop();
  await colloquy?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
}
