// A straightforward JavaScript implementation of the same pipeline as the core, the benchmark's
// baseline: JSON.parse, a Map of children, sort, escape, format, join. It produces the same
// HTML as render_thread_html for the default options (oldest first, depth cap 6), so the
// benchmark can check both do the same work.
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];
const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\0': '\uFFFD' };
const escape = (s) => s.replace(/[&<>"'\0]/g, (c) => ESC[c]);
const pad = (n, w = 2) => String(n).padStart(w, '0');

function isoDate(ms) {
  const d = new Date(ms);
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:` +
    `${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return d.getUTCMilliseconds() ? `${base}.${pad(d.getUTCMilliseconds(), 3)}Z` : base + 'Z';
}

function paragraphs(text) {
  let out = '';
  for (const block of text.split(/\n[ \t\r]*\n/)) {
    const para = block.replace(/^[\n \t\r]+|[ \t\r\n]+$/g, '');
    if (para) out += '<p>' + escape(para) + '</p>\n';
  }
  return out;
}

function byline(a, to) {
  const name = (a.name || '').trim();
  const place = (a.location || '').split(',')[0].trim();
  // Each name and place isolated (a span with dir="auto"), as format.hpp writes them.
  const isolate = (text) => `<span dir="auto">${escape(text)}</span>`;
  const who = isolate(name || 'Anonymous');
  if (to != null) return place ? `${who} in ${isolate(place)}, replying to ${isolate(to)}:` : `${who}, replying to ${isolate(to)}:`;
  return place ? `${who} in ${isolate(place)} writes:` : `${who} writes:`;
}

// The identicon of avatar.hpp: FNV-1a (64-bit, in two 32-bit halves) over the trimmed name, a
// 0xFF separator and the trimmed location, SplitMix64's finaliser, a 5x5 mirrored pattern.
const utf8 = new TextEncoder();
const trim = (s) => (s || '').replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '');
function avatar(a) {
  let hi = 0xCBF29CE4, lo = 0x84222325;
  const step = (b) => {
    lo = (lo ^ b) >>> 0;
    const p = lo * 0x1B3;
    hi = (Math.imul(hi, 0x1B3) + (lo << 8) + Math.floor(p / 4294967296)) >>> 0;
    lo = p >>> 0;
  };
  for (const b of utf8.encode(trim(a.name))) step(b);
  step(0xFF);
  for (const b of utf8.encode(trim(a.location))) step(b);
  const mask = (1n << 64n) - 1n;
  let h = (BigInt(hi) << 32n) | BigInt(lo);
  h = ((h ^ (h >> 30n)) * 0xBF58476D1CE4E5B9n) & mask;
  h = ((h ^ (h >> 27n)) * 0x94D049BB133111EBn) & mask;
  h ^= h >> 31n;
  const cells = Number(h & 0x7FFFn) || 0x4924;
  let classes = `avatar av-h${Number((h >> 16n) % 24n)}`;
  for (let i = 0; i < 15; i++) if ((cells >> i) & 1) classes += ` av-${'abcde'[Math.floor(i / 3)]}${i % 3}`;
  return `<span class="${classes}" aria-hidden="true"></span>`;
}

function votes(v, who) {
  const up = typeof v === 'number' ? Math.max(v, 0) : (v && v.up) || 0;
  const down = typeof v === 'number' ? Math.max(-v, 0) : (v && v.down) || 0;
  return `<button data-action="vote" data-vote="up" aria-pressed="false" aria-label="Upvote the comment by ${who}, ${up}">\u25B2 ${up}</button>` +
    `<button data-action="vote" data-vote="down" aria-pressed="false" aria-label="Downvote the comment by ${who}, ${down}">\u25BC ${down}</button>`;
}

export function renderJS(bytes) {
  const doc = JSON.parse(new TextDecoder().decode(bytes));
  const items = Array.isArray(doc) ? doc : doc.comments;
  const comments = [];
  const byId = new Map();
  for (const c of items) {
    if (!c || typeof c !== 'object' || c.id == null || typeof c.text !== 'string') continue;
    const id = String(c.id);
    if (byId.has(id)) continue;
    const created = typeof c.created === 'number' ? Math.round(c.created * 1000) : Date.parse(c.created);
    if (Number.isNaN(created)) continue;
    const author = typeof c.author === 'string' ? { name: c.author } : c.author || {};
    const x = { id, parent: c.parent == null ? '' : String(c.parent), created, author, text: c.text, votes: c.votes };
    byId.set(id, x);
    comments.push(x);
  }
  const children = new Map();
  const roots = [];
  for (const c of comments) {
    if (c.parent && byId.has(c.parent) && c.parent !== c.id) {
      let list = children.get(c.parent);
      if (!list) children.set(c.parent, (list = []));
      list.push(c);
    } else {
      roots.push(c);
    }
  }
  const oldest = (a, b) => a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  roots.sort(oldest);
  for (const list of children.values()) list.sort(oldest);
  // Pre-order with depths (iterative), then descendant counts bottom-up, then the HTML.
  const order = [];
  const stack = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push([roots[i], 0, null]);
  while (stack.length) {
    const entry = stack.pop();
    order.push(entry);
    const kids = children.get(entry[0].id);
    if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], entry[1] + 1, entry[0]]);
  }
  const below = new Map();
  for (let i = order.length - 1; i >= 0; i--) {
    const [c, , parent] = order[i];
    if (parent) below.set(parent.id, (below.get(parent.id) || 0) + (below.get(c.id) || 0) + 1);
  }
  const parts = [];
  for (const [i, [c, depth, parent]] of order.entries()) {
    const d = new Date(c.created);
    const capped = depth > 6;
    const replies = below.get(c.id);
    const date = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
    const who = escape((c.author.name || '').trim() || 'Anonymous');
    const level = Math.min(depth, 6) + 1;
    parts.push(`<div class="comment${capped ? ' capped' : ''}" role="article" part="comment" id="comment-${escape(c.id)}" ` +
      `data-id="${escape(c.id)}" data-depth="${level - 1}"${replies ? ` data-replies="${replies}"` : ''}` +
      `${capped ? ` data-reply-to="${escape(parent.id)}"` : ''} aria-posinset="${i + 1}" aria-setsize="${order.length}" ` +
      `aria-label="${level > 1 ? `Reply by ${who}, level ${level}, ${date}` : `Comment by ${who}, ${date}`}">${avatar(c.author)}<p class="byline">` +
      `${byline(c.author, capped ? (parent.author.name || '').trim() || 'Anonymous' : null)}</p>` +
      `<span class="date" data-datetime="${isoDate(c.created)}">${date}</span><div class="body" dir="auto">${paragraphs(c.text)}</div>${votes(c.votes, who)}` +
      `<button data-action="reply" aria-label="Reply to ${who}">Reply</button>` +
      `<button data-action="link" aria-label="Link to the comment by ${who}">Link</button></div>\n`);
  }
  const options = ['oldest', 'newest', 'top', 'hot', 'controversial'];
  const labels = ['Oldest', 'Newest', 'Top', 'Hot', 'Controversial'];
  return '<section class="comments" part="comments" lang="en" dir="ltr" aria-labelledby="colloquy-comments-title">' +
    '<button class="skip" data-action="skip">Skip to the comment form</button>' +
    `<header><h2 id="colloquy-comments-title">${comments.length} Comment${comments.length === 1 ? '' : 's'}</h2>` +
    `<label>Sort by <select name="sort">${options.map((o, i) => `<option value="${o}"${i ? '' : ' selected'}>${labels[i]}</option>`).join('')}` +
    '</select></label></header><div class="list" role="feed" aria-labelledby="colloquy-comments-title">\n' +
    `${parts.join('')}</div></section>`;
}
