/*! Colloquy: comments and Latest Stories for any page. */
// The loader: the core (colloquy.wasm) in, bytes in, HTML out into a shadow root; the rest comes when needed (loadPart).
(() => {
  'use strict';
  // Its own tag; a module script has no currentScript, so then the last one of this file's name.
  const script = document.currentScript || [...document.querySelectorAll('script[src*="/colloquy.js"]')].pop();
  // Loaded again by another script tag: the first copy keeps working and mounts for that tag.
  if (window.Colloquy) return document.dispatchEvent(new CustomEvent('colloquy:script', { detail: script }));
  const BASE = new URL('.', (script && script.src) || location.href);
  // By the build (widget.cmake): the core's defaults and English words, each file's hash (?v=), the codes (error.hpp).
  const SETUP = /*@COLLOQUY_SETUP@*/null;
  const VERSIONS = /*@COLLOQUY_VERSIONS@*/{};
  const CODES = Object.freeze(/*@COLLOQUY_CODES@*/{});
  const DEFAULTS = Object.freeze(SETUP.defaults);
  const assetUrl = (name) => new URL(name + (VERSIONS[name] ? '?v=' + VERSIONS[name] : ''), BASE);
  // This folder may be another origin (a CDN): CORS, with cookies only to this page's origin.
  const checked = (r) => { if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + r.url); return r; }; // an answer, or why not
  const fetchAsset = (name) => fetch(assetUrl(name), { mode: 'cors', credentials: 'same-origin' }).then(checked);
  const policy = window.trustedTypes && window.trustedTypes.createPolicy('colloquy', { createHTML: (coreHtml) => coreHtml }); // the core's HTML
  const trusted = (coreHtml) => (policy ? policy.createHTML(coreHtml) : coreHtml);
  const encoder = new TextEncoder(), decoder = new TextDecoder();
  const warn = (message, hint) => console.warn('[colloquy] ' + message + (hint ? ' (' + hint + ')' : ''));
  // What only a page's author needs to hear, by key, in colloquy-warn.js's words (fetched then).
  const say = (key, detail) => loadPart('warn').then((tell) => tell.say(warn, key, detail), () => warn(key + ' ' + detail));

  // colloquy-<name>.js, imported once, hands over its export in "colloquy:<name>"; a retry uses another URL (Firefox keeps failures).
  const parts = {}, failed = {};
  function loadPart(name) {
    parts[name] = parts[name] || new Promise((resolve, reject) => {
      const url = assetUrl('colloquy-' + name + '.js');
      if (failed[name]) url.searchParams.set('retry', failed[name]);
      document.addEventListener('colloquy:' + name, (e) => resolve(e.detail), { once: true });
      import(url.href).catch((e) => {
        parts[name] = null;
        failed[name] = (failed[name] || 0) + 1;
        reject(new Error('colloquy-' + name + '.js not loaded from ' + url + ' (' + e.message + ')'));
      });
    });
    return parts[name];
  }

  // Minutes east of UTC at an instant, the core's one real import; named zones: colloquy-zone.js.
  const zone = { name: 'UTC', named: null };
  const zoneOffset = (ms) => (zone.name === 'local' ? -new Date(ms).getTimezoneOffset() : zone.named ? zone.named(zone.name, ms, warn) : 0);
  const namedZone = (name) => /^[A-Za-z]/.test(name || '') && !/^(UTC|utc|GMT|Z|local)$/.test(name);

  // The core's handles, per module, found by export (the widget's own reading module first); `x`: a live instance's exports.
  const cores = {}, handles = {}, coreFor = (name, own) => (own && own.x[name] ? own : Object.values(handles).find((c) => c.x[name]));
  const start = (handle, instance) => { handle.x = instance.exports; handle.x._initialize(); return handle; };
  function loadCore(file = 'colloquy.wasm') { // colloquy-post.wasm, -stories.wasm: with their scripts
    const imports = { env: { emscripten_notify_memory_growth() {}, colloquy_zone_offset: zoneOffset },
      wasi_snapshot_preview1: { proc_exit(code) { throw new Error('core exited ' + code); } } };
    // Streaming compilation needs application/wasm; fall back to bytes when a server lies.
    const viaBytes = () => fetchAsset(file).then((r) => r.arrayBuffer()).then((b) => WebAssembly.instantiate(b, imports));
    cores[file] = cores[file] || WebAssembly.instantiateStreaming(fetchAsset(file), imports).catch(viaBytes).then((result) => {
      const core = start({ module: result.module, imports, x: null }, result.instance);
      // Functions compile on their first call: a whole render now takes that off the first paint.
      if (core.x.colloquy_render_comments) call(core, 'colloquy_render_comments', '[{"id":"w","created":0,"text":"*w* w"}]', { now: 1 });
      return (handles[file] = core);
    });
    cores[file].catch(() => { cores[file] = null; }); // a later mount may retry
    return cores[file];
  }

  // A core entry point on its input (text, bytes, or a thread's pages: a list of either, NUL between) and options; its answer.
  function callPlain(core, name, input, options) {
    zone.name = options.timeZone || 'UTC';
    const pages = [].concat(input).map((page) => (typeof page === 'string' ? encoder.encode(page) : page));
    const opts = encoder.encode(JSON.stringify(options));
    const size = pages.reduce((n, page) => n + page.length + 1, 0);
    const x = core.x;
    try {
      const inPtr = x.colloquy_alloc(size + opts.length), optPtr = inPtr + size; // one block: input, options
      const memory = new Uint8Array(x.memory.buffer);
      for (let at = inPtr, i = 0; i < pages.length; at += pages[i++].length + 1) {
        memory.set(pages[i], at);
        memory[at + pages[i].length] = 0; // the last page's is not passed
      }
      memory.set(opts, optPtr);
      x[name](inPtr, size - 1, optPtr, opts.length);
      x.colloquy_free(inPtr);
      const out = decoder.decode(new Uint8Array(x.memory.buffer, x.colloquy_result_data(), x.colloquy_result_size()));
      x.colloquy_result_clear();
      return out;
    } catch (e) {
      say('core_failed', name + ' (' + e.message + ')');
      start(core, new WebAssembly.Instance(core.module, core.imports));
      throw e;
    }
  }
  // Answers with HTML: <meta JSON> NUL <HTML>, as {meta, html} (no NUL: meta only).
  function call(core, name, input, options) {
    const out = callPlain(core, name, input, options), nul = out.indexOf('\0');
    return { meta: JSON.parse(nul < 0 ? out : out.slice(0, nul)), html: nul < 0 ? '' : out.slice(nul + 1) };
  }
  const htmlNode = (coreHtml) => Object.assign(document.createElement('template'), { innerHTML: trusted(coreHtml) }).content.firstElementChild;

  // The stylesheet, once per page; without it still: hidden honeypot and live region, the same box, its space held (.reserve).
  const sheetOf = (css) => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css); return sheet; };
  let base = null, styles = null;
  const baseSheet = () => (base = base || sheetOf('.hp,.announce{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}' +
    ':host{display:block;contain:content}.colloquy{display:flow-root;flex:1}.reserve{min-height:100vh}'));
  const loadStyles = () => (styles = styles || fetchAsset('colloquy.css').then((r) => r.text()).then(sheetOf).catch((e) => say('no_styles', e.message)));

  // GET with a deadline (o.fetchTimeout) and a size cap (o.maxBytes); with `seen`, conditional (its etag; null for a 304).
  async function fetchBytes(url, o, seen) {
    const tooLarge = (size, r) => { if (size > o.maxBytes) { if (r) r.body.cancel(); throw coded(CODES.document_too_large, url); } };
    const headers = Object.assign({ Accept: 'application/json' }, seen && seen.etag && { 'If-None-Match': seen.etag });
    const r = await fetch(url, { credentials: 'same-origin', headers, signal: AbortSignal.timeout(o.fetchTimeout) });
    if (seen && r.status === 304) return null;
    checked(r);
    if (seen) Object.assign(seen, { etag: r.headers.get('ETag'), date: r.headers.get('Date') });
    tooLarge(+r.headers.get('Content-Length'), r);
    const bytes = new Uint8Array(await r.arrayBuffer());
    tooLarge(bytes.length);
    return bytes;
  }

  // What this browser keeps (localStorage), read by `read`; `fallback` where storage is refused (a sandbox).
  const stored = (read, fallback) => { try { return read(localStorage); } catch (e) { return fallback; } };
  const coded = (code, message) => Object.assign(new Error(message), { colloquyCode: code }); // an error of the widget's own
  const canonicalUrl = () => (document.querySelector('link[rel="canonical"][href]') || location).href.split('#')[0];
  // The options given, completed from the page and the defaults (the core reports what it ignores).
  function resolveOptions(options) {
    const o = Object.assign({}, DEFAULTS, { thread: new URL(canonicalUrl()).pathname });
    o.locale = document.documentElement.lang || navigator.language || DEFAULTS.locale;
    Object.keys(options).forEach((k) => { if (options[k] !== undefined && options[k] !== null && options[k] !== '') o[k] = options[k]; });
    ['pageSize', 'storiesCount', 'summaryLength', 'relativeDays', 'postTimeout', 'fetchTimeout', 'maxBytes'].forEach((k) => {
      const n = parseInt(o[k], 10), usable = n > 0 || (n === 0 && (k === 'pageSize' || k === 'relativeDays'));
      if (!usable && o[k] !== DEFAULTS[k]) say('bad_number', k + ' "' + o[k] + '"');
      o[k] = usable ? n : DEFAULTS[k];
    });
    return o;
  }
  // The comments endpoint, asked for a page of `limit` top-level threads (DESIGN §2), paged in the order on show.
  function commentsUrl(o, sort) {
    if (!o.comments) return null;
    const url = new URL(o.comments, location.href);
    url.searchParams.set('thread', o.thread);
    if (o.pageSize) url.searchParams.set('limit', String(o.pageSize));
    if (o.pageSize && sort && sort !== 'oldest') url.searchParams.set('sort', sort);
    return url;
  }
  const CORE_KEYS = ['theme', 'locale', 'storiesCount', 'summaryLength', 'pageSize', 'timeZone', 'relativeDays', 'votes', 'avatars'];
  const coreOptions = (o, sort) => Object.assign({ sort, pageUrl: canonicalUrl(), now: Date.now() }, ...CORE_KEYS.map((k) => ({ [k]: o[k] })));

  // The thread read once (a session, api.hpp), in short tasks: read, first screen drawn, the rest in slices held out of the page.
  const NOTHING = new Uint8Array(0), TASK_MS = 30, SHOW_MS = 250; // a task's steps end within TASK_MS
  // The next task, by a message (nested timeouts wait 4 ms each), after the next frame when `drawn`; its start time.
  const post = (resolve) => { const c = new MessageChannel(); c.port1.onmessage = () => resolve(performance.now()); c.port2.postMessage(0); };
  const later = (drawn) => new Promise((resolve) => (drawn && !document.hidden ? requestAnimationFrame(() => post(resolve)) : post(resolve)));
  const closeSession = (state) => state.session && state.session.x === state.core.x && state.core.x.colloquy_session_close(state.session.id);
  async function openSession(state, options, token) {
    closeSession(state);
    let r = call(state.core, 'colloquy_session_open', state.comments, options);
    state.session = { x: state.core.x, id: r.meta.session };
    for (const id = r.meta.session; r.meta.reading && state.token === token; r = call(state.core, 'colloquy_session_read', NOTHING, Object.assign({ session: id }, options))) await later();
    return r;
  }
  async function insertRest(container, rest, token, state, options) { // options: the session's and the page's
    const held = document.createElement('div'); // rendered, not shown yet
    const more = () => (rest || held.firstChild) && state.token === token;
    let shown = performance.now();
    function step(now) { // a held slice into the page when it is time, else the next slice rendered and held
      if (held.firstChild && (!rest || now - shown >= SHOW_MS)) {
        container.append(held.firstChild);
        if (!held.firstChild) shown = now;
        return;
      }
      const r = call(state.core, 'colloquy_session_slice', NOTHING, Object.assign({}, options, rest));
      rest = r.meta.ok && r.meta.rest; // a closed session: what is shown stays
      if (r.meta.ok) held.insertAdjacentHTML('beforeend', trusted(r.html));
    }
    for (let drawn = true; more(); drawn = false) {
      const start = await later(drawn);
      // Another step only if, as long as the last one, it ends within the task's budget.
      for (let began = start, now = start; more() && now - start + (now - began) < TASK_MS; now = performance.now()) {
        began = now;
        step(now);
      }
    }
  }

  // data-theme="auto": the page's colour-scheme, the reader's, the backgrounds up from the element (a 1x1 canvas reads any colour).
  let probe = null;
  function pageColors(element) {
    probe = probe || document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    const css = getComputedStyle(document.documentElement).colorScheme, meta = document.querySelector('meta[name="color-scheme" i]');
    const lines = [css && css !== 'normal' ? css : (meta && meta.content) || '',
      window.matchMedia && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : ''];
    for (let el = element; el; el = el.parentElement) {
      probe.clearRect(0, 0, 1, 1);
      probe.fillStyle = getComputedStyle(el).backgroundColor;
      probe.fillRect(0, 0, 1, 1);
      lines.push(probe.getImageData(0, 0, 1, 1).data.join(' ') + ' ' + getComputedStyle(el).backgroundImage);
    }
    return lines.join('\n');
  }

  function mount(element, given) {
    if (!(element instanceof Element)) throw new TypeError('Colloquy.mount needs an element');
    const state = { token: 0, o: null, comments: null, sort: 'oldest', shown: 0, core: null, session: null, messages: SETUP.messages };
    const root = element.shadowRoot || element.attachShadow({ mode: 'open' });
    // A status line and its Retry button, the comments, the form, the stories, a live region; a screen's height held (release()).
    root.innerHTML = trusted('<div class="colloquy reserve" part="root" lang="' + SETUP.lang + '" dir="' + SETUP.dir + '"><p class="status" role="status" hidden>' +
      '</p><button class="reload" type="button" data-action="reload" hidden></button><div class="comments-slot"></div>' +
      '<div class="compose-slot"></div><div class="stories-slot"></div><p class="announce" role="status"></p></div>');
    root.adoptedStyleSheets = [baseSheet()];
    const frame = root.firstChild, [status, reload, commentsSlot, composeSlot, storiesSlot] = frame.children;
    state.adopted = element.querySelector(':scope > .colloquy-static'); // pre-rendered (colloquy render): in a slot until adopted
    if (state.adopted) commentsSlot.appendChild(document.createElement('slot'));
    const stop = new AbortController(); // ends every listener on destroy()
    // As colloquy-post.js keeps them: this reader's votes (pressed) and edit windows (the core shows Edit while open).
    const kept = (name) => stored((s) => JSON.parse(s.getItem('colloquy:' + name + ':' + placeKey())), null) || {};
    const opts = (extra) => Object.assign(coreOptions(state.o, state.sort), { voted: kept('votes'), editable: kept('edits') }, extra);
    // Nothing on the host page moves: the space held (.reserve) goes when the content ends below it, or the reader is past it.
    function release() {
      const end = storiesSlot.getBoundingClientRect().bottom, bottom = frame.getBoundingClientRect().bottom;
      const past = bottom <= 0 && document.documentElement.scrollHeight - (bottom - end) >= scrollY + innerHeight;
      if (end >= innerHeight || past) frame.classList.remove('reserve');
      else addEventListener('scroll', release, { signal: stop.signal, once: true, passive: true });
    }
    const message = (key) => state.messages[key] || key; // in the widget's language (until the core is here: English)
    function showStatus(key, retry) {
      Object.assign(status, { textContent: key ? message(key) : '', hidden: !key });
      Object.assign(reload, { textContent: message('retry'), hidden: !(key && retry) });
    }
    // While the page is open, dates relabelled and new comments asked for (colloquy-live.js, after 30–60 s or data-live ms).
    const liveDelay = () => (+state.o.live > 0 ? +state.o.live : state.o.live === 'off' ? 60000 : 30000 + Math.random() * 30000);
    const live = () => state.liveTimer || (state.liveTimer = setTimeout(() => loadPart('live').then((run) => run(w), (e) => warn(e.message)), liveDelay()));
    // The thread; what its author should hear (options ignored, comments repaired) is colloquy-warn.js's, fetched then.
    async function renderComments(token) {
      // Re-sorting keeps as many top-level threads on screen as "Load more" had shown.
      const r = await openSession(state, opts(state.o.pageSize && state.shown > state.o.pageSize ? { pageSize: state.shown } : {}), token);
      if (state.token !== token) return;
      if (!r.meta.ok) throw coded(r.meta.error.code, r.meta.error.message);
      if (r.meta.ignored.length || r.meta.problems.length) loadPart('warn').then((tell) => tell(w, r.meta), (e) => warn(e.message));
      state.shown = r.meta.page ? r.meta.page.threads : 0;
      if (state.adopted) return loadPart('adopt').then((adopt) => adopt(w, r, token));
      commentsSlot.innerHTML = trusted(r.html);
      return w.insertRest(commentsSlot.querySelector('.list'), r.meta.rest, token);
    }
    const showThread = (token) => renderComments(token).then(() => later(true)).then(() => (state.token === token ? afterRender() : undefined));

    function load() {
      const token = ++state.token, o = state.o;
      state.shown = 0;
      showStatus('');
      // The language's own module when the build made one (else colloquy.wasm); a named time zone needs colloquy-zone.js.
      const own = 'colloquy-' + (/^[a-z]{2,3}(?![a-z])/i.exec(o.locale) || ['en'])[0].toLowerCase() + '.wasm';
      const core = Promise.all([loadCore(VERSIONS[own] ? own : undefined), namedZone(o.timeZone) && loadPart('zone')]).then(([c, named]) => {
        state.core = c;
        zone.named = named || zone.named;
        ({ messages: state.messages, lang: frame.lang, dir: frame.dir } = call(c, 'colloquy_widget_setup', '', opts()).meta);
        setScheme();
      });
      if (state.adopted) loadPart('adopt'); // on its way with the comments
      // On every path, failures included, and before the comments show (or they would move).
      const styled = loadStyles().then((s) => s && !root.adoptedStyleSheets.includes(s) && (root.adoptedStyleSheets = root.adoptedStyleSheets.concat(s)));
      // No endpoint: the thread lives in this browser's storage (colloquy-post.js).
      const url = commentsUrl(o, state.sort), bytes = url ? fetchBytes(url, o, (state.loaded = {})) : loadPart('post').then((p) => JSON.stringify(p.localThread(o.thread)));
      // A slow endpoint: "Loading comments…" after 300 ms, until the answer (or the deadline).
      const slow = setTimeout(() => { if (state.token === token && !state.adopted) showStatus('loading'); }, 300);
      const work = [Promise.all([bytes, core, styled]).finally(() => clearTimeout(slow)).then(([b]) => {
        if (state.token !== token) return;
        showStatus('');
        state.comments = [b]; // the thread's pages
        return showThread(token).then(toComment);
      }).catch((e) => core.catch(() => {}).then(() => {
        if (state.token !== token) return;
        // Said here, in the core's words once it is here (the next script may not come); the rest is colloquy-fail.js's.
        showStatus(e.colloquyCode ? 'comments_unusable' : 'comments_unavailable', true); // an unusable answer may be a proxy's passing page
        return loadPart('fail').then((fail) => fail(w, e, token), () => warn('comments not loaded: ' + e.message));
      }))];
      // The Latest Stories strip: colloquy-stories.js fetches and shows it, for a page that asks.
      if (o.stories) work.push(loadPart('stories').then((stories) => stories(w, Promise.all([core, loadCore('colloquy-stories.wasm')]), token), (e) => say('no_stories', e.message)));
      return Promise.all(work);
    }
    // Drafts, the outbox, "mine" and votes are per place: the endpoint and the thread.
    const endpoint = () => (state.o.comments ? new URL(state.o.comments, location.href).href : '');
    const placeKey = () => endpoint() + '\n' + state.o.thread;
    const hasWritten = () => stored((s) => Object.keys(s).some((k) => /^colloquy:(author|outbox|draft:|pending:)/.test(k)), false);
    // A frame after each render (no forced layout): the bottom form, then posting's work if written or kept here (colloquy-act.js).
    function afterRender() {
      if (!composeSlot.firstChild) composeSlot.appendChild(w.newForm('', -1));
      if (frame.classList.contains('reserve')) release();
      live();
      if (!(state.posting || !state.o.comments || hasWritten())) return;
      return loadPart('act').then((act) => act.written(w), (e) => warn(e.message));
    }
    // What the scripts fetched when needed share of this widget.
    const w = { element, root, frame, commentsSlot, composeSlot, storiesSlot, state, stop: stop.signal, warn, trusted, htmlNode,
      loadPart, loadCore, endpoint, placeKey, fetchBytes, commentsUrl, showThread, afterRender, message, liveDelay, configure,
      load: () => (handle.ready = load()),
      insertRest: (container, rest, token) => insertRest(container, rest, token, state, opts({ session: state.session.id })),
      // The core's answers (from the module that exports `name`), with the widget's options plus `extra`.
      call: (name, input, extra) => call(coreFor(name, state.core), name, input, opts(extra)),
      plain: (name, input, extra) => callPlain(coreFor(name, state.core), name, input, opts(extra)),
      newForm: (parent, parentDepth) => Object.assign(htmlNode(w.call('colloquy_render_compose', '', { parent, parentDepth }).html),
        { colloquyPlace: placeKey() }) }; // a compose form, marked with the place its drafts belong to

    // Clicks, focus, typing: colloquy-act.js's, fetched at the first. Offline, a form is kept as a draft and resent online.
    const on = { signal: stop.signal }, resend = () => composeSlot.firstChild && !stop.signal.aborted && react('submit', composeSlot.firstChild);
    function react(type, target) {
      loadPart('act').then((act) => act(w, type, target), (e) => {
        warn(e.message);
        const form = target.closest('form.compose'); // the bottom one: the others are posting's
        if (!form) return;
        stored((s) => s.setItem('colloquy:draft:' + form.colloquyPlace + '\n', JSON.stringify(Object.fromEntries(new FormData(form)))));
        if (type !== 'submit') return;
        Object.assign(form.querySelector('.error[data-for=""]'), { textContent: message('not_sent'), hidden: false });
        if (!navigator.onLine) addEventListener('online', resend, { once: true, signal: stop.signal }); // the same listener: once, however many clicks
        else { clearTimeout(state.resend); state.resend = setTimeout(resend, (state.wait = Math.min(2 * state.wait || 2000, 60000))); } // online again mid-try (or no script to be had): in 2 s, 4 s, … a minute
      });
    }
    ['click', 'focusin', 'input', 'submit', 'change'].forEach((type) => root.addEventListener(type, (event) => {
      if (type === 'submit') event.preventDefault();
      if (state.core) react(type, event.target); // read now: after dispatch, an event from a shadow tree has none
    }, on));
    // The core's light or dark (+ " opaque"), again when <html>, <body>, <head>'s meta tags or the reader's preference change.
    function setScheme() {
      const scheme = state.core ? callPlain(state.core, 'colloquy_page_scheme', pageColors(element), { theme: state.o.theme }) : state.o.theme;
      if (frame.getAttribute('data-scheme') !== scheme) frame.setAttribute('data-scheme', scheme);
    }
    const watcher = new MutationObserver(setScheme);
    [document.documentElement, document.body].forEach((el) => el && watcher.observe(el, { attributes: true }));
    if (document.head) watcher.observe(document.head, { subtree: true, childList: true, attributeFilter: ['content'] });
    if (window.matchMedia) matchMedia('(prefers-color-scheme: dark)').addEventListener('change', setScheme, on);
    // A link to a comment (#comment-<id>, at load or later) does not reach into a shadow root: colloquy-link.js goes there.
    const linked = () => /^#comment-./.test(location.hash);
    const toComment = () => linked() && state.comments && loadPart('link').then((link) => link(w), (e) => warn(e.message));
    window.addEventListener('hashchange', () => (linked() && near ? near.go() : toComment()), on);
    // Nothing heavy until a viewport away (or eager, or linked to); one already near (top-level, laid out) does not wait a frame.
    let near = null;
    const nearNow = (r = element.getBoundingClientRect()) => window === top && element.getClientRects().length > 0 && r.top < 2 * innerHeight && r.bottom > -innerHeight;
    function whenNear(go) {
      if (state.o.load === 'eager' || linked() || !window.IntersectionObserver || nearNow()) return go();
      near = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) near.go(); }, { rootMargin: '100% 0px' });
      near.go = () => { near.disconnect(); near = null; go(); };
      near.observe(element);
    }
    function configure(options) { // the options, completed from the page and the defaults, and their theme
      state.sort = (state.o = resolveOptions(options)).sort;
      frame.setAttribute('data-theme', state.o.theme);
      setScheme();
    }
    const handle = { // update(): another thread or other options, for single-page sites (colloquy-spa.js)
      update: (next) => (handle.ready = loadPart('spa').then((spa) => spa.update(w, next), (e) => say('no_update', e.message))),
      destroy() {
        state.token++;
        if (state.core) closeSession(state);
        clearTimeout(state.liveTimer);
        stop.abort();
        watcher.disconnect();
        if (near) near.disconnect();
        root.replaceChildren();
        root.adoptedStyleSheets = [];
        instances.delete(element);
      }
    };
    configure(given);
    handle.ready = w.first = new Promise((resolve) => whenNear(() => resolve(w.load())));
    return handle;
  }
  const instances = new Map();
  const Colloquy = Object.freeze({
    // The same element again: its instance, updated. A page that mounts loads at once by default.
    mount(element, options) {
      try {
        if (instances.has(element)) instances.get(element).update(options);
        else instances.set(element, mount(element, Object.assign({}, options, { load: (options && options.load) || DEFAULTS.mountLoad })));
        return instances.get(element);
      } catch (e) { warn('mount failed: ' + e.message); return null; }
    }
  });
  Object.defineProperty(window, 'Colloquy', { value: Colloquy, configurable: true });

  // One script tag: a widget at data-target, else in a container after the script (in <body>).
  function autoMount(tag) {
    if (!tag) return say('no_script');
    const d = tag.dataset;
    if (d.mount === 'manual') return; // the page calls Colloquy.mount() itself
    const target = d.target || DEFAULTS.target;
    let element = null, missing = 'no_match';
    try { element = document.querySelector(target); } catch (e) { missing = 'no_selector'; }
    if (instances.has(element)) return say('taken', target);
    if (!element) {
      if (d.target) say(missing, target);
      element = document.createElement('div');
      element.id = /^#[\w-]+$/.test(target) && !document.getElementById(target.slice(1)) ? target.slice(1) : '';
      if (document.body && document.body.contains(tag)) tag.after(element);
      else document.body.appendChild(element);
    }
    Colloquy.mount(element, Object.assign({}, d, { timeZone: d.timezone, load: d.load || DEFAULTS.load })); // data-* by name
  }
  // Mounts once the document is parsed (a script in <head> waits for <body>).
  const whenReady = (tag) => (document.readyState === 'loading' ? document.addEventListener('DOMContentLoaded', () => autoMount(tag)) : autoMount(tag));
  document.addEventListener('colloquy:script', (e) => whenReady(e.detail));
  whenReady(script);
})();
