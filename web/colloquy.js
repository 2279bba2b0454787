/*! Colloquy: comments and Latest Stories for any page. https://github.com/colloquy */
// The loader: loads the core (colloquy.wasm), moves bytes in and HTML out into a shadow root. All
// logic is the core's; what reading does not need comes in scripts fetched when needed (loadPart).
(() => {
  'use strict';
  // Loaded again by another script tag: the first copy keeps working and mounts for that tag.
  if (window.Colloquy) return document.dispatchEvent(new CustomEvent('colloquy:script', { detail: document.currentScript }));

  const script = document.currentScript;
  const BASE = new URL('.', (script && script.src) || location.href);
  // Written in by the build (wasm/widget.cmake): the core's defaults and English messages, each
  // file's hash, so a new build is a new URL (?v=) that servers may cache for good, and the codes
  // the scripts raise themselves (each CODES.<name>, checked against the registry, error.hpp).
  const SETUP = /*@COLLOQUY_SETUP@*/null;
  const VERSIONS = /*@COLLOQUY_VERSIONS@*/{};
  const CODES = Object.freeze(/*@COLLOQUY_CODES@*/{});
  const DEFAULTS = Object.freeze(SETUP.defaults);
  const assetUrl = (name) => new URL(name + (VERSIONS[name] ? '?v=' + VERSIONS[name] : ''), BASE);
  // This folder may be another origin (a CDN): CORS, with cookies only to this page's origin.
  async function fetchAsset(name) {
    const r = await fetch(assetUrl(name), { mode: 'cors', credentials: 'same-origin' });
    if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + r.url);
    return r;
  }
  // Trusted Types: the one policy, "colloquy", passes the core's HTML.
  const policy = window.trustedTypes && window.trustedTypes.createPolicy('colloquy', { createHTML: (coreHtml) => coreHtml });
  const trusted = (coreHtml) => (policy ? policy.createHTML(coreHtml) : coreHtml);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const warn = (message, hint) => console.warn('[colloquy] ' + message + (hint ? ' (' + hint + ')' : ''));
  // What only a page's author needs to hear, by key, in colloquy-warn.js's words (fetched then).
  const say = (key, detail) => loadPart('warn').then((tell) => tell.say(warn, key, detail), () => warn(key + ' ' + detail));

  // colloquy-<name>.js, once per page, imported (no script element: nothing for Trusted Types to
  // pass); it hands its export over in the event "colloquy:<name>" as it runs. Firefox keeps a
  // failed import for the page's life: a later try asks again under another URL.
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
  function start(handle, instance) {
    handle.x = instance.exports;
    handle.x._initialize();
    return handle;
  }
  function loadCore(file = 'colloquy.wasm') { // colloquy-post.wasm, -stories.wasm: with their scripts
    const imports = {
      env: { emscripten_notify_memory_growth() {}, colloquy_zone_offset: zoneOffset },
      wasi_snapshot_preview1: { proc_exit(code) { throw new Error('core exited ' + code); } }
    };
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

  // A core entry point on its input and options; its answer as text. The input is text, bytes,
  // or a thread's pages (a list of either), which the core reads with a NUL byte between them.
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

  // The stylesheet, once per page; rules that must hold without it: the honeypot and the live
  // region (heard, not seen) stay out of sight; the widget's box is laid out alike before and
  // after it (no margin collapsing through), fills a host made a flex box by the page's rules
  // (div { display: flex !important }), and holds its space from the mount (.reserve).
  const sheetOf = (css) => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css); return sheet; };
  let base = null, styles = null;
  const baseSheet = () => (base = base || sheetOf('.hp,.announce{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}' +
    ':host{display:block;contain:content}.colloquy{display:flow-root;flex:1}.reserve{min-height:100vh}'));
  function loadStyles() {
    styles = styles || fetchAsset('colloquy.css').then((r) => r.text()).then(sheetOf)
      .catch((e) => say('no_styles', e.message));
    return styles;
  }

  // GET with a deadline (o.fetchTimeout: a TimeoutError) and a size cap (o.maxBytes: the code
  // document_too_large), checked before reading; colloquy-fail.js words both for the page's author.
  // With `seen`, a conditional GET: If-None-Match its etag (then kept, and the Date), null for a 304.
  async function fetchBytes(url, o, seen) {
    const tooLarge = (size, r) => {
      if (!(size > o.maxBytes)) return;
      if (r) r.body.cancel(); // not read
      throw coded(CODES.document_too_large, url);
    };
    const headers = Object.assign({ Accept: 'application/json' }, seen && seen.etag && { 'If-None-Match': seen.etag });
    const r = await fetch(url, { credentials: 'same-origin', headers, signal: AbortSignal.timeout(o.fetchTimeout) });
    if (seen && r.status === 304) return null;
    if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
    if (seen) Object.assign(seen, { etag: r.headers.get('ETag'), date: r.headers.get('Date') });
    tooLarge(+r.headers.get('Content-Length'), r);
    const bytes = new Uint8Array(await r.arrayBuffer());
    tooLarge(bytes.length);
    return bytes;
  }

  // What this browser keeps (localStorage), read by `read`; `fallback` where storage is refused
  // (private browsing, a sandboxed frame).
  const stored = (read, fallback) => { try { return read(localStorage); } catch (e) { return fallback; } };
  // An error the widget raises itself, with its code (CODES).
  const coded = (code, message) => Object.assign(new Error(message), { colloquyCode: code });

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
  const coreOptions = (o, sort) => ({ sort, theme: o.theme, locale: o.locale, pageUrl: canonicalUrl(), storiesCount: o.storiesCount,
    summaryLength: o.summaryLength, pageSize: o.pageSize, timeZone: o.timeZone, relativeDays: o.relativeDays, now: Date.now(),
    votes: o.votes, avatars: o.avatars });

  // The thread in the core, read once and rendered a slice at a time (a session, api.hpp) in
  // short tasks: the document read in steps, the first screen drawn, then the other slices. Those
  // are parsed outside the page and moved in one per step every SHOW_MS (and after the last), so
  // the frames between the tasks have nothing new to lay out.
  const NOTHING = new Uint8Array(0), TASK_MS = 30, SHOW_MS = 250; // a task's steps end within TASK_MS
  // The next task, by a message (nested timeouts wait 4 ms each); `drawn`: once the next frame is
  // drawn. It resolves to the time the task starts.
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
    // A step: a held slice into the page when it is time, else the next slice rendered and held.
    function step(now) {
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

  // data-theme="auto": the page's colour-scheme (CSS, else <meta name="color-scheme">), the reader's preference, then
  // the backgrounds (colour, image) from the mount element up, for the core to judge (a 1x1 canvas reads any colour).
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
    // A status line and its Retry button, the comments, the form, the stories, a live region; the
    // frame holds a screen's height (.reserve) until release().
    root.innerHTML = trusted('<div class="colloquy reserve" part="root" lang="' + SETUP.lang + '" dir="' + SETUP.dir + '"><p class="status" role="status" hidden>' +
      '</p><button class="reload" type="button" data-action="reload" hidden></button><div class="comments-slot"></div>' +
      '<div class="compose-slot"></div><div class="stories-slot"></div><p class="announce" role="status"></p></div>');
    root.adoptedStyleSheets = [baseSheet()];
    const frame = root.firstChild;
    const [status, reload, commentsSlot, composeSlot, storiesSlot] = frame.children;
    // Pre-rendered comments (`colloquy render`) show through a slot until adopted.
    state.adopted = element.querySelector(':scope > .colloquy-static');
    if (state.adopted) commentsSlot.appendChild(document.createElement('slot'));
    const stop = new AbortController(); // ends every listener on destroy()
    // As colloquy-post.js keeps them: this reader's votes (pressed) and edit windows (the core shows Edit while open).
    const kept = (name) => stored((s) => JSON.parse(s.getItem('colloquy:' + name + ':' + placeKey())), null) || {};
    const opts = (extra) => Object.assign(coreOptions(state.o, state.sort), { voted: kept('votes'), editable: kept('edits') }, extra);
    // Nothing on the host page moves: the space the frame holds (.reserve) goes when that moves
    // nothing on screen: the content ends below it, or the reader is past it (scroll anchoring holds).
    function release() {
      const end = storiesSlot.getBoundingClientRect().bottom, bottom = frame.getBoundingClientRect().bottom;
      const past = bottom <= 0 && document.documentElement.scrollHeight - (bottom - end) >= scrollY + innerHeight;
      if (end >= innerHeight || past) frame.classList.remove('reserve');
      else addEventListener('scroll', release, { signal: stop.signal, once: true, passive: true });
    }

    // The core's messages in the widget's language; until it has loaded, the English ones.
    const message = (key) => state.messages[key] || key;
    function showStatus(key, retry) {
      status.textContent = key ? message(key) : '';
      status.hidden = !key;
      reload.hidden = !(key && retry);
      reload.textContent = message('retry');
    }

    // While the page stays open, dates are relabelled and the thread asked again for new comments
    // (colloquy-live.js, fetched at the first tick: after 30–60 s, or data-live ms).
    const liveDelay = () => (+state.o.live > 0 ? +state.o.live : state.o.live === 'off' ? 60000 : 30000 + Math.random() * 30000);
    function live() {
      if (!state.liveTimer) state.liveTimer = setTimeout(() => loadPart('live').then((run) => run(w), (e) => warn(e.message)), liveDelay());
    }

    // The thread; what the page's author should hear of it (options the core ignored, comments it
    // repaired) is colloquy-warn.js's, fetched only when there is something to say.
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
      const token = ++state.token;
      const o = state.o;
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
      const styled = loadStyles().then((s) => {
        if (s && !root.adoptedStyleSheets.includes(s)) root.adoptedStyleSheets = root.adoptedStyleSheets.concat(s);
      });
      // No endpoint: the thread lives in this browser's storage (colloquy-post.js).
      const url = commentsUrl(o, state.sort);
      const bytes = url ? fetchBytes(url, o, (state.loaded = {})) : loadPart('post').then((p) => JSON.stringify(p.localThread(o.thread)));
      // A slow endpoint: "Loading comments…" after 300 ms, until the answer (or the deadline).
      const slow = setTimeout(() => { if (state.token === token && !state.adopted) showStatus('loading'); }, 300);
      const work = [Promise.all([bytes, core, styled]).finally(() => clearTimeout(slow)).then(([b]) => {
        if (state.token !== token) return;
        showStatus('');
        state.comments = [b]; // the thread's pages
        return showThread(token).then(toComment);
      }).catch((e) => core.catch(() => {}).then(() => {
        if (state.token !== token) return;
        // Said by the loader, in the core's words once it is here (what failed may be the network
        // the next script would come through); what follows is colloquy-fail.js's.
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
    // After each render, a frame later (showThread: the thread is laid out by then, so release() forces no
    // layout of it): the bottom form, then, awaited, posting's work (colloquy-act.js) when the reader has written or the thread lives here.
    function afterRender() {
      if (!composeSlot.firstChild) composeSlot.appendChild(w.newForm('', -1));
      if (frame.classList.contains('reserve')) release();
      live();
      if (!(state.posting || !state.o.comments || hasWritten())) return;
      return loadPart('act').then((act) => act.written(w), (e) => warn(e.message));
    }
    // What the scripts fetched when needed share of this widget.
    const w = { element, root, frame, commentsSlot, composeSlot, storiesSlot, state, stop: stop.signal, CODES, warn, trusted, htmlNode,
      loadPart, loadCore, endpoint, placeKey, fetchBytes, commentsUrl, showThread, afterRender, message, liveDelay, configure,
      load: () => (handle.ready = load()),
      insertRest: (container, rest, token) => insertRest(container, rest, token, state, opts({ session: state.session.id })),
      // The core's answers (from the module that exports `name`), with the widget's options plus `extra`.
      call: (name, input, extra) => call(coreFor(name, state.core), name, input, opts(extra)),
      plain: (name, input, extra) => callPlain(coreFor(name, state.core), name, input, opts(extra)),
      // A compose form, marked with the place (placeKey) its drafts belong to.
      newForm: (parent, parentDepth) => Object.assign(htmlNode(w.call('colloquy_render_compose', '', { parent, parentDepth }).html),
        { colloquyPlace: placeKey() }) };

    // The reader's clicks, focus, typing and choices are colloquy-act.js's, fetched on the first
    // (a reader who only reads never needs it); no form is ever submitted by the browser. If
    // colloquy-act.js cannot come (offline since the page loaded), a form's words are kept as the
    // draft posting reads, and a post says "Not sent yet" and is made again online.
    const on = { signal: stop.signal }, resend = () => react('submit', composeSlot.firstChild);
    function react(type, target) {
      loadPart('act').then((act) => act(w, type, target), (e) => {
        warn(e.message);
        const form = target.closest('form.compose'); // the bottom one: the others are posting's
        if (!form) return;
        stored((s) => s.setItem('colloquy:draft:' + form.colloquyPlace + '\n', JSON.stringify(Object.fromEntries(new FormData(form)))));
        if (type !== 'submit') return;
        Object.assign(form.querySelector('.error[data-for=""]'), { textContent: message('not_sent'), hidden: false });
        addEventListener('online', resend, { once: true, signal: stop.signal }); // the same listener: once, however many clicks
      });
    }
    ['click', 'focusin', 'input', 'submit', 'change'].forEach((type) => root.addEventListener(type, (event) => {
      const target = event.target; // read now: after dispatch, an event from a shadow tree has none
      if (type === 'submit') event.preventDefault();
      if (state.core) react(type, target);
    }, on));

    // The core's light or dark, plus " opaque" for a background of its own (before it loads: the theme as given), decided
    // again when <html> or <body> changes an attribute (class, data-theme, style), <head> its meta tags, or the reader's preference.
    function setScheme() {
      const scheme = state.core ? callPlain(state.core, 'colloquy_page_scheme', pageColors(element), { theme: state.o.theme }) : state.o.theme;
      if (frame.getAttribute('data-scheme') !== scheme) frame.setAttribute('data-scheme', scheme);
    }
    const watcher = new MutationObserver(setScheme);
    [document.documentElement, document.body].forEach((el) => el && watcher.observe(el, { attributes: true }));
    if (document.head) watcher.observe(document.head, { subtree: true, childList: true, attributeFilter: ['content'] });
    if (window.matchMedia) matchMedia('(prefers-color-scheme: dark)').addEventListener('change', setScheme, on);

    // A link to a comment (#comment-<id>, at load or later): fragments do not reach into a
    // shadow root, so colloquy-link.js finds, shows and focuses it.
    const linked = () => /^#comment-./.test(location.hash);
    const toComment = () => linked() && state.comments && loadPart('link').then((link) => link(w), (e) => warn(e.message));
    window.addEventListener('hashchange', () => (linked() && near ? near.go() : toComment()), on);

    // Nothing heavy until the widget is a viewport away (or eager, or linked to a comment). A widget
    // that is already (a top-level page, the element laid out) need not wait a frame for the observer.
    let near = null;
    function nearNow() {
      const r = element.getBoundingClientRect();
      return window === top && element.getClientRects().length > 0 && r.top < 2 * innerHeight && r.bottom > -innerHeight;
    }
    function whenNear(go) {
      if (state.o.load === 'eager' || linked() || !window.IntersectionObserver || nearNow()) return go();
      near = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) near.go(); }, { rootMargin: '100% 0px' });
      near.go = () => { near.disconnect(); near = null; go(); };
      near.observe(element);
    }

    // The options, completed from the page and the defaults, and the theme they ask for.
    function configure(options) {
      state.o = resolveOptions(options);
      state.sort = state.o.sort;
      frame.setAttribute('data-theme', state.o.theme);
      setScheme();
    }
    const handle = {
      // Single-page sites: another thread or other options for this widget (colloquy-spa.js).
      update: (next) => (handle.ready = loadPart('spa').then((spa) => spa.update(w, next),
        (e) => say('no_update', e.message))),
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
      } catch (e) {
        warn('mount failed: ' + e.message);
        return null;
      }
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
    try {
      element = document.querySelector(target);
    } catch (e) {
      missing = 'no_selector';
    }
    if (instances.has(element)) return say('taken', target);
    if (!element) {
      if (d.target) say(missing, target);
      element = document.createElement('div');
      element.id = /^#[\w-]+$/.test(target) && !document.getElementById(target.slice(1)) ? target.slice(1) : '';
      if (document.body && document.body.contains(tag)) tag.after(element);
      else document.body.appendChild(element);
    }
    // The data-* options by their names (data-timezone is the option timeZone).
    Colloquy.mount(element, Object.assign({}, d, { timeZone: d.timezone, load: d.load || DEFAULTS.load }));
  }
  // Mounts once the document is parsed (a script in <head> waits for <body>).
  const whenReady = (tag) => (document.readyState === 'loading' ? document.addEventListener('DOMContentLoaded', () => autoMount(tag)) : autoMount(tag));
  document.addEventListener('colloquy:script', (e) => whenReady(e.detail));
  whenReady(script);
})();
