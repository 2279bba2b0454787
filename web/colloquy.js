/*! Colloquy: comments and Latest Stories for any page. https://github.com/colloquy */
// The loader: loads the core (colloquy.wasm), moves bytes in and HTML out into a shadow root. All
// logic is the core's; what reading does not need comes in scripts fetched when needed (loadPart).
(() => {
  'use strict';
  // Loaded again by another script tag: the first copy keeps working and mounts for that tag.
  if (window.Colloquy) return document.dispatchEvent(new CustomEvent('colloquy:script', { detail: document.currentScript }));

  const script = document.currentScript;
  const BASE = new URL('.', (script && script.src) || location.href);
  // Written in by the build (wasm/widget.cmake): the core's defaults and English messages, and
  // each file's hash, so a new build is a new URL (?v=) that servers may cache for good.
  const SETUP = /*@COLLOQUY_SETUP@*/null;
  const VERSIONS = /*@COLLOQUY_VERSIONS@*/{};
  const DEFAULTS = Object.freeze(SETUP.defaults);
  // The codes the widget raises itself, each in the core's registry (error.hpp; a test checks).
  const CODES = Object.freeze({ not_xml: 'not_xml', honeypot_filled: 'honeypot_filled', storage_refused: 'storage_refused',
    bad_answer: 'bad_answer', document_too_large: 'document_too_large' });
  function assetUrl(name) {
    const url = new URL(name, BASE);
    if (VERSIONS[name]) url.search = '?v=' + VERSIONS[name];
    return url;
  }
  // This folder may be another origin (a CDN): CORS, with cookies only to this page's origin.
  async function fetchAsset(name) {
    const r = await fetch(assetUrl(name), { mode: 'cors', credentials: 'same-origin' });
    if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + r.url);
    return r;
  }
  // Trusted Types: the one policy, "colloquy", passes the core's HTML and this folder's scripts.
  const policy = window.trustedTypes && window.trustedTypes.createPolicy('colloquy', {
    createHTML: (coreHtml) => coreHtml,
    createScriptURL(url) {
      const part = /\/(colloquy-[a-z]+\.js)(\?|$)/.exec(url);
      if (!part || assetUrl(part[1]).href !== url) throw new TypeError('not a Colloquy script: ' + url);
      return url;
    }
  });
  const trusted = (coreHtml) => (policy ? policy.createHTML(coreHtml) : coreHtml);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const warn = (message, hint) => console.warn('[colloquy] ' + message + (hint ? ' (' + hint + ')' : ''));

  // colloquy-<name>.js, once per page; it hands its export over in the event "colloquy:<name>".
  const parts = {};
  function loadPart(name) {
    parts[name] = parts[name] || new Promise((resolve, reject) => {
      const tag = document.createElement('script');
      const url = assetUrl('colloquy-' + name + '.js').href;
      document.addEventListener('colloquy:' + name, (e) => resolve(e.detail), { once: true });
      tag.onerror = () => {
        parts[name] = null;
        reject(new Error('colloquy-' + name + '.js not loaded from ' + url));
      };
      tag.src = policy ? policy.createScriptURL(url) : url;
      document.head.appendChild(tag);
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
      // Functions compile on their first call: a render now takes that off the first paint.
      if (core.x.colloquy_session_open) core.x.colloquy_session_close(call(core, 'colloquy_session_open', encoder.encode('[{"id":"w","created":0,"text":"*w* w"}]'), { now: 1 }).meta.session);
      return (handles[file] = core);
    });
    cores[file].catch(() => { cores[file] = null; }); // a later mount may retry
    return cores[file];
  }

  // A core entry point on bytes + options; its answer's view is valid until the next call.
  function invoke(core, name, input, options) {
    zone.name = options.timeZone || 'UTC';
    const opts = encoder.encode(JSON.stringify(options));
    const x = core.x;
    try {
      const inPtr = x.colloquy_alloc(input.length);
      const optPtr = x.colloquy_alloc(opts.length);
      new Uint8Array(x.memory.buffer, inPtr, input.length).set(input);
      new Uint8Array(x.memory.buffer, optPtr, opts.length).set(opts);
      x[name](inPtr, input.length, optPtr, opts.length);
      x.colloquy_free(inPtr);
      x.colloquy_free(optPtr);
      return new Uint8Array(x.memory.buffer, x.colloquy_result_data(), x.colloquy_result_size());
    } catch (e) {
      warn('the core failed in ' + name + ' (' + e.message + '); it starts afresh', 'please report this with the page');
      start(core, new WebAssembly.Instance(core.module, core.imports));
      throw e;
    }
  }
  // Plain-text answers (labels, JSON metas without HTML).
  function callPlain(core, name, text, options) {
    const out = decoder.decode(invoke(core, name, typeof text === 'string' ? encoder.encode(text) : text, options));
    core.x.colloquy_result_clear();
    return out;
  }
  // HTML answers: {meta, slices}, the HTML cut where top-level threads start.
  function call(core, name, input, options) {
    const out = invoke(core, name, input, options);
    const nul = out.indexOf(0) < 0 ? out.length : out.indexOf(0); // none: a meta-only answer
    const meta = JSON.parse(decoder.decode(out.subarray(0, nul)));
    // Copied out first: decoding many small views of the memory is ~8 times slower.
    const html = out.slice(nul + 1);
    const cuts = [0].concat(meta.chunks || [], [html.length]);
    const slices = cuts.slice(1).map((end, i) => decoder.decode(html.subarray(cuts[i], end)));
    core.x.colloquy_result_clear();
    return { meta, slices };
  }
  function htmlNode(coreHtml) {
    const t = document.createElement('template');
    t.innerHTML = trusted(coreHtml);
    return t.content.firstElementChild;
  }

  // The stylesheet, once per page; rules that must hold without it: the honeypot and the live
  // region (heard, not seen) stay out of sight; the widget's box is laid out alike before and
  // after it (no margin collapsing through) and holds its space from the mount (.reserve).
  let base = null;
  let sheetPromise = null;
  function baseSheet() {
    if (!base) {
      base = new CSSStyleSheet();
      base.replaceSync('.hp,.announce{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}' +
        ':host{display:block;contain:content}.colloquy{display:flow-root}.reserve{min-height:100vh}');
    }
    return base;
  }
  function loadStyles() {
    sheetPromise = sheetPromise || fetchAsset('colloquy.css').then((r) => r.text()).then((css) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      return sheet;
    }).catch((e) => warn('styles not loaded: ' + e.message, 'serve colloquy.css next to colloquy.js'));
    return sheetPromise;
  }

  // GET with a deadline (o.fetchTimeout) and a size cap (o.maxBytes), checked before reading.
  // With `seen`, a conditional GET: If-None-Match its etag (then kept), null for a 304.
  async function fetchBytes(url, o, seen) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), o.fetchTimeout);
    const tooLarge = (size) => {
      if (!(size > o.maxBytes)) return;
      abort.abort();
      throw Object.assign(new Error('larger than data-max-bytes (' + o.maxBytes + ' bytes)'), { colloquyCode: CODES.document_too_large });
    };
    try {
      const headers = Object.assign({ Accept: 'application/json' }, seen && seen.etag && { 'If-None-Match': seen.etag });
      const r = await fetch(url, { credentials: 'same-origin', headers, signal: abort.signal });
      if (seen && r.status === 304) return null;
      if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
      if (seen) seen.etag = r.headers.get('ETag');
      tooLarge(+r.headers.get('Content-Length'));
      const bytes = new Uint8Array(await r.arrayBuffer());
      tooLarge(bytes.length);
      return bytes;
    } catch (e) {
      throw e.name === 'AbortError' ? new Error('no answer in ' + o.fetchTimeout + ' ms from ' + url) : e;
    } finally {
      clearTimeout(timer);
    }
  }

  // Pages of one thread, as the core reads them: documents separated by a NUL byte.
  function joinPages(pages, page) {
    if (!pages) return page;
    const joined = new Uint8Array(pages.length + 1 + page.length);
    joined.set(pages);
    joined.set(page, pages.length + 1);
    return joined;
  }

  function canonicalUrl() {
    const link = document.querySelector('link[rel="canonical"]');
    return link && link.href ? link.href : location.href.split('#')[0];
  }
  // The options given, completed from the page and the defaults (the core reports what it ignores).
  function resolveOptions(options) {
    const o = Object.assign({}, DEFAULTS);
    Object.keys(options).forEach((k) => { if (options[k] !== undefined && options[k] !== null && options[k] !== '') o[k] = options[k]; });
    if (!options.thread) o.thread = new URL(canonicalUrl()).pathname;
    if (!options.locale) o.locale = document.documentElement.lang || navigator.language || DEFAULTS.locale;
    ['pageSize', 'storiesCount', 'summaryLength', 'relativeDays', 'postTimeout', 'fetchTimeout', 'maxBytes'].forEach((k) => {
      const n = parseInt(o[k], 10);
      o[k] = n > 0 || (n === 0 && (k === 'pageSize' || k === 'relativeDays')) ? n : DEFAULTS[k];
    });
    if (!/^(auto|light|dark)$/.test(o.theme)) o.theme = DEFAULTS.theme;
    return o;
  }
  // The comments endpoint, asked for a page of `limit` top-level threads (DESIGN §2).
  function commentsUrl(o) {
    if (!o.comments) return null;
    const url = new URL(o.comments, location.href);
    url.searchParams.set('thread', o.thread);
    if (o.pageSize) url.searchParams.set('limit', String(o.pageSize));
    return url;
  }
  const coreOptions = (o, sort) => ({ sort, locale: o.locale, pageUrl: canonicalUrl(), storiesCount: o.storiesCount,
    summaryLength: o.summaryLength, pageSize: o.pageSize, timeZone: o.timeZone, relativeDays: o.relativeDays, now: Date.now(),
    votes: o.votes !== 'off' && o.votes !== false, avatars: o.avatars !== 'off' && o.avatars !== false });

  // The thread in the core, read once and rendered a slice at a time (a session, api.hpp) in
  // short tasks: the document read in steps, the first screen shown, then the other slices.
  const NOTHING = new Uint8Array(0);
  const later = () => new Promise((resolve) => setTimeout(resolve, 0));
  const closeSession = (state) => state.session && state.session.x === state.core.x && state.core.x.colloquy_session_close(state.session.id);
  async function openSession(state, options, token) {
    closeSession(state);
    let r = call(state.core, 'colloquy_session_open', state.comments, options);
    state.session = { x: state.core.x, id: r.meta.session };
    for (const id = r.meta.session; r.meta.reading && state.token === token;) {
      await later();
      r = call(state.core, 'colloquy_session_read', NOTHING, Object.assign({ session: id }, options));
    }
    return r;
  }
  async function insertRest(container, rest, token, state) {
    const id = state.session.id;
    while (rest && state.token === token) {
      for (const start = performance.now(); rest && performance.now() - start < 8;) {
        const r = call(state.core, 'colloquy_session_slice', NOTHING, Object.assign({ session: id }, rest, coreOptions(state.o, state.sort)));
        rest = r.meta.ok && r.meta.rest; // a closed session: what is shown stays
        if (r.meta.ok) container.insertAdjacentHTML('beforeend', trusted(r.slices.join('')));
      }
      if (rest) await later();
    }
  }

  // data-theme="auto": the page's colour-scheme, the reader's preference, then the backgrounds
  // from the mount element up, for the core to judge light or dark (a 1x1 canvas reads any syntax).
  let probe = null;
  function rgba(css) {
    probe = probe || document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    if (!probe) return [255, 255, 255, 0];
    probe.clearRect(0, 0, 1, 1);
    probe.fillStyle = css;
    probe.fillRect(0, 0, 1, 1);
    return probe.getImageData(0, 0, 1, 1).data;
  }
  function pageColors(element) {
    const lines = [getComputedStyle(document.documentElement).colorScheme || '',
      window.matchMedia && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : ''];
    for (let el = element; el; el = el.parentElement) lines.push(rgba(getComputedStyle(el).backgroundColor).join(' '));
    return lines.join('\n');
  }

  function mount(element, given) {
    if (!(element instanceof Element)) throw new TypeError('Colloquy.mount needs an element');
    const state = { token: 0, o: null, comments: null, sort: 'oldest', shown: 0, told: {}, core: null, session: null, messages: SETUP.messages };
    const root = element.shadowRoot || element.attachShadow({ mode: 'open' });
    // A status line and its Retry button, the comments, the form, the stories, a live region.
    root.innerHTML = trusted('<div class="colloquy" part="root" lang="' + SETUP.lang + '"><p class="status" role="status" hidden></p>' +
      '<button class="reload" type="button" data-action="reload" hidden></button><div class="comments-slot"></div>' +
      '<div class="compose-slot"></div><div class="stories-slot"></div><p class="announce" role="status"></p></div>');
    root.adoptedStyleSheets = [baseSheet()];
    const frame = root.firstChild;
    const [status, reload, commentsSlot, composeSlot, storiesSlot] = frame.children;
    // Pre-rendered comments (`colloquy render`) show through a slot until adopted.
    state.adopted = element.querySelector(':scope > .colloquy-static');
    if (state.adopted) commentsSlot.appendChild(document.createElement('slot'));
    const stop = new AbortController(); // ends every listener on destroy()
    // This reader's votes in this thread (colloquy-post.js keeps them): their buttons render pressed.
    const voted = () => {
      try {
        return JSON.parse(localStorage.getItem('colloquy:votes:' + placeKey())) || {};
      } catch (e) {
        return {}; // no storage: no votes kept
      }
    };
    const opts = (extra) => Object.assign(coreOptions(state.o, state.sort), { voted: voted() }, extra);
    // Nothing on the host page moves: the space held (.reserve) goes when that moves nothing on
    // screen: the content ends below it, or the reader is past it (scroll anchoring holds).
    frame.classList.add('reserve');
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

    // The thread; options the core ignored are said once, repaired comments on each render.
    async function renderComments(token) {
      // Re-sorting keeps as many top-level threads on screen as "Load more" had shown.
      const r = await openSession(state, opts(state.o.pageSize && state.shown > state.o.pageSize ? { pageSize: state.shown } : {}), token);
      if (state.token !== token) return;
      if (!r.meta.ok) {
        warn('the comments document was not usable: ' + r.meta.error.code, r.meta.error.message);
        showStatus('comments_unusable');
        commentsSlot.textContent = '';
        return Promise.resolve();
      }
      const once = (key, text, hint) => {
        if (!state.told[key]) warn(text, hint);
        state.told[key] = true;
      };
      r.meta.ignored.forEach((k) => once(k + state.o[k], 'option ' + k + ' "' + state.o[k] + '" is not supported, the default is used', 'see README, "Embed it"'));
      r.meta.problems.forEach((p) => warn('comment ' + (p.id || '#' + p.index) + ' skipped or repaired: ' + p.code));
      if (r.meta.problemsOmitted) once('omitted', r.meta.problemsOmitted + ' more problems in the comments document not listed', 'colloquy check lists them');
      state.shown = r.meta.page ? r.meta.page.threads : 0;
      if (state.adopted) return loadPart('adopt').then((adopt) => adopt(w, r, token));
      commentsSlot.innerHTML = trusted(r.slices.join(''));
      return w.insertRest(commentsSlot.querySelector('.list'), r.meta.rest, token);
    }
    const showThread = (token) => renderComments(token).then(() => (state.token === token ? afterRender() : undefined));

    function load() {
      const token = ++state.token;
      const o = state.o;
      state.shown = 0;
      state.told.omitted = false;
      showStatus('');
      const own = 'colloquy-' + (/^[a-z]{2,3}(?![a-z])/i.exec(o.locale) || ['en'])[0].toLowerCase() + '.wasm'; // the language's module, if built; a named zone needs colloquy-zone.js
      const core = Promise.all([loadCore(VERSIONS[own] ? own : undefined), namedZone(o.timeZone) && loadPart('zone')]).then(([c, named]) => {
        state.core = c;
        zone.named = named || zone.named;
        ({ messages: state.messages, lang: frame.lang } = JSON.parse(callPlain(c, 'colloquy_widget_setup', '', opts())));
        setScheme();
      });
      if (state.adopted) loadPart('adopt'); // on its way with the comments
      // On every path, failures included, and before the comments show (or they would move).
      const styled = loadStyles().then((s) => {
        if (s && !root.adoptedStyleSheets.includes(s)) root.adoptedStyleSheets = root.adoptedStyleSheets.concat(s);
      });
      // No endpoint: the thread lives in this browser's storage (colloquy-post.js).
      const url = commentsUrl(o);
      const bytes = url ? fetchBytes(url, o) : loadPart('post').then((p) => encoder.encode(JSON.stringify(p.localThread(o.thread))));
      // A slow endpoint: "Loading comments…" after 300 ms, until the answer (or the deadline).
      const slow = setTimeout(() => { if (state.token === token && !state.adopted) showStatus('loading'); }, 300);
      const work = [Promise.all([bytes, core, styled]).then(([b]) => {
        clearTimeout(slow);
        if (state.token !== token) return;
        showStatus('');
        state.comments = b;
        return showThread(token).then(toComment);
      }).catch((e) => {
        clearTimeout(slow);
        if (e.colloquyCode) warn('comments refused: ' + e.colloquyCode + ', ' + e.message, 'raise data-max-bytes, or page the thread with data-page-size');
        else warn('comments not loaded: ' + e.message, 'check data-comments and that colloquy.wasm is served next to colloquy.js');
        // The reader can still write: the form and unsent comments stay, posts wait in the outbox.
        return core.then(() => {
          if (state.token !== token) return;
          showStatus(e.colloquyCode ? 'comments_unusable' : 'comments_unavailable', !e.colloquyCode);
          commentsSlot[state.adopted ? 'append' : 'replaceChildren'](htmlNode('<div class="list"></div>'));
          afterRender();
        }, () => { if (state.token === token) showStatus('comments_unavailable', true); });
      })];
      // The Latest Stories strip: colloquy-stories.js fetches and shows it, for a page that asks.
      if (o.stories) work.push(loadPart('stories').then((stories) => stories(w, Promise.all([core, loadCore('colloquy-stories.wasm')]), token), (e) => warn('stories not shown: ' + e.message)));
      return Promise.all(work);
    }

    // Posting (colloquy-post.js) comes when a reader starts writing, or has written before.
    const endpoint = () => (state.o.comments ? new URL(state.o.comments, location.href).href : '');
    const placeKey = () => endpoint() + '\n' + state.o.thread; // drafts, outbox, "mine" are per place
    function posting() {
      if (!state.posting) {
        state.posting = Promise.all([loadPart('post'), loadCore('colloquy-post.wasm')]).then(([p]) => p.attach(w));
        state.posting.catch((e) => {
          state.posting = null;
          warn('posting unavailable: ' + e.message, 'serve colloquy-post.js and colloquy-post.wasm next to colloquy.js');
        });
      }
      return state.posting;
    }
    function hasWritten() {
      try {
        return Object.keys(localStorage).some((k) => /^colloquy:(author|outbox|draft:|pending:)/.test(k));
      } catch (e) {
        return false; // no storage: nothing written
      }
    }
    // After each render: the bottom form, then posting's work when needed (awaited by the render).
    function afterRender() {
      if (!composeSlot.firstChild) composeSlot.appendChild(w.newForm('', -1));
      if (frame.classList.contains('reserve')) release();
      live();
      if (state.posting || !state.o.comments || hasWritten()) return posting().then((p) => p.afterRender(), () => {});
    }
    // What the scripts fetched when needed share of this widget.
    const w = { element, root, frame, commentsSlot, composeSlot, storiesSlot, state, stop: stop.signal, CODES, warn, trusted, htmlNode, loadPart,
      endpoint, placeKey, joinPages, fetchBytes, commentsUrl, showThread, message, posting, liveDelay, load: () => (handle.ready = load()),
      insertRest: (container, rest, token) => insertRest(container, rest, token, state),
      encode: (text) => encoder.encode(text),
      // The core's answers (from the module that exports `name`), with the widget's options plus `extra`.
      call: (name, bytes, extra) => call(coreFor(name, state.core), name, bytes, opts(extra)),
      plain: (name, input, extra) => callPlain(coreFor(name, state.core), name, input, opts(extra)),
      html(name, text, extra) {
        const r = w.call(name, encoder.encode(text), extra);
        return { meta: r.meta, html: r.slices.join('') };
      },
      newForm: (parent, parentDepth) => htmlNode(w.html('colloquy_render_compose', '', { parent, parentDepth }).html) };

    // The reader's clicks, focus, typing and choices are colloquy-act.js's, fetched on the first
    // (a reader who only reads never needs it); no form is ever submitted by the browser. The
    // target is read now: after dispatch, an event from a shadow tree has none.
    const on = { signal: stop.signal };
    ['click', 'focusin', 'input', 'submit', 'change'].forEach((type) => root.addEventListener(type, (event) => {
      const target = event.target;
      if (type === 'submit') event.preventDefault();
      if (state.core) loadPart('act').then((act) => act(w, type, target), (e) => warn(e.message));
    }, on));

    // The scheme is decided again when <html> or <body> changes an attribute (class, data-theme,
    // style) or the reader's preference changes.
    function setScheme() {
      const scheme = state.o.theme !== 'auto' ? state.o.theme : state.core && callPlain(state.core, 'colloquy_page_scheme', pageColors(element), {});
      if (scheme && frame.getAttribute('data-scheme') !== scheme) frame.setAttribute('data-scheme', scheme);
    }
    const watcher = new MutationObserver(setScheme);
    [document.documentElement, document.body].forEach((el) => el && watcher.observe(el, { attributes: true }));
    if (window.matchMedia) matchMedia('(prefers-color-scheme: dark)').addEventListener('change', setScheme, on);

    // A link to a comment (#comment-<id>, at load or later): fragments do not reach into a
    // shadow root, so colloquy-link.js finds, shows and focuses it.
    const linked = () => /^#comment-./.test(location.hash);
    const toComment = () => linked() && state.comments && loadPart('link').then((link) => link(w), (e) => warn(e.message));
    window.addEventListener('hashchange', () => (linked() && near ? near.go() : toComment()), on);

    // Nothing heavy until the widget is a viewport away (or eager, or linked to a comment).
    let near = null;
    function whenNear(go) {
      if (state.o.load === 'eager' || linked() || !window.IntersectionObserver) return go();
      near = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) near.go(); }, { rootMargin: '100% 0px' });
      near.go = () => {
        near.disconnect();
        near = null;
        go();
      };
      near.observe(element);
    }

    const handle = {
      ready: null,
      update(next) {
        state.o = resolveOptions(Object.assign({}, state.o || given, next));
        state.sort = state.o.sort;
        frame.setAttribute('data-theme', state.o.theme);
        setScheme();
        if (state.started) handle.ready = load();
        else handle.ready = handle.ready || new Promise((resolve) => whenNear(() => {
          state.started = true;
          resolve(load());
        }));
        return handle.ready;
      },
      destroy() {
        state.token++;
        if (state.core) closeSession(state);
        clearTimeout(state.liveTimer);
        stop.abort();
        watcher.disconnect();
        if (near) near.disconnect();
        if (state.posting) state.posting.then((p) => p.destroy(), () => {});
        root.replaceChildren();
        root.adoptedStyleSheets = [];
        instances.delete(element);
      }
    };
    handle.update({});
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
    if (!tag) return warn('no script element to read options from', 'load colloquy.js with a <script src> tag, or call Colloquy.mount()');
    const d = tag.dataset;
    if (d.mount === 'manual') return; // the page calls Colloquy.mount() itself
    const target = d.target || DEFAULTS.target;
    let element = null;
    try {
      element = document.querySelector(target);
    } catch (e) {
      warn('data-target "' + target + '" is not a selector, mounted after the script instead');
    }
    if (element && instances.has(element)) {
      return warn('data-target "' + target + '" already holds a widget; this script tag mounts nothing', 'give each script tag its own data-target');
    }
    if (!element) {
      if (d.target) warn('data-target "' + target + '" matches nothing, mounted after the script instead');
      element = document.createElement('div');
      element.id = /^#[\w-]+$/.test(target) && !document.getElementById(target.slice(1)) ? target.slice(1) : '';
      if (document.body && document.body.contains(tag)) tag.after(element);
      else document.body.appendChild(element);
    }
    if (d.theme && !/^(auto|light|dark)$/.test(d.theme)) warn('data-theme "' + d.theme + '" is not auto, light or dark; auto is used');
    // The data-* options by their names (data-timezone is the option timeZone).
    Colloquy.mount(element, Object.assign({}, d, { timeZone: d.timezone, load: d.load || DEFAULTS.load }));
  }
  // Mounts once the document is parsed (a script in <head> waits for <body>).
  function whenReady(tag) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => autoMount(tag));
    else autoMount(tag);
  }
  document.addEventListener('colloquy:script', (e) => whenReady(e.detail));
  whenReady(script);
})();
