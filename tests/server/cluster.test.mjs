// Several `colloquy serve` processes on one PostgreSQL database behind a real nginx running
// examples/nginx/colloquy.conf with an upstream of all of them. Counts are asserted exactly;
// throughput (posts/s, GET req/s with 1, 2 and 3 processes) is printed, never asserted.
//
// Needs the test run's PostgreSQL cluster (tests/server/pg_cluster.sh: ctest's
// server_cluster_pg entry starts it), or by hand:
//   tests/server/pg_cluster.sh run -- node --test tests/server/cluster.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { colloquyConf, freePort, nginxAvailable, repo, startColloquy, startNginx } from '../../examples/nginx/nginx.mjs';

function clusterUrl() {
  if (process.env.COLLOQUY_TEST_PG) return process.env.COLLOQUY_TEST_PG;
  const state = process.env.COLLOQUY_TEST_PG_STATE;
  if (!state) return null;
  const m = /^url=(.*)$/m.exec(fs.readFileSync(state, 'utf8'));
  return m && m[1];
}
const base = clusterUrl();

let serial = 0;
const databases = [];
function psql(url, sql) {
  const r = spawnSync('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql ${sql}: ${r.stderr}`);
  return r.stdout.trim();
}
function newDatabase() {
  const name = `colloquy_cluster_${process.pid}_${++serial}`;
  psql(base + 'postgres', `CREATE DATABASE ${name}`);
  databases.push(name);
  return base + name;
}

// A site folder and a widget folder for the config's locations (the widget is not used here).
const site = path.join(repo, 'examples/seed');
const widget = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-cluster-widget-'));

// `count` servers on `db` and nginx in front of all of them.
async function cluster(db, count, extra = []) {
  const servers = [];
  for (let i = 0; i < count; ++i)
    servers.push(await startColloquy(['--db', db, '--trust-proxy', '--root', site, ...extra]));
  const port = await freePort();
  const nginx = await startNginx(colloquyConf({ port, site, widget, upstream: servers.map((s) => `127.0.0.1:${s.port}`) }),
    { port, workers: 2 });
  return {
    servers, nginx,
    async stop() { await nginx.stop(); await Promise.all(servers.map((s) => s.stop())); },
  };
}

function body(thread, text, clientId, parent = null) {
  return JSON.stringify({ thread, parent, author: { name: 'Load', location: 'Cluster' }, text, clientId });
}

async function post(url, thread, text, clientId) {
  const r = await fetch(url + '/api/comments', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body(thread, text, clientId),
  });
  const answer = await r.json().catch(() => ({}));
  return { status: r.status, answer };
}

