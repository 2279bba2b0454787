// The systems the page benchmark renders side by side, each from the same generated thread
// (generate.mjs) converted to the answer its client asks for (/work/shared/ANCHORS-BENCH.md):
// the page each one runs on, the element that counts as one rendered comment, and the mocked
// API's answer to each request its client makes.
import { createHash } from 'node:crypto';

// A 1×1 PNG: the avatar Artalk and Waline ask for once per distinct commenter (counted as
// transferred; real avatars weigh more).
export const AVATAR = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mN8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==', 'base64');

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const authorOf = (c) => (typeof c.author === 'string' ? { name: c.author, location: '' } : c.author);
const emailHash = (name) => createHash('md5').update(name).digest('hex');
// "2010-09-25T14:03:00Z" → "2010-09-25 14:03:00", Artalk's date form.
const artalkDate = (iso) => iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');

// The page every system runs on: the same document around a different widget.
function page(title, head, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${head}
</head>
<body>
<main>
<h1>Page benchmark: ${title}</h1>
<p>The same generated thread rendered by each system, its API answered in the page's network layer.</p>
${body}
</main>
</body>
</html>
`;
}

function artalkAnswer(doc) {
  const index = new Map(doc.comments.map((c, i) => [c.id, i + 1]));
  const comments = doc.comments.map((c, i) => {
    const a = authorOf(c);
    return {
      id: i + 1, content: c.text, nick: a.name, email_encrypted: emailHash(a.name), link: '', ua: '',
      date: artalkDate(c.created), rid: c.parent ? index.get(c.parent) : 0, vote_up: c.votes.up, vote_down: c.votes.down,
      is_collapsed: false, is_pending: false, is_pinned: false, is_allow_reply: true, is_verified: false, visible: true,
      user_id: 0, badge_name: '', badge_color: '', page_key: doc.thread, page_url: doc.thread, site_name: 'Bench',
    };
  });
  return {
    comments, count: comments.length, roots_count: comments.filter((c) => c.rid === 0).length,
    page: { id: 1, key: doc.thread, url: doc.thread, title: 'Bench', site_name: 'Bench', admin_only: false, vote_up: 0, vote_down: 0, pv: 1 },
  };
}

// Waline wants roots newest first, each with its whole subtree flattened into `children`.
function walineAnswer(doc, avatarBase) {
  const byId = new Map(doc.comments.map((c) => [c.id, c]));
  const rootOf = (c) => { while (c.parent && byId.has(c.parent)) c = byId.get(c.parent); return c; };
  const item = (c) => {
    const a = authorOf(c);
    const html = c.text.split('\n\n').map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
    return {
      objectId: c.id, comment: html, orig: c.text, nick: a.name, link: '', avatar: `${avatarBase}/${emailHash(a.name)}.png`,
      time: Date.parse(c.created), browser: '', os: '', sticky: false, like: c.votes.up, status: 'approved', type: '', label: '',
    };
  };
  const roots = new Map();
  for (const c of doc.comments) {
    const root = rootOf(c);
    if (root === c) { roots.set(c.id, { ...item(c), children: [] }); continue; }
    const parent = byId.get(c.parent);
    const pa = authorOf(parent);
    roots.get(root.id).children.push({ ...item(c), pid: c.parent, rid: root.id,
      reply_user: { nick: pa.name, link: '', avatar: `${avatarBase}/${emailHash(pa.name)}.png` } });
  }
  const data = [...roots.values()].reverse();
  return { errno: 0, errmsg: '', data: { page: 1, totalPages: 1, pageSize: data.length, count: doc.comments.length, data } };
}

// Colloquy's API answers with the document as is; so does the baseline's.
const colloquyAnswer = (url, doc) => (url.pathname === '/api/comments' ? doc : null);

// Each system: `page(n)` its HTML, `selector` one rendered comment, `root` the element holding
// the widget (its DOM is what "nodes per comment" counts), `answer(url, doc)` the mocked API's
// body for a request under /api/ (null: not an API request of this system).
export const SYSTEMS = {
  colloquy: {
    label: 'Colloquy',
    selector: 'div.comment',
    root: '#colloquy',
    page: (n) => page('Colloquy', '', `<div id="colloquy"></div>
<script src="/colloquy/colloquy.js" defer data-thread="/bench/${n}" data-comments="/api/comments"></script>`),
    answer: colloquyAnswer,
  },
  // Colloquy without the reader actions' markup (no vote buttons, no avatars): what they cost
  // the paint, beside the default in one run. Only when asked for (--systems colloquy,bare).
  bare: {
    label: 'Colloquy bare',
    selector: 'div.comment',
    root: '#colloquy',
    optIn: true,
    page: (n) => page('Colloquy', '', `<div id="colloquy"></div>
<script src="/colloquy/colloquy.js" defer data-thread="/bench/${n}" data-comments="/api/comments" data-votes="off" data-avatars="off"></script>`),
    answer: colloquyAnswer,
  },
  baseline: {
    label: 'one innerHTML',
    selector: 'div.comment',
    root: '#comments',
    // The least a widget can do: fetch the same answer and the widget's stylesheet, build the
    // same markup in plain JavaScript (reference.mjs: the core's HTML, byte for byte) and insert
    // it with one innerHTML into a shadow root.
    page: (n) => page('one innerHTML', '', `<div id="comments"></div>
<script type="module">
import { renderJS } from '/bench/reference.mjs';
const [answer, css] = await Promise.all([
  fetch('/api/comments?thread=' + encodeURIComponent('/bench/${n}')).then((r) => r.arrayBuffer()),
  fetch('/colloquy/colloquy.css').then((r) => r.text())]);
const root = document.getElementById('comments').attachShadow({ mode: 'open' });
root.innerHTML = '<style>' + css + '</style><div class="colloquy" data-scheme="light">' + renderJS(new Uint8Array(answer)) + '</div>';
</script>`),
    answer: colloquyAnswer,
  },
  artalk: {
    label: 'Artalk',
    selector: '.atk-comment-wrap',
    root: '#artalk',
    page: (n) => page('Artalk', '<link rel="stylesheet" href="/vendor/artalk/Artalk.css">', `<div id="artalk"></div>
<script src="/vendor/artalk/Artalk.js"></script>
<script>
Artalk.init({ el: '#artalk', server: location.origin, site: 'Bench', pageKey: '/bench/${n}', pageTitle: 'Bench',
  locale: 'en', emoticons: false, versionCheck: false, useBackendConf: false, imgUpload: false,
  pagination: { pageSize: ${n}, readMore: true, autoLoad: false },
  heightLimit: { content: 0, children: 0, scrollable: false },
  gravatar: { mirror: location.origin + '/avatar/', params: 'd=mp' } });
</script>`),
    answer(url, doc) {
      if (!url.pathname.startsWith('/api/v2/')) return null;
      if (url.pathname === '/api/v2/conf') return { frontend_conf: {}, version: { app: 'artalk', version: '2.9.1', commit_hash: '' } };
      if (url.pathname === '/api/v2/comments') return artalkAnswer(doc);
      return {};
    },
  },
  waline: {
    label: 'Waline',
    selector: '.wl-card-item',
    root: '#waline',
    page: (n) => page('Waline', '<link rel="stylesheet" href="/vendor/waline/waline.css">', `<div id="waline"></div>
<script src="/vendor/waline/waline.umd.js"></script>
<script>
Waline.init({ el: '#waline', serverURL: location.origin + '/waline', path: '/bench/${n}', lang: 'en', pageSize: ${n},
  emoji: false, search: false, reaction: false, pageview: false, comment: false, imageUploader: false,
  highlighter: false, texRenderer: false, login: 'disable', dark: false });
</script>`),
    answer(url, doc) {
      if (!url.pathname.startsWith('/waline/api/')) return null;
      if (url.pathname === '/waline/api/comment' && !url.searchParams.has('type')) return walineAnswer(doc, `${url.origin}/avatar`);
      return { errno: 0, errmsg: '', data: [] };
    },
  },
};
