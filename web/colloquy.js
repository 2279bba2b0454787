/*! Colloquy: comments and Latest Stories for any page. https://github.com/colloquy */
// The loader: reads options, loads the core (colloquy.wasm, next to this script), moves bytes
// in and HTML out, and puts that HTML in an open shadow root. All logic lives in the core;
// posting (colloquy-post.js) is fetched only when a reader starts writing.
(function () {
  'use strict';
  // Loaded again by another script tag: the first copy keeps working and mounts for that tag.
  if (window.Colloquy) return document.dispatchEvent(new CustomEvent('colloquy:script', { detail: document.currentScript }));

  var script = document.currentScript;
  var BASE = new URL('.', (script && script.src) || location.href);
  // The core's defaults and English messages (colloquy::widget_setup("{}")), written in by the
  // build (wasm/widget.cmake) so that each is defined once, in the core; the messages are what
  // the widget says when the core itself cannot load.
  var SETUP = /*@COLLOQUY_SETUP@*/null;
  var DEFAULTS = Object.freeze(SETUP.defaults);
  // The stable error codes the widget raises itself; every code is defined in the core's
  // registry (include/colloquy/error.hpp), which a test checks this table against.
  var CODES = Object.freeze({ not_xml: 'not_xml', honeypot_filled: 'honeypot_filled', storage_refused: 'storage_refused',
    bad_answer: 'bad_answer', document_too_large: 'document_too_large' });
  // Files fetched from the folder this script came from, which may be another origin (a comments
  // server, a CDN): in CORS mode, cookies only to this page's own origin. The build writes each
  // file's hash here, so a new build is a new URL and servers may cache ?v= URLs for good.
  var VERSIONS = { 'colloquy.wasm': '@COLLOQUY_WASM_VERSION@', 'colloquy.css': '@COLLOQUY_CSS_VERSION@',
    'colloquy-post.js': '@COLLOQUY_POST_VERSION@', 'colloquy-post.wasm': '@COLLOQUY_POST_WASM_VERSION@',
    'colloquy-stories.wasm': '@COLLOQUY_STORIES_WASM_VERSION@' };
  function assetUrl(name) {
    var url = new URL(name, BASE);
    if (/^[0-9a-f]{16}$/.test(VERSIONS[name])) url.search = '?v=' + VERSIONS[name];
    return url;
  }
  function fetchAsset(name) {
    var url = assetUrl(name);
    return fetch(url, { mode: 'cors', credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
      return r;
    });
  }
  // Trusted Types: the one policy, "colloquy", passes the core's HTML and this folder's scripts.
  var policy = window.trustedTypes && window.trustedTypes.createPolicy('colloquy', {
    createHTML: function (coreHtml) { return coreHtml; },
    createScriptURL: function (url) {
      if (url !== assetUrl('colloquy-post.js').href) throw new TypeError('not a Colloquy script: ' + url);
      return url;
    }
  });
  function trusted(coreHtml) { return policy ? policy.createHTML(coreHtml) : coreHtml; }
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();

  function warn(message, hint) {
    console.warn('[colloquy] ' + message + (hint ? ' (' + hint + ')' : ''));
  }

  // Minutes east of UTC at an instant in a zone: the core asks through its one real import.
  var zone = 'UTC';
  var zoneFormats = {};
  function zoneOffset(ms) {
    if (zone === 'local') return -new Date(ms).getTimezoneOffset();
    try {
      var f = zoneFormats[zone] || (zoneFormats[zone] = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric'
      }));
      var p = {};
      f.formatToParts(new Date(ms)).forEach(function (x) { p[x.type] = +x.value; });
      var wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
      return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
    } catch (e) {
      warn('unknown time zone ' + zone + ', dates shown in UTC', 'use an IANA name such as Europe/Paris');
      zone = 'UTC';
      return 0;
    }
  }

  // The core: standalone modules (colloquy.wasm reads; colloquy-stories.wasm, colloquy-post.wasm
  // are fetched when stories are shown or a reader writes); besides the zone offset each imports
  // two no-op system calls.
  // It resolves to a handle whose `x` is the live instance's exports: a call that traps (or
  // throws) may leave the instance's memory half-written, so the handle gets a fresh instance
  // of the compiled module at once, and every widget on the page keeps working.
  var cores = {};
  function start(handle, instance) {
    handle.x = instance.exports;
    handle.x._initialize();
    return handle;
  }
  function loadCore(file) {
    file = file || 'colloquy.wasm';
    if (cores[file]) return cores[file];
    var imports = {
      env: { emscripten_notify_memory_growth: function () {}, colloquy_zone_offset: function (ms) { return zoneOffset(ms); } },
      wasi_snapshot_preview1: { proc_exit: function (code) { throw new Error('core exited ' + code); } }
    };
    var viaBytes = function () {
      return fetchAsset(file).then(function (r) { return r.arrayBuffer(); })
        .then(function (bytes) { return WebAssembly.instantiate(bytes, imports); });
    };
    // Streaming compilation needs application/wasm; fall back to bytes when a server lies.
    var promise = cores[file] = (WebAssembly.instantiateStreaming
      ? WebAssembly.instantiateStreaming(fetchAsset(file), imports).catch(viaBytes)
      : viaBytes()
    ).then(function (result) {
      var core = start({ module: result.module, imports: imports, x: null }, result.instance);
      // The engine compiles each function of the module on its first call, on this thread: a
      // one-comment thread rendered now (while the comments are still on their way) takes that
      // cost off the first paint of the real one.
      if (file === 'colloquy.wasm') callPlain(core, 'colloquy_render_comments', '[{"id":"w","created":0,"text":"*w* w"}]', { now: 1 });
      return core;
    });
    promise.catch(function () { cores[file] = null; }); // a later mount may retry
    return promise;
  }

  // Runs a core entry point on bytes + options; returns a view of its answer, valid until the
  // next call (the caller decodes it, then clears it).
  function invoke(core, name, input, options) {
    zone = options.timeZone || 'UTC';
    var opts = encoder.encode(JSON.stringify(options));
    var x = core.x;
    try {
      var inPtr = x.colloquy_alloc(input.length);
      var optPtr = x.colloquy_alloc(opts.length);
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
    var out = decoder.decode(invoke(core, name, typeof text === 'string' ? encoder.encode(text) : text, options));
    core.x.colloquy_result_clear();
    return out;
  }

  // HTML answers: {meta, slices}, the HTML cut where top-level threads start.
  function call(core, name, input, options) {
    var out = invoke(core, name, input, options);
    var nul = out.indexOf(0);
    if (nul < 0) nul = out.length; // a meta-only answer
    var meta = JSON.parse(decoder.decode(out.subarray(0, nul)));
    // Copied out of the module's memory, then decoded slice by slice: decoding many small views
    // of the memory itself is ~8 times slower (10,000 comments: ~0.9 s against ~0.1 s in V8).
    var html = out.slice(nul + 1);
    var cuts = [0].concat(meta.chunks || [], [html.length]);
    var slices = [];
    for (var i = 0; i + 1 < cuts.length; i++) slices.push(decoder.decode(html.subarray(cuts[i], cuts[i + 1])));
    core.x.colloquy_result_clear();
    return { meta: meta, slices: slices };
  }
  function callHtml(core, name, text, options) {
    var r = call(core, name, encoder.encode(text), options);
    return { meta: r.meta, html: r.slices.join('') };
  }
  function htmlNode(coreHtml) {
    var t = document.createElement('template');
    t.innerHTML = trusted(coreHtml);
    return t.content.firstElementChild;
  }

  // The reader's drafts, name, outbox and browser-storage threads live in localStorage under
  // "colloquy:"; a storage that refuses (private browsing, quota) costs durability, never a post.
  var STORE = 'colloquy:';
  function stored(key, fallback) {
    try {
      var v = window.localStorage.getItem(STORE + key);
      return v ? JSON.parse(v) : fallback;
    } catch (e) { return fallback; }
  }
  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(STORE + key);
      else window.localStorage.setItem(STORE + key, JSON.stringify(value));
      return true;
    } catch (e) {
      warn('browser storage refused to save: ' + e.message, 'private browsing or storage full');
      return false;
    }
  }
  // The parts after `prefix` of the stored keys that start with it.
  function storedKeys(prefix) {
    var out = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var k = window.localStorage.key(i);
        if (k && k.indexOf(STORE + prefix) === 0) out.push(k.slice(STORE.length + prefix.length));
      }
    } catch (e) { /* no storage: no drafts */ }
    return out;
  }

  // Rules that must hold even when colloquy.css fails to load: the honeypot stays out of sight.
  var base = null;
  function baseSheet() {
    if (!base) {
      base = new CSSStyleSheet();
      base.replaceSync('.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}');
    }
    return base;
  }
  var sheetPromise = null;
  function loadStyles() {
    if (!sheetPromise) {
      sheetPromise = fetchAsset('colloquy.css').then(function (r) { return r.text(); }).then(function (css) {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        return sheet;
      }).catch(function (e) {
        warn('styles not loaded: ' + e.message, 'serve colloquy.css next to colloquy.js');
        return null;
      });
    }
    return sheetPromise;
  }

  // Posting, a second script: loaded once per page, it hands its attach function over in an
  // event (so the namespace stays one object).
  var postPromise = null;
  function loadPosting() {
    if (!postPromise) {
      postPromise = new Promise(function (resolve, reject) {
        var tag = document.createElement('script');
        var url = assetUrl('colloquy-post.js').href;
        document.addEventListener('colloquy:posting', function (e) { resolve(e.detail); }, { once: true });
        tag.onerror = function () { postPromise = null; reject(new Error('colloquy-post.js not loaded from ' + url)); };
        tag.src = policy ? policy.createScriptURL(url) : url;
        document.head.appendChild(tag);
      });
    }
    return postPromise;
  }

  // GET with a deadline (o.fetchTimeout ms) and a size cap (o.maxBytes): a larger document is
  // refused before it is read, let alone parsed (error.code document_too_large).
  function fetchBytes(url, o) {
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, o.fetchTimeout);
    var tooLarge = function () {
      abort.abort();
      var e = new Error('larger than data-max-bytes (' + o.maxBytes + ' bytes)');
      e.colloquyCode = CODES.document_too_large;
      throw e;
    };
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: abort.signal }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
      if (+r.headers.get('Content-Length') > o.maxBytes) tooLarge();
      return r.arrayBuffer();
    }).then(function (b) {
      if (b.byteLength > o.maxBytes) tooLarge();
      return new Uint8Array(b);
    }, function (e) {
      if (e.name === 'AbortError' && !e.colloquyCode) e = new Error('no answer in ' + o.fetchTimeout + ' ms from ' + url);
      throw e;
    }).finally(function () { clearTimeout(timer); });
  }

  // Latest Stories feeds, chosen by content (extensions and Content-Types lie): JSON goes to the
  // core as is. XML (RSS, Atom) is the browser's to decode and parse; the element tree goes to
  // the core, which maps it (colloquy/feed_tree.hpp). Returns the core's {meta, slices}.
  function renderFeed(core, bytes, options) {
    var i = bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF ? 3 : 0;
    while (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0A || bytes[i] === 0x0D) i++;
    if (bytes[i] !== 0x3C) return call(core, 'colloquy_render_stories', bytes, options); // not '<'
    var head = String.fromCharCode.apply(null, bytes.subarray(0, 256));
    var declared = /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/.exec(head);
    var doc;
    try {
      var source = new TextDecoder(i >= 3 || !declared ? 'utf-8' : declared[1], { fatal: true }).decode(bytes);
      doc = new DOMParser().parseFromString(source, 'application/xml');
    } catch (e) {
      return { meta: { ok: false, error: { code: CODES.not_xml, message: 'feed text not decodable: ' + e.message } } };
    }
    if (doc.getElementsByTagNameNS('http://www.w3.org/1999/xhtml', 'parsererror').length) {
      return { meta: { ok: false, error: { code: CODES.not_xml, message: 'feed is not well-formed XML' } } };
    }
    return call(core, 'colloquy_render_feed_tree', encoder.encode(elementTree(doc.documentElement)), options);
  }
  // The document as the core's neutral token stream (feed_tree.hpp): "<name", "@name=value",
  // "#text", ">" separated by NUL. Walked without recursion: a feed may nest deeper than the stack.
  function elementTree(top) {
    var out = [];
    for (var n = top; n;) {
      if (n.nodeType === 1) {
        out.push('<' + n.localName);
        for (var i = 0; i < n.attributes.length; i++) out.push('@' + n.attributes[i].name + '=' + n.attributes[i].value);
        if (n.firstChild) { n = n.firstChild; continue; }
        out.push('>');
      } else if (n.nodeType === 3 || n.nodeType === 4) out.push('#' + n.data);
      while (n !== top && !n.nextSibling) { n = n.parentNode; out.push('>'); }
      n = n === top ? null : n.nextSibling;
    }
    return out.join('\0');
  }

  // Pages of one thread, as the core reads them: documents separated by a NUL byte.
  function joinPages(pages, page) {
    if (!pages) return page;
    var joined = new Uint8Array(pages.length + 1 + page.length);
    joined.set(pages);
    joined.set(page, pages.length + 1);
    return joined;
  }

  function canonicalUrl() {
    var link = document.querySelector('link[rel="canonical"]');
    return link && link.href ? link.href : location.href.split('#')[0];
  }

  // The options as given, completed from the page (thread, language) and the core's defaults;
  // numbers the core cannot honour are its to report (meta "ignored").
  function resolveOptions(options) {
    var o = Object.assign({}, DEFAULTS);
    Object.keys(options || {}).forEach(function (k) {
      if (options[k] !== undefined && options[k] !== null && options[k] !== '') o[k] = options[k];
    });
    if (!options.thread) o.thread = new URL(canonicalUrl()).pathname;
    if (!options.locale) o.locale = document.documentElement.lang || navigator.language || DEFAULTS.locale;
    ['pageSize', 'storiesCount', 'summaryLength', 'relativeDays', 'postTimeout', 'fetchTimeout', 'maxBytes'].forEach(function (k) {
      var n = parseInt(o[k], 10);
      o[k] = n > 0 || (n === 0 && (k === 'pageSize' || k === 'relativeDays')) ? n : DEFAULTS[k];
    });
    if (!/^(auto|light|dark)$/.test(o.theme)) o.theme = DEFAULTS.theme;
    return o;
  }

  // The comments endpoint for a thread; with a page size, the server is asked for that many
  // top-level threads at a time (DESIGN §2 "limit"), and "Load more" follows its cursor.
  function commentsUrl(o) {
    if (!o.comments) return null;
    var url = new URL(o.comments, location.href);
    url.searchParams.set('thread', o.thread);
    if (o.pageSize) url.searchParams.set('limit', String(o.pageSize));
    return url;
  }

  function coreOptions(o, sort) {
    return {
      sort: sort, locale: o.locale, pageUrl: canonicalUrl(), storiesCount: o.storiesCount, summaryLength: o.summaryLength,
      pageSize: o.pageSize, timeZone: o.timeZone, relativeDays: o.relativeDays, now: Date.now()
    };
  }

  // Inserts slices (top-level threads) a few at a time, each task spending ~16 ms parsing HTML
  // so that it stays short once the browser has styled and laid out what it got (a long thread
  // never blocks the page); the first comments paint before the rest are inserted. Smaller
  // tasks cost more frames, and each frame's work grows with the list (firstpaint.mjs).
  function insertSlices(container, slices, token, state) {
    var i = 0;
    return new Promise(function (resolve) {
      (function step() {
        if (state.token !== token) return resolve();
        var start = performance.now();
        while (i < slices.length && performance.now() - start < 16) {
          var batch = '';
          for (var n = 0; n < 16 && i < slices.length; n++) batch += slices[i++];
          container.insertAdjacentHTML('beforeend', trusted(batch));
        }
        if (i < slices.length) setTimeout(step, 0); else resolve();
      })();
    });
  }

  // data-theme="auto": the backgrounds from the mount element up (read through a 1x1 canvas,
  // which takes any CSS colour syntax), the page's color-scheme and the reader's preference, for
  // the core to decide light or dark.
  var probe = null;
  function rgba(css) {
    if (!probe) probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    if (!probe) return [255, 255, 255, 0];
    probe.clearRect(0, 0, 1, 1);
    probe.fillStyle = css;
    probe.fillRect(0, 0, 1, 1);
    return probe.getImageData(0, 0, 1, 1).data;
  }
  function pageColors(element) {
    var lines = [getComputedStyle(document.documentElement).colorScheme || '',
      window.matchMedia && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : ''];
    for (var el = element; el; el = el.parentElement) lines.push(Array.prototype.join.call(rgba(getComputedStyle(el).backgroundColor), ' '));
    return lines.join('\n');
  }

  function mount(element, options) {
    if (!(element instanceof Element)) throw new TypeError('Colloquy.mount needs an element');
    var state = { token: 0, o: null, comments: null, sort: 'oldest', shown: 0, told: {}, core: null, messages: SETUP.messages };
    var root = element.shadowRoot || element.attachShadow({ mode: 'open' });
    function box(tag, className) {
      var el = document.createElement(tag);
      el.className = className;
      return el;
    }
    var frame = box('div', 'colloquy');
    frame.setAttribute('part', 'root');
    var status = box('p', 'status');
    status.setAttribute('role', 'status');
    status.hidden = true;
    var reload = box('button', 'reload');
    reload.type = 'button';
    reload.setAttribute('data-action', 'reload');
    reload.hidden = true;
    var commentsSlot = box('div', 'comments-slot');
    var composeSlot = box('div', 'compose-slot');
    var storiesSlot = box('div', 'stories-slot');
    frame.append(status, reload, commentsSlot, composeSlot, storiesSlot);
    // Comments pre-rendered in the mount element (`colloquy render`, section.colloquy-static)
    // stay on show through a slot until the widget's own replace them in one step (adopt).
    var adopted = element.querySelector(':scope > .colloquy-static');
    if (adopted) commentsSlot.appendChild(document.createElement('slot'));
    root.replaceChildren(frame);
    root.adoptedStyleSheets = [baseSheet()];

    // The core's messages in the widget's language (colloquy::widget_setup); until the core has
    // loaded, and if it never does, the English ones the build wrote in.
    function message(key) { return state.messages[key] || key; }
    // `retry`: a Retry button after the message that loads the thread again.
    function showStatus(key, retry) {
      status.textContent = key ? message(key) : '';
      status.hidden = !key;
      reload.hidden = !(key && retry);
      if (!reload.hidden) reload.textContent = message('retry');
    }

    // Relative dates ("3 minutes ago") age while the page stays open: relabel them each minute.
    function refreshTimes(core) {
      var times = root.querySelectorAll('article.comment time[datetime]');
      if (!times.length) return;
      var iso = [];
      for (var i = 0; i < times.length; i++) iso.push(times[i].getAttribute('datetime'));
      var labels = callPlain(core, 'colloquy_format_times', iso.join('\n'), coreOptions(state.o, state.sort)).split('\n');
      for (var k = 0; k < times.length; k++) {
        if (labels[k] && times[k].textContent !== labels[k]) times[k].textContent = labels[k];
      }
    }
    var timer = setInterval(function () {
      if (!document.hidden && state.core) refreshTimes(state.core);
    }, 60000);

    function renderComments(core, token) {
      var options = coreOptions(state.o, state.sort);
      // Re-sorting keeps as many top-level threads on screen as "load more" had shown.
      if (options.pageSize && state.shown > options.pageSize) options.pageSize = state.shown;
      var r = call(core, 'colloquy_render_comments', state.comments, options);
      if (!r.meta.ok) {
        warn('the comments document was not usable: ' + r.meta.error.code, r.meta.error.message);
        showStatus('comments_unusable');
        commentsSlot.textContent = '';
        return Promise.resolve();
      }
      // Options the core could not honour (an unknown sort, a language not built in, ...): said once.
      (r.meta.ignored || []).forEach(function (k) {
        if (state.told[k + state.o[k]]) return;
        state.told[k + state.o[k]] = true;
        warn('option ' + k + ' "' + state.o[k] + '" is not supported, the default is used', 'see README, "Embed it"');
      });
      (r.meta.problems || []).forEach(function (p) {
        warn('comment ' + (p.id || '#' + p.index) + ' skipped or repaired: ' + p.code);
      });
      if (r.meta.problemsOmitted && !state.told.omitted) {
        state.told.omitted = true;
        warn(r.meta.problemsOmitted + ' more problems in the comments document not listed', 'colloquy check lists them');
      }
      var last = r.slices.length - 1;
      state.shown = r.meta.page ? r.meta.page.threads : 0;
      if (adopted) return adopt(r.slices, token);
      commentsSlot.innerHTML = trusted(r.slices[0] + r.slices[last]);
      return insertSlices(commentsSlot.querySelector('.list'), r.slices.slice(1, last), token, state);
    }
    // The pre-rendered comments give way to the widget's when all of these are ready (built out
    // of the page, so the reader never sees a blank or a half list), and the comment at the top
    // of the reader's screen stays where it was.
    function adopt(slices, token) {
      var fresh = document.createElement('div');
      fresh.innerHTML = trusted(slices[0] + slices[slices.length - 1]);
      // Every comment laid out at its size once (colloquy.css), so none resizes after the swap.
      commentsSlot.classList.add('adopting');
      return insertSlices(fresh.querySelector('.list'), slices.slice(1, -1), token, state).then(function () {
        if (state.token !== token || !adopted) return;
        // The first comment that starts on the screen (or, with none, the one the reader is in).
        var shown = Array.prototype.filter.call(adopted.querySelectorAll('article.comment[data-id]'), function (a) { return a.getBoundingClientRect().bottom > 0; });
        var mark = shown.filter(function (a) { return a.getBoundingClientRect().top >= 0; })[0] || shown[0];
        var top = mark && mark.getBoundingClientRect().top;
        // The browser's scroll anchoring would move the page too, after this: it is left out.
        element.style.overflowAnchor = 'none';
        commentsSlot.replaceChildren.apply(commentsSlot, fresh.childNodes);
        adopted.remove();
        adopted = null;
        var same = mark && commentsSlot.querySelector('article.comment[data-id="' + CSS.escape(mark.getAttribute('data-id')) + '"]');
        if (same) window.scrollBy(0, same.getBoundingClientRect().top - top);
        requestAnimationFrame(function () { requestAnimationFrame(function () {
          element.style.overflowAnchor = '';
          commentsSlot.classList.remove('adopting');
        }); });
      });
    }

    // "Load more": the core renders the next page from the bytes already here (no refetch);
    // its answer is that page's threads, then the next button (or nothing on the last page).
    function loadMore(button) {
      var next = parseInt(button.getAttribute('data-next'), 10);
      if (!(next >= 0) || !state.comments || button.disabled) return;
      button.disabled = true;
      var token = state.token;
      var options = coreOptions(state.o, state.sort);
      options.offset = next;
      var r = call(state.core, 'colloquy_render_comments', state.comments, options);
      if (!r.meta.ok) { button.disabled = false; return; }
      var last = r.slices.length - 1;
      state.shown = r.meta.page.offset + r.meta.page.threads;
      var focused = root.activeElement === button;
      button.insertAdjacentHTML('afterend', trusted(r.slices[last]));
      var following = button.nextElementSibling;
      button.remove();
      // Keyboard users keep their place: focus moves to the next "Load more", if any.
      if (focused && following && following.matches('button[data-action="more"]')) following.focus();
      return insertSlices(commentsSlot.querySelector('.list'), r.slices.slice(1, last), token, state);
    }
    // After the last page the bytes hold, the server may have more (its "next" cursor, on the
    // button as data-cursor): fetch that page, append it to the bytes (the core reads pages
    // separated by a NUL byte as one thread) and render the thread again, one page longer.
    function fetchMore(button) {
      var url = commentsUrl(state.o);
      if (!url || !state.comments || button.disabled) return;
      url.searchParams.set('cursor', button.getAttribute('data-cursor'));
      button.disabled = true;
      var token = state.token;
      fetchBytes(url, state.o).then(function (bytes) {
        if (state.token !== token) return;
        appendPage(bytes);
        if (state.o.pageSize) state.shown += state.o.pageSize;
        return renderComments(state.core, token).then(function () { if (state.token === token) afterRender(); });
      }).catch(function (e) {
        warn('loading more comments failed: ' + e.message);
        button.disabled = false;
      });
    }
    // Adds a page of comments (a server's next page) to the thread's bytes.
    function appendPage(bytes) { state.comments = joinPages(state.comments, bytes); }

    function load() {
      var token = ++state.token;
      var o = state.o;
      state.shown = 0;
      state.told.omitted = false;
      showStatus('');
      // Another thread or endpoint: the bottom form is made again, for the new thread's draft.
      if (state.place !== placeKey()) {
        if (state.posting) state.posting.then(function (p) { p.leave(); });
        composeSlot.textContent = '';
        state.place = placeKey();
      }
      var core = loadCore().then(function (c) {
        state.core = c;
        var setup = JSON.parse(callPlain(c, 'colloquy_widget_setup', '', coreOptions(o, state.sort)));
        state.messages = setup.messages;
        setScheme();
        return c;
      });
      loadStyles().then(function (s) { // styles apply on every path, failures included
        if (s && root.adoptedStyleSheets.indexOf(s) < 0) root.adoptedStyleSheets = root.adoptedStyleSheets.concat(s);
      });
      var url = commentsUrl(o);
      // No endpoint: the thread lives in this browser's storage (see colloquy-post.js).
      var commentsBytes = url ? fetchBytes(url, o) : Promise.resolve(encoder.encode(JSON.stringify(localThread())));
      // A slow endpoint: "Loading comments…" after 300 ms, until the answer (or the deadline).
      var done = false;
      var slow = setTimeout(function () { if (!done && state.token === token && !adopted) showStatus('loading'); }, 300);
      var settle = function () { done = true; clearTimeout(slow); };
      var work = [
        Promise.all([core, commentsBytes]).then(function (v) {
          settle();
          if (state.token !== token) return;
          showStatus('');
          state.comments = v[1];
          return renderComments(v[0], token).then(function () { if (state.token === token) afterRender(); });
        }).catch(function (e) {
          settle();
          if (e.colloquyCode) warn('comments refused: ' + e.colloquyCode + ', ' + e.message, 'raise data-max-bytes, or page the thread with data-page-size');
          else warn('comments not loaded: ' + e.message, 'check data-comments and that colloquy.wasm is served next to colloquy.js');
          // The reader can still write: the form and any unsent comments stay, and posts wait
          // in the outbox until the server is back.
          return core.then(function () {
            if (state.token !== token) return;
            showStatus(e.colloquyCode ? 'comments_unusable' : 'comments_unavailable', !e.colloquyCode);
            if (adopted) commentsSlot.append(box('div', 'list')); // the pre-rendered ones stay
            else commentsSlot.replaceChildren(box('div', 'list'));
            afterRender();
          }, function () { if (state.token === token) showStatus('comments_unavailable', true); });
        })
      ];
      if (o.stories) {
        work.push(Promise.all([loadCore('colloquy-stories.wasm'), fetchBytes(new URL(o.stories, location.href), o)]).then(function (v) {
          if (state.token !== token) return;
          var r = renderFeed(v[0], v[1], coreOptions(o, state.sort));
          if (!r.meta.ok) {
            warn('the stories feed was not usable: ' + r.meta.error.code, r.meta.error.message);
            storiesSlot.textContent = '';
            return;
          }
          if (r.meta.problems && r.meta.problems.length) {
            warn(r.meta.problems.length + ' feed item(s) skipped or repaired, first: ' + r.meta.problems[0].code +
              ' (item ' + (r.meta.problems[0].id || '#' + r.meta.problems[0].index) + ')');
          }
          storiesSlot.innerHTML = trusted(r.slices.join(''));
        }).catch(function (e) {
          warn('stories not loaded: ' + e.message, 'check data-stories');
          storiesSlot.textContent = '';
        }));
      }
      return Promise.all(work);
    }

    // ---- Posting: colloquy-post.js, fetched when a reader starts writing --------------------
    // (focus or input in a form, a Reply click) or when this thread has posts not sent yet,
    // drafts or comments awaiting moderation, or the reader has written before. Until then the
    // loader shows the empty form.
    function endpoint() { return state.o.comments ? new URL(state.o.comments, location.href).href : ''; }
    // Drafts, the outbox and "mine" belong to one thread of one endpoint.
    function placeKey() { return endpoint() + '\n' + state.o.thread; }
    function localThread() {
      var doc = stored('thread:' + state.o.thread, null);
      return doc && Array.isArray(doc.comments) ? doc : { thread: state.o.thread, comments: [] };
    }
    // A reader who has written here before (a remembered name) gets the form filled at once.
    function hasWork() {
      if (stored('author', null)) return true;
      var outbox = stored('outbox', []);
      return (Array.isArray(outbox) && outbox.some(function (i) { return i && i.endpoint === endpoint() && i.body && i.body.thread === state.o.thread; })) ||
        storedKeys('draft:' + placeKey() + '\n').length > 0 || stored('pending:' + placeKey(), []).length > 0;
    }
    function posting() {
      if (!state.posting) {
        state.posting = Promise.all([loadPosting(), loadCore('colloquy-post.wasm')]).then(function (v) {
          state.postCore = v[1];
          return v[0](bridge);
        });
        state.posting.catch(function (e) { state.posting = null; warn('posting unavailable: ' + e.message, 'serve colloquy-post.js next to colloquy.js'); });
      }
      return state.posting;
    }
    function newForm(parent, parentDepth) {
      var options = Object.assign(coreOptions(state.o, state.sort), { parent: parent, parentDepth: parentDepth });
      return htmlNode(callHtml(state.core, 'colloquy_render_compose', '', options).html);
    }
    // After each render of the thread: the bottom form, the browser-storage note, and posting's
    // own work (outbox, drafts) when it is loaded or needed.
    function afterRender() {
      if (!state.o.comments && !frame.querySelector('.note') && !stored('told-local', false)) {
        store('told-local', true);
        var note = box('p', 'note');
        note.textContent = message('local_only');
        composeSlot.before(note);
      }
      if (!composeSlot.firstChild) composeSlot.appendChild(newForm('', -1));
      if (state.posting) state.posting.then(function (p) { p.afterRender(); }, function () {});
      else if (hasWork()) posting(); // its first act is the same work
    }
    var bridge = {
      root: root, frame: frame, commentsSlot: commentsSlot, composeSlot: composeSlot, state: state, CODES: CODES,
      warn: warn, trusted: trusted, htmlNode: htmlNode, stored: stored, store: store, storedKeys: storedKeys,
      endpoint: endpoint, placeKey: placeKey, localThread: localThread, newForm: newForm, joinPages: joinPages,
      encode: function (text) { return encoder.encode(text); },
      // The core's answers for posting, with the widget's options plus `extra`.
      html: function (name, text, extra) { return callHtml(state.postCore, name, text, Object.assign(coreOptions(state.o, state.sort), extra)); },
      plain: function (name, input, extra) { return callPlain(state.postCore, name, input, Object.assign(coreOptions(state.o, state.sort), extra)); }
    };

    function onClick(event) {
      var t = event.target;
      var button = t && t.closest && t.closest('button[data-action]');
      if (!button || !root.contains(button) || !state.core) return;
      var action = button.getAttribute('data-action');
      if (action === 'reload') handle.ready = load();
      else if (action === 'more') { if (button.hasAttribute('data-cursor')) fetchMore(button); else loadMore(button); }
      else if (action === 'reply') {
        var article = button.closest('article.comment');
        posting().then(function (p) { p.reply(article); });
      }
    }
    function onFocus(event) {
      if (state.core && event.target.closest && event.target.closest('form.compose')) posting();
    }
    function onSubmit(event) {
      var form = event.target;
      if (!form.matches || !form.matches('form.compose')) return;
      event.preventDefault();
      if (state.core) posting().then(function (p) { p.submit(form); });
    }
    function onChange(event) {
      var t = event.target;
      if (!(t.matches && t.matches('select[name="sort"]') && state.comments)) return;
      state.sort = t.value;
      var token = ++state.token;
      renderComments(state.core, token).then(function () { if (state.token === token) afterRender(); });
    }
    var listeners = { click: onClick, focusin: onFocus, input: onFocus, submit: onSubmit, change: onChange };
    Object.keys(listeners).forEach(function (k) { root.addEventListener(k, listeners[k]); });

    // The scheme is looked at again when the host switches theme: an attribute of <html> or
    // <body> (class, data-theme, style) or the reader's preference changes.
    function setScheme() {
      var theme = state.o ? state.o.theme : DEFAULTS.theme;
      var scheme = theme !== 'auto' ? theme : state.core ? callPlain(state.core, 'colloquy_page_scheme', pageColors(element), {}) : null;
      if (scheme && frame.getAttribute('data-scheme') !== scheme) frame.setAttribute('data-scheme', scheme);
    }
    var watcher = new MutationObserver(setScheme);
    [document.documentElement, document.body].forEach(function (el) { if (el) watcher.observe(el, { attributes: true }); });
    var media = window.matchMedia ? matchMedia('(prefers-color-scheme: dark)') : null;
    if (media) media.addEventListener('change', setScheme);

    // Nothing heavy before it is needed: the module, the styles and the comments are fetched
    // when the widget comes within a viewport of the screen (or at once for data-load="eager"
    // and for a link to one of its comments).
    var near = null;
    function whenNear(go) {
      if (state.o.load === 'eager' || /^#comment-/.test(location.hash) || !window.IntersectionObserver) return go();
      near = new IntersectionObserver(function (entries) {
        if (!entries.some(function (e) { return e.isIntersecting; })) return;
        near.disconnect();
        near = null;
        go();
      }, { rootMargin: '100% 0px' });
      near.observe(element);
    }

    var handle = {
      ready: null,
      update: function (next) {
        state.o = resolveOptions(Object.assign({}, state.o || options, next || {}));
        state.sort = state.o.sort;
        frame.setAttribute('data-theme', state.o.theme);
        setScheme();
        if (state.started) handle.ready = load();
        else if (!handle.ready) handle.ready = new Promise(function (resolve) { whenNear(function () { state.started = true; resolve(load()); }); });
        return handle.ready;
      },
      destroy: function () {
        state.token++;
        clearInterval(timer);
        if (near) near.disconnect();
        Object.keys(listeners).forEach(function (k) { root.removeEventListener(k, listeners[k]); });
        if (state.posting) state.posting.then(function (p) { p.destroy(); }, function () {});
        root.replaceChildren();
        root.adoptedStyleSheets = [];
        instances.delete(element);
        watcher.disconnect();
        if (media) media.removeEventListener('change', setScheme);
      }
    };
    handle.update({});
    return handle;
  }

  var instances = new Map();
  var Colloquy = Object.freeze({
    // Mounting the same element again returns its existing instance, updated. A page that
    // mounts by itself has chosen its moment: the widget loads at once unless `load` is "lazy".
    mount: function (element, options) {
      try {
        var existing = instances.get(element);
        if (existing) { existing.update(options); return existing; }
        var instance = mount(element, Object.assign({}, options, { load: (options && options.load) || DEFAULTS.mountLoad }));
        instances.set(element, instance);
        return instance;
      } catch (e) {
        warn('mount failed: ' + e.message);
        return null;
      }
    }
  });
  Object.defineProperty(window, 'Colloquy', { value: Colloquy, configurable: true });

  // One script tag, any page: with no data-* at all it mounts at #colloquy, or in a container
  // made right after the script (in <body>, never inside <head>). Every script tag that loads
  // this file mounts its own widget: a later copy hands its tag to the first (an event, so the
  // namespace stays one function). What cannot be honoured is said in one warning.
  function autoMount(tag) {
    if (!tag) return warn('no script element to read options from', 'load colloquy.js with a <script src> tag, or call Colloquy.mount()');
    var d = tag.dataset;
    if (d.mount === 'manual') return; // the page calls Colloquy.mount() itself
    var target = d.target || DEFAULTS.target;
    var element = null;
    try { element = document.querySelector(target); } catch (e) { warn('data-target "' + target + '" is not a selector, mounted after the script instead'); }
    if (element && instances.has(element)) {
      return warn('data-target "' + target + '" already holds a widget; this script tag mounts nothing', 'give each script tag its own data-target');
    }
    if (!element) {
      if (d.target) warn('data-target "' + target + '" matches nothing, mounted after the script instead');
      element = document.createElement('div');
      element.id = /^#[\w-]+$/.test(target) && !document.getElementById(target.slice(1)) ? target.slice(1) : '';
      if (tag.parentNode && document.body && document.body.contains(tag)) tag.parentNode.insertBefore(element, tag.nextSibling);
      else document.body.appendChild(element);
    }
    if (d.theme && !/^(auto|light|dark)$/.test(d.theme)) warn('data-theme "' + d.theme + '" is not auto, light or dark; auto is used');
    Colloquy.mount(element, {
      thread: d.thread, comments: d.comments, stories: d.stories, sort: d.sort, locale: d.locale,
      pageSize: d.pageSize, theme: d.theme, storiesCount: d.storiesCount, summaryLength: d.summaryLength,
      timeZone: d.timezone, relativeDays: d.relativeDays, postTimeout: d.postTimeout,
      fetchTimeout: d.fetchTimeout, maxBytes: d.maxBytes, load: d.load || DEFAULTS.load
    });
  }
  // Mounts once the document is parsed (a script in <head> waits for <body>).
  function whenReady(tag) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', function () { autoMount(tag); });
    else autoMount(tag);
  }
  document.addEventListener('colloquy:script', function (e) { whenReady(e.detail); });
  whenReady(script);
})();