// 1,000 posts from 20 clients, every tenth a retry of the client's own earlier clientId and
// every tenth (offset) a clientId all clients share. A post without an answer, a 502 or a 503
// is sent again under the same clientId (as the widget's outbox does), up to 50 times.
// Resolves to the clientIds acknowledged (201 or 200) with the id each got, and the time taken.
async function postLoad(url, { onAcknowledged = () => {} } = {}) {
  const clients = 20, each = 50;
  const acknowledged = new Map();
  let retries = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: clients }, async (_, k) => {
    for (let i = 0; i < each; ++i) {
      const shared = i % 10 === 4;
      const cid = i % 10 === 9 ? `load-${k}-${i - 5}` : shared ? `shared-${Math.floor(i / 10)}` : `load-${k}-${i}`;
      const thread = shared ? '/cluster/shared' : `/cluster/${(k + i) % 5}`;
      const text = shared ? 'the same post from every client' : `post ${cid}`;
      for (let attempt = 0; ; ++attempt) {
        let r;
        try { r = await post(url, thread, text, cid); } catch { r = { status: 0 }; }
        if (r.status === 201 || r.status === 200) {
          const before = acknowledged.get(cid);
          if (before) assert.equal(r.answer.id, before, `${cid} answered with two ids`);
          acknowledged.set(cid, r.answer.id);
          onAcknowledged(acknowledged.size);
          break;
        }
        assert.ok([0, 502, 503].includes(r.status), `${cid}: unexpected ${r.status} ${JSON.stringify(r.answer)}`);
        assert.ok(attempt < 50, `${cid}: no answer after 50 attempts`);
        ++retries;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { acknowledged, seconds, posts: clients * each, retries };
}

// User and system CPU time of a process so far, in clock ticks (/proc/PID/stat).
function cpuTicks(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function getLoad(url, thread, total = 2000) {
  const clients = 20;
  let ok = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = 0; i < total / clients; ++i) {
      const r = await fetch(url + '/api/comments?thread=' + encodeURIComponent(thread), { headers: { 'Accept-Encoding': 'gzip' } });
      await r.arrayBuffer();
      if (r.status === 200) ++ok;
    }
  }));
  return { ok, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

// Every acknowledged clientId is stored exactly once, and nothing else was stored.
function assertStoredOnce(db, acknowledged) {
  const rows = psql(db, "SELECT client_id || ' ' || id FROM comments WHERE client_id IS NOT NULL").split('\n').filter(Boolean);
  const stored = new Map(rows.map((r) => r.split(' ')));
  assert.equal(rows.length, stored.size, 'a clientId stored twice');
  for (const [cid, id] of acknowledged) assert.equal(stored.get(cid), id, `${cid}: acknowledged as ${id}, stored as ${stored.get(cid)}`);
  return rows.length;
}

const skip = !base ? 'no PostgreSQL cluster (run under tests/server/pg_cluster.sh)'
  : !nginxAvailable() ? 'nginx not installed' : false;

test('1, 2 and 3 processes behind nginx: one comment per clientId; posts/s and GET req/s', { skip }, async () => {
  const figures = [];
  for (const count of [1, 2, 3]) {
    const db = newDatabase();
    const c = await cluster(db, count, ['--rate-limit', '0']);
    try {
      for (const s of c.servers) s.ticksBefore = cpuTicks(s.pid);
      const load = await postLoad(c.nginx.url);
      const stored = assertStoredOnce(db, load.acknowledged);
      // 20 clients × 50 posts: 45 clientIds of their own each (5 repeats), 5 shared by all.
      assert.equal(load.acknowledged.size, 20 * 45 + 5);
      assert.equal(stored, 20 * 45 + 5);
      const reads = await getLoad(c.nginx.url, '/cluster/0');
      assert.equal(reads.ok, 2000);
      // Every process took part: each spent CPU time on the load.
      for (const s of c.servers) assert.ok(cpuTicks(s.pid) - s.ticksBefore > 0, `process ${s.pid} served nothing`);
      figures.push({ count, posts: load.posts / load.seconds, gets: reads.ok / reads.seconds });
    } finally {
      await c.stop();
    }
  }
  for (const f of figures)
    console.log(`cluster: ${f.count} process${f.count > 1 ? 'es' : ''}: ${f.posts.toFixed(0)} posts/s, ${f.gets.toFixed(0)} GET req/s (1,000 posts and 2,000 GETs from 20 clients through nginx)`);
});

test('kill -9 of one of three processes mid-run loses nothing acknowledged', { skip }, async () => {
  const db = newDatabase();
  const c = await cluster(db, 3, ['--rate-limit', '0']);
  try {
    let killed = false;
    const victim = c.servers[1];
    const load = await postLoad(c.nginx.url, {
      onAcknowledged(n) {
        if (!killed && n >= 300) {
          killed = true;
          process.kill(victim.pid, 'SIGKILL');
        }
      },
    });
    assert.ok(killed);
    assert.equal(load.acknowledged.size, 20 * 45 + 5);
    assert.equal(assertStoredOnce(db, load.acknowledged), 20 * 45 + 5);
    console.log(`cluster: kill -9 of one process after 300 acknowledged posts: ${load.acknowledged.size} acknowledged, all stored once; ${load.retries} posts sent again after a 502 or no answer`);
  } finally {
    await c.stop();
  }
});

test('rate limits and cached answers hold across processes', { skip }, async () => {
  const db = newDatabase();
  const c = await cluster(db, 3, ['--rate-limit', '3', '--admin-token', 'cluster-token']);
  try {
    // One client address (nginx's X-Forwarded-For), requests spread over three processes: the
    // bucket in the database lets exactly 3 through, not 3 per process.
    const answers = [];
    for (let i = 0; i < 9; ++i) answers.push((await post(c.nginx.url, '/limits', `post ${i}`, `limit-${i}`)).status);
    assert.deepEqual(answers.filter((s) => s === 201).length, 3, answers.join(' '));
    assert.deepEqual(answers.filter((s) => s === 429).length, 6, answers.join(' '));
    // A cached answer of one process sees a post made through another.
    const [a, b] = c.servers;
    const first = await fetch(a.url + '/api/comments?thread=/limits');
    const etag = first.headers.get('etag');
    assert.equal((await first.json()).comments.length, 3);
    const r = await fetch(b.url + '/api/comments', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '192.0.2.7' },
      body: body('/limits', 'through process B', 'limit-b'),
    });
    assert.equal(r.status, 201);
    const again = await fetch(a.url + '/api/comments?thread=/limits', { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 200);
    assert.equal((await again.json()).comments.length, 4);
    // The moderation page and its API through nginx; a delete through one process is seen by all.
    const page = await fetch(c.nginx.url + '/admin');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; frame-ancestors 'none'/);
    assert.match(await page.text(), /<script src="\/admin\/admin.js" defer><\/script>/);
    const removed = await fetch(c.nginx.url + '/api/admin/moderate', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer cluster-token' },
      body: JSON.stringify({ thread: '/limits', id: (await r.json()).id, action: 'delete' }),
    });
    assert.equal(removed.status, 200);
    for (const s of c.servers) {
      const seen = await (await fetch(s.url + '/api/comments?thread=/limits')).json();
      assert.equal(seen.comments.filter((m) => m.status === 'published').length, 3, `process ${s.port}`);
    }
  } finally {
    await c.stop();
  }
});

test.after(() => {
  fs.rmSync(widget, { recursive: true, force: true });
  for (const name of databases) {
    try { psql(base + 'postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch { /* the cluster goes anyway */ }
  }
});
