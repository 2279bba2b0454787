// Seeds the fuzz corpus: each shared real thread split into documents of a few comments,
// converted to the project's wire shapes (bare array and {thread, comments, next}, author as a
// string or an object, votes as a net integer or {up, down}, numeric and string ids).
//   node tests/fuzz/seed.mjs <shared comments dir> <corpus dir> [extra documents...]
import fs from 'node:fs';
import path from 'node:path';

const [dir, corpus, ...extra] = process.argv.slice(2);
fs.mkdirSync(corpus, { recursive: true });
let n = 0;
const write = (text) => fs.writeFileSync(path.join(corpus, `seed-${String(n++).padStart(4, '0')}.json`), text);
for (const file of extra) write(fs.readFileSync(file));
// Comments holding values nested past the depth limit (64): each is skipped alone, which both
// readers must agree on, repeated keys and all.
const deep = (n) => '['.repeat(n) + ']'.repeat(n);
write(`[{"id":"a","created":0,"text":"x","v":${deep(70)}},{"id":"b","created":0,"text":"y"}]`);
write(`{"thread":"/t","x":${deep(66)},"comments":[{"id":1,"author":{"name":{"k":${deep(64)}},"name":"n"},` +
  `"created":0,"text":${deep(65)},"text":"t"},{"id":2,"created":0,"text":"u","v":[{"k":${deep(63)},"k":1}]}]}`);
if (fs.existsSync(dir)) {
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith('.json') || name === 'MANIFEST.json') continue;
    const items = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    for (let i = 0, k = 0; i < items.length && k < 12; i += 6, k++) {
      const part = items.slice(i, i + 6).map((c, j) => ({
        id: (i + j) % 3 === 0 && /^\d+$/.test(c.id) ? Number(c.id) : c.id,
        parent: c.parent,
        author: j % 2 ? { name: c.author, location: 'Somewhere, Earth', url: c.author_url || undefined } : c.author,
        created: j % 4 === 3 ? Date.parse(c.created) / 1000 : c.created,
        text: c.text.slice(0, 400),
        votes: typeof c.votes === 'number' ? (j % 2 ? { up: Math.max(c.votes, 0), down: j } : c.votes) : undefined,
        status: c.deleted || c.isDeleted === 'true' ? 'deleted' : c.approved === '0' ? 'pending' : undefined,
      }));
      write(JSON.stringify(k % 2 ? part : { thread: name, comments: part, next: null }));
    }
  }
}
console.log(`fuzz corpus seeded: ${n} documents in ${corpus}`);
