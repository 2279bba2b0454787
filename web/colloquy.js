/*! Colloquy: comments and Latest Stories for any page. https://github.com/colloquy */
// The loader: reads options, loads the core (colloquy.wasm, next to this script), moves bytes
// in and HTML out, and puts that HTML in an open shadow root. All logic lives in the core.
(function () {
  'use strict';
  // Loaded again by another script tag: the first copy keeps working and mounts for that tag.
  if (window.Colloquy) return document.dispatchEvent(new CustomEvent('colloquy:script', { detail: document.currentScript }));

  var script = document.currentScript;
  var BASE = new URL('.', (script && script.src) || location.href);
  // colloquy.wasm and colloquy.css come from the folder this script came from, which may be
  // another origin (a comments server, a CDN): fetched in CORS mode, cookies only to this page's
  // own origin (so a preload with crossorigin matches, and a server's '*' suffices). The build
  // writes each file's hash here (wasm/widget.cmake), so a new build is a new URL and servers
  // may cache ?v= URLs for good; this source, served unbuilt, asks for plain URLs.
  var VERSIONS = { 'colloquy.wasm': '@COLLOQUY_WASM_VERSION@', 'colloquy.css': '@COLLOQUY_CSS_VERSION@' };
  function fetchAsset(name) {
    var url = new URL(name, BASE);
    if (/^[0-9a-f]{16}$/.test(VERSIONS[name])) url.search = '?v=' + VERSIONS[name];
    return fetch(url, { mode: 'cors', credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
      return r;
    });
  }
  // The stable error codes this loader raises itself; every code is defined in the core's
  // registry (include/colloquy/error.hpp), which a test checks this table against.
  var CODES = Object.freeze({ not_xml: 'not_xml', not_feed: 'not_feed', honeypot_filled: 'honeypot_filled', storage_refused: 'storage_refused',
    bad_answer: 'bad_answer', document_too_large: 'document_too_large' });
  var DEFAULTS = Object.freeze({
    target: '#colloquy', thread: '', comments: '', stories: '', sort: 'oldest', locale: '',
    pageSize: 0, theme: 'auto', storiesCount: 3, summaryLength: 130, timeZone: 'UTC', relativeDays: 7,
    postTimeout: 15000, // ms before a POST counts as failed (it then waits in the outbox)
    fetchTimeout: 15000, // ms before loading the comments gives up (then a Retry button)
    maxBytes: 16 << 20   // a comments document larger than this is refused unread
  });
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

  // The core: a standalone module; besides the zone offset it imports two no-op system calls.
  // It resolves to a handle whose `x` is the live instance's exports: a call that traps (or
  // throws) may leave the instance's memory half-written, so the handle gets a fresh instance
  // of the compiled module at once, and every widget on the page keeps working.
  var corePromise = null;
  function start(handle, instance) {
    handle.x = instance.exports;
    handle.x._initialize();
    return handle;
  }
  function loadCore() {
    if (corePromise) return corePromise;
    var imports = {
      env: { emscripten_notify_memory_growth: function () {}, colloquy_zone_offset: function (ms) { return zoneOffset(ms); } },
      wasi_snapshot_preview1: { proc_exit: function (code) { throw new Error('core exited ' + code); } }
    };
    var viaBytes = function () {
      return fetchAsset('colloquy.wasm').then(function (r) { return r.arrayBuffer(); })
        .then(function (bytes) { return WebAssembly.instantiate(bytes, imports); });
    };
    // Streaming compilation needs application/wasm; fall back to bytes when a server lies.
    corePromise = (WebAssembly.instantiateStreaming
      ? WebAssembly.instantiateStreaming(fetchAsset('colloquy.wasm'), imports).catch(viaBytes)
      : viaBytes()
    ).then(function (result) {
      return start({ module: result.module, imports: imports, x: null }, result.instance);
    });
    corePromise.catch(function () { corePromise = null; }); // a later mount may retry
    return corePromise;
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

  // Plain-text answers (messages, time labels).
  function callPlain(core, name, text, options) {
    var out = decoder.decode(invoke(core, name, encoder.encode(text), options));
    core.x.colloquy_result_clear();
    return out;
  }

  // HTML answers: {meta, slices}, the HTML cut where top-level threads start.
  function call(core, name, input, options) {
    var out = invoke(core, name, input, options);
    var nul = out.indexOf(0);
    if (nul < 0) nul = out.length; // a meta-only answer (colloquy_check_draft)
    var meta = JSON.parse(decoder.decode(out.subarray(0, nul)));
    var html = out.subarray(nul + 1);
    // Decode now (the next call reuses the memory).
    var cuts = [0].concat(meta.chunks || [], [html.length]);
    var slices = [];
    for (var i = 0; i + 1 < cuts.length; i++) slices.push(decoder.decode(html.subarray(cuts[i], cuts[i + 1])));
    core.x.colloquy_result_clear();
    return { meta: meta, slices: slices };
  }

  // Posting helpers shared by every mount. Drafts, the remembered name, the outbox and the
  // browser-storage threads live in localStorage under "colloquy:"; a storage that refuses
  // (private browsing, quota) costs durability, never a post.
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
  function outboxAll() {
    var all = stored('outbox', []);
    return Array.isArray(all) ? all.filter(function (i) { return i && i.clientId && i.body && i.comment; }) : [];
  }
  function outboxSave(item) {
    return store('outbox', outboxAll().filter(function (i) { return i.clientId !== item.clientId; }).concat([item]));
  }
  function outboxDrop(clientId) {
    store('outbox', outboxAll().filter(function (i) { return i.clientId !== clientId; }));
  }
  // A post's idempotency key: minted once, then kept through every retry and reload.
  function newClientId() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === 'function') return c.randomUUID();
    var b = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256); // unique, not secret
    b[6] = (b[6] & 15) | 64; // RFC 4122 version 4
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  }
  function callHtml(core, name, text, options) {
    var r = call(core, name, encoder.encode(text), options);
    return { meta: r.meta, html: r.slices.join('') };
  }
  function htmlNode(html) {
    var t = document.createElement('template');
    t.innerHTML = html;
    return t.content.firstElementChild;
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
  // core as is; RSS 0.9x/2.0, RSS 1.0 and Atom 1.0/0.3 are read with the browser's XML parser
  // and each item mapped, fields untouched, to a JSON Feed item. Dates, HTML to text, URL policy,
  // sorting and cutting are all the core's. Returns {bytes} or {error: {code, message}}.
  function feedBytes(bytes) {
    var i = bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF ? 3 : 0;
    while (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0A || bytes[i] === 0x0D) i++;
    if (bytes[i] !== 0x3C) return { bytes: bytes }; // not '<': JSON Feed (or nothing), the core decides
    var head = String.fromCharCode.apply(null, bytes.subarray(0, 256));
    var declared = /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/.exec(head);
    var doc;
    try {
      var source = new TextDecoder(i >= 3 || !declared ? 'utf-8' : declared[1], { fatal: true }).decode(bytes);
      doc = new DOMParser().parseFromString(source, 'application/xml');
    } catch (e) {
      return { error: { code: CODES.not_xml, message: 'feed text not decodable: ' + e.message } };
    }
    if (doc.getElementsByTagNameNS('http://www.w3.org/1999/xhtml', 'parsererror').length) {
      return { error: { code: CODES.not_xml, message: 'feed is not well-formed XML' } };
    }
    var root = doc.documentElement;
    var kids = function (el, name) {
      return el ? Array.prototype.filter.call(el.children, function (c) { return c.localName === name; }) : [];
    };
    var text = function (el, name) { var c = kids(el, name)[0]; return c ? c.textContent : undefined; };
    var attr = function (el, name) { return el ? el.getAttribute(name) || undefined : undefined; };
    var isImage = function (el) { return /^image\//.test(attr(el, 'type') || '') || attr(el, 'medium') === 'image'; };
    var items;
    if (root.localName === 'rss' || root.localName === 'RDF') {
      var holder = root.localName === 'rss' ? kids(root, 'channel')[0] : root;
      items = kids(holder, 'item').map(function (it) {
        var guid = kids(it, 'guid')[0];
        var permalink = guid && attr(guid, 'isPermaLink') !== 'false' ? guid.textContent : undefined;
        var image = kids(it, 'thumbnail')[0] || kids(it, 'content').concat(kids(it, 'enclosure')).filter(isImage)[0];
        return {
          id: guid ? guid.textContent : attr(it, 'rdf:about'), url: text(it, 'link') || permalink,
          title: text(it, 'title'), content_html: text(it, 'description') || text(it, 'encoded'),
          date_published: text(it, 'pubDate') || text(it, 'date'), image: attr(image, 'url')
        };
      });
    } else if (root.localName === 'feed') {
      items = kids(root, 'entry').map(function (e) {
        var links = kids(e, 'link');
        var link = links.filter(function (l) { return (attr(l, 'rel') || 'alternate') === 'alternate' && attr(l, 'href'); })[0];
        var image = links.filter(function (l) { return attr(l, 'rel') === 'enclosure' && isImage(l); })[0];
        var item = {
          id: text(e, 'id'), url: attr(link, 'href'), title: text(e, 'title'), image: attr(image, 'href'),
          date_published: text(e, 'published') || text(e, 'issued') || text(e, 'updated') || text(e, 'modified')
        };
        // Atom text constructs: type text (plain), html / text/html (escaped HTML), xhtml (markup).
        var body = kids(e, 'summary').concat(kids(e, 'content')).filter(function (b) { return b.textContent.trim(); })[0];
        var type = attr(body, 'type') || 'text';
        if (/xhtml|xml/.test(type)) {
          item.content_html = Array.prototype.map.call(body.childNodes, function (n) { return new XMLSerializer().serializeToString(n); }).join('');
        } else if (/html/.test(type)) item.content_html = body.textContent;
        else if (body) item.summary = body.textContent;
        return item;
      });
    } else {
      return { error: { code: CODES.not_feed, message: 'XML root <' + root.localName + '> is not RSS or Atom' } };
    }
    return { bytes: encoder.encode(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', items: items })) };
  }

  function canonicalUrl() {
    var link = document.querySelector('link[rel="canonical"]');
    return link && link.href ? link.href : location.href.split('#')[0];
  }

  function resolveOptions(options) {
    var o = Object.assign({}, DEFAULTS);
    Object.keys(options || {}).forEach(function (k) {
      if (options[k] !== undefined && options[k] !== null) o[k] = options[k];
    });
    if (!o.thread) o.thread = new URL(canonicalUrl()).pathname;
    if (!o.locale) o.locale = document.documentElement.lang || navigator.language || 'en';
    o.pageSize = parseInt(o.pageSize, 10) || 0;
    o.storiesCount = parseInt(o.storiesCount, 10) || DEFAULTS.storiesCount;
    o.summaryLength = parseInt(o.summaryLength, 10) || DEFAULTS.summaryLength;
    o.relativeDays = isNaN(parseInt(o.relativeDays, 10)) ? DEFAULTS.relativeDays : parseInt(o.relativeDays, 10);
    o.postTimeout = parseInt(o.postTimeout, 10) || DEFAULTS.postTimeout;
    o.fetchTimeout = parseInt(o.fetchTimeout, 10) || DEFAULTS.fetchTimeout;
    o.maxBytes = parseInt(o.maxBytes, 10) || DEFAULTS.maxBytes;
    if (!/^(auto|light|dark)$/.test(o.theme)) o.theme = 'auto';
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


  // Inserts slices in tasks of at most ~40 ms so a long thread never blocks the page.
  function insertSlices(container, slices, token, state) {
    var i = 0;
    return new Promise(function (resolve) {
      (function step() {
        if (state.token !== token) return resolve();
        var start = performance.now();
        var batch = '';
        while (i < slices.length && performance.now() - start < 40) {
          batch = '';
          for (var n = 0; n < 50 && i < slices.length; n++) batch += slices[i++];
          container.insertAdjacentHTML('beforeend', batch);
        }
        if (i < slices.length) setTimeout(step, 0); else resolve();
      })();
    });
  }

  // data-theme="auto" follows the page the widget sits on: the first opaque background behind
  // it (read through a 1x1 canvas, which takes any CSS colour syntax), else the page's
  // color-scheme, and only when the page offers both, the reader's preference.
  var probe = null;
  function rgba(css) {
    if (!probe) probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    if (!probe) return [255, 255, 255, 0];
    probe.clearRect(0, 0, 1, 1);
    probe.fillStyle = css;
    probe.fillRect(0, 0, 1, 1);
    return probe.getImageData(0, 0, 1, 1).data;
  }
  function pageScheme(element) {
    for (var el = element; el; el = el.parentElement) {
      var c = rgba(getComputedStyle(el).backgroundColor);
      if (c[3] > 127) {
        var l = [c[0], c[1], c[2]].map(function (v) { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        // Below 0.179, white text contrasts more than black: a dark background (WCAG luminance).
        return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2] < 0.179 ? 'dark' : 'light';
      }
    }
    var scheme = getComputedStyle(document.documentElement).colorScheme || '';
    var dark = /dark/.test(scheme), light = /light/.test(scheme);
    if (dark && light) return window.matchMedia && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
    return dark ? 'dark' : 'light';
  }

  function mount(element, options) {
    if (!(element instanceof Element)) throw new TypeError('Colloquy.mount needs an element');
    var state = { token: 0, o: null, comments: null, sort: 'oldest', root: null, shown: 0, told: {} };
    var root = element.shadowRoot || element.attachShadow({ mode: 'open' });
    state.root = root;
    root.innerHTML = '<div class="colloquy" part="root"><p class="status" role="status" hidden></p>' +
      '<button type="button" class="reload" data-action="reload" hidden></button><div class="comments-slot"></div>' +
      '<div class="compose-slot"></div><div class="stories-slot"></div></div>';
    root.adoptedStyleSheets = [baseSheet()];
    var frame = root.firstChild;
    var commentsSlot = frame.querySelector('.comments-slot');
    var storiesSlot = frame.querySelector('.stories-slot');
    var composeSlot = frame.querySelector('.compose-slot');
    var status = frame.querySelector('.status');
    var reload = frame.querySelector('.reload');

    // Shows one of the core's messages by key; English when the core itself did not load.
    var FALLBACK = { comments_unavailable: 'Comments could not be loaded.', comments_unusable: 'Comments could not be shown.', retry: 'Retry' };
    function message(key, core) {
      try { return (core && callPlain(core, 'colloquy_ui_message', key, coreOptions(state.o, state.sort))) || FALLBACK[key] || key; } catch (e) { return FALLBACK[key] || key; }
    }
    // `retry`: a Retry button after the message that loads the thread again.
    function showStatus(key, core, retry) {
      status.textContent = key ? message(key, core) : '';
      status.hidden = !key;
      reload.hidden = !(key && retry);
      if (!reload.hidden) reload.textContent = message('retry', core);
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
      if (document.hidden || !corePromise) return;
      corePromise.then(refreshTimes).catch(function () {});
    }, 60000);

    function renderComments(core, token) {
      var options = coreOptions(state.o, state.sort);
      // Re-sorting keeps as many top-level threads on screen as "load more" had shown.
      if (options.pageSize && state.shown > options.pageSize) options.pageSize = state.shown;
      var r = call(core, 'colloquy_render_comments', state.comments, options);
      if (!r.meta.ok) {
        warn('the comments document was not usable: ' + r.meta.error.code, r.meta.error.message);
        showStatus('comments_unusable', core);
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
      var last = r.slices.length - 1;
      state.shown = r.meta.page ? r.meta.page.threads : 0;
      commentsSlot.innerHTML = r.slices[0] + r.slices[last];
      var list = commentsSlot.querySelector('.list');
      return insertSlices(list, r.slices.slice(1, last), token, state);
    }

    // "Load more": the core renders the next page from the bytes already here (no refetch);
    // its answer is that page's threads, then the next button (or nothing on the last page).
    function loadMore(button) {
      var next = parseInt(button.getAttribute('data-next'), 10);
      if (!(next >= 0) || !state.comments || button.disabled) return;
      button.disabled = true;
      var token = state.token;
      loadCore().then(function (core) {
        if (state.token !== token) return;
        var options = coreOptions(state.o, state.sort);
        options.offset = next;
        var r = call(core, 'colloquy_render_comments', state.comments, options);
        if (!r.meta.ok) { button.disabled = false; return; }
        var last = r.slices.length - 1;
        var list = commentsSlot.querySelector('.list');
        state.shown = r.meta.page.offset + r.meta.page.threads;
        var focused = root.activeElement === button;
        button.insertAdjacentHTML('afterend', r.slices[last]);
        var following = button.nextElementSibling;
        button.remove();
        // Keyboard users keep their place: focus moves to the next "Load more", if any.
        if (focused && following && following.matches('button[data-action="more"]')) following.focus();
        return insertSlices(list, r.slices.slice(1, last), token, state);
      }).catch(function (e) {
        warn('loading more comments failed: ' + e.message);
        button.disabled = false;
      });
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
      Promise.all([loadCore(), fetchBytes(url, state.o)]).then(function (v) {
        if (state.token !== token) return;
        var joined = new Uint8Array(state.comments.length + 1 + v[1].length);
        joined.set(state.comments);
        joined.set(v[1], state.comments.length + 1);
        state.comments = joined;
        if (state.o.pageSize) state.shown += state.o.pageSize;
        return renderComments(v[0], token).then(function () { if (state.token === token) afterRender(); });
      }).catch(function (e) {
        warn('loading more comments failed: ' + e.message);
        button.disabled = false;
      });
    }
    function onMoreClick(event) {
      var t = event.target;
      var button = t && t.closest && t.closest('button[data-action="more"]');
      if (!button || !root.contains(button)) return;
      if (button.hasAttribute('data-cursor')) fetchMore(button); else loadMore(button);
    }
    function onReloadClick(event) {
      var t = event.target;
      if (t === reload) handle.ready = load();
    }
    root.addEventListener('click', onReloadClick);
    root.addEventListener('click', onMoreClick);

    function load() {
      var token = ++state.token;
      var o = state.o;
      state.shown = 0;
      showStatus('');
      // Another thread or endpoint: pending drafts are saved under their own thread, and the
      // bottom form is made again from the new thread's draft.
      if (state.place !== placeKey()) {
        timers.forEach(function (t, form) { clearTimeout(t); saveDraft(form); });
        timers.clear();
        composeSlot.textContent = '';
        state.place = placeKey();
      }
      var core = loadCore();
      var sheet = loadStyles();
      var url = commentsUrl(o);
      // Styles apply on every path, failures included.
      sheet.then(function (s) {
        if (s && root.adoptedStyleSheets.indexOf(s) < 0) root.adoptedStyleSheets = root.adoptedStyleSheets.concat(s);
      });
      // No endpoint: the thread lives in this browser's storage (posting.localThread).
      var commentsBytes = url ? fetchBytes(url, o) : Promise.resolve(encoder.encode(JSON.stringify(localThread())));
      // A slow endpoint: "Loading comments…" after 300 ms, until the answer (or the deadline).
      var done = false;
      var slow = setTimeout(function () {
        core.then(function (c) { if (!done && state.token === token) showStatus('loading', c); }, function () {});
      }, 300);
      var settle = function () { done = true; clearTimeout(slow); };
      var work = [
        Promise.all([core, commentsBytes]).then(function (v) {
          settle();
          if (state.token !== token) return;
          showStatus('');
          state.comments = v[1];
          state.core = v[0];
          return renderComments(v[0], token).then(function () { if (state.token === token) afterRender(); });
        }).catch(function (e) {
          settle();
          if (e.colloquyCode) warn('comments refused: ' + e.colloquyCode + ', ' + e.message, 'raise data-max-bytes, or page the thread with data-page-size');
          else warn('comments not loaded: ' + e.message, 'check data-comments and that colloquy.wasm is served next to colloquy.js');
          // The reader can still write: the form and any unsent comments stay, and posts wait
          // in the outbox until the server is back.
          return core.then(function (c) {
            if (state.token !== token) return;
            showStatus(e.colloquyCode ? 'comments_unusable' : 'comments_unavailable', c, !e.colloquyCode);
            if (state.token !== token || !c) return;
            state.core = c;
            commentsSlot.innerHTML = '<div class="list"></div>';
            afterRender();
          }, function () { if (state.token === token) showStatus('comments_unavailable', null, true); });
        })
      ];
      if (o.stories) {
        work.push(Promise.all([core, fetchBytes(new URL(o.stories, location.href), o)]).then(function (v) {
          if (state.token !== token) return;
          var feed = feedBytes(v[1]);
          var r = feed.error ? { meta: { ok: false, error: feed.error } }
            : call(v[0], 'colloquy_render_stories', feed.bytes, coreOptions(o, state.sort));
          if (!r.meta.ok) {
            warn('the stories feed was not usable: ' + r.meta.error.code, r.meta.error.message);
            storiesSlot.textContent = '';
            return;
          }
          if (r.meta.problems && r.meta.problems.length) {
            warn(r.meta.problems.length + ' feed item(s) skipped or repaired, first: ' + r.meta.problems[0].code +
              ' (item ' + (r.meta.problems[0].id || '#' + r.meta.problems[0].index) + ')');
          }
          storiesSlot.innerHTML = r.slices.join('');
        }).catch(function (e) {
          warn('stories not loaded: ' + e.message, 'check data-stories');
          storiesSlot.textContent = '';
        }));
      }
      return Promise.all(work);
    }

    function onChange(event) {
      var t = event.target;
      if (t.matches && t.matches('select[name="sort"]') && state.comments) {
        state.sort = t.value;
        var token = ++state.token;
        loadCore().then(function (core) { return renderComments(core, token); }).then(function () {
          if (state.token === token) afterRender();
        }).catch(function (e) {
          warn('re-sorting failed: ' + e.message);
        });
      }
    }
    root.addEventListener('change', onChange);

    // ---- Posting (DESIGN §3): compose forms, drafts, the outbox, the browser-storage thread ----
    // The core renders the forms and comments and checks drafts; this part only moves text
    // between the form, localStorage, the core and the server. Nothing the reader typed is
    // dropped: it is a draft until it is in the outbox, and stays in the outbox until the
    // server has answered with the stored comment (or refused it, when it goes back into a form).
    var timers = new Map(); // form -> debounce timer
    var inflight = {};      // clientId -> true while its POST is out
    var known = {};         // clientId -> outbox item, also when the browser's storage refuses it

    function endpoint() { return state.o.comments ? new URL(state.o.comments, location.href).href : ''; }
    function postOptions(extra) { return Object.assign(coreOptions(state.o, state.sort), extra); }
    // Drafts, the outbox and "mine" belong to one thread of one endpoint: a single-page site
    // that update()s to another thread sees only that thread's.
    function placeKey() { return endpoint() + '\n' + state.o.thread; }
    function draftKey(parent, where) { return 'draft:' + (where || placeKey()) + '\n' + (parent || ''); }
    var formKeys = new WeakMap(); // form -> its draft key, fixed when the form was made
    function localThread() {
      var doc = stored('thread:' + state.o.thread, null);
      return doc && Array.isArray(doc.comments) ? doc : { thread: state.o.thread, comments: [] };
    }
    function myOutbox() {
      var here = endpoint();
      return outboxAll().filter(function (i) { return i.endpoint === here && i.body.thread === state.o.thread; });
    }
    function list() { return commentsSlot.querySelector('.list'); }
    function depthOf(el) { return parseInt(el.getAttribute('data-depth'), 10) || 0; }
    function findArticle(attr, id) {
      var l = list();
      return l && id ? l.querySelector('article.comment[' + attr + '="' + CSS.escape(String(id)) + '"]') : null;
    }

    // One comment's <article> from the core, at the depth its parent on the page implies.
    function articleFor(comment, how, clientId) {
      var parent = comment.parent ? findArticle('data-id', comment.parent) : null;
      var r = callHtml(state.core, 'colloquy_render_comment', JSON.stringify(comment),
        postOptions({ parentDepth: parent ? depthOf(parent) : -1, state: how, clientId: clientId || '' }));
      if (!r.meta.ok) { warn('a comment could not be shown: ' + r.meta.error.code, r.meta.error.message); return null; }
      return htmlNode(r.html);
    }
    // Puts a new comment where the thread will have it: after its parent's last reply, or at
    // the end (start, newest first) of the thread.
    function place(node, comment) {
      var l = list();
      if (!node || !l) return node;
      var parent = comment.parent ? findArticle('data-id', comment.parent) : null;
      if (parent) {
        var after = parent;
        while (after.nextElementSibling && after.nextElementSibling.matches('article.comment, form.compose') &&
               depthOf(after.nextElementSibling) > depthOf(parent)) after = after.nextElementSibling;
        after.after(node);
      } else if (state.sort === 'newest') l.prepend(node);
      else l.append(node);
      return node;
    }
    function showLocal(item, how) {
      var old = findArticle('data-client-id', item.clientId);
      var node = articleFor(item.comment, how, item.clientId);
      if (node && old) old.replaceWith(node);
      else if (node) place(node, item.comment);
    }

    function fillForm(form) {
      formKeys.set(form, draftKey(form.getAttribute('data-parent')));
      var draft = stored(formKeys.get(form), null) || {};
      var me = stored('author', null) || {};
      form.elements.name.value = draft.name || me.name || '';
      form.elements.location.value = draft.location || me.location || '';
      form.elements.text.value = draft.text || '';
      updatePreview(form);
      return form;
    }
    function newForm(parent, parentDepth) {
      var r = callHtml(state.core, 'colloquy_render_compose', '', postOptions({ parent: parent, parentDepth: parentDepth }));
      return fillForm(htmlNode(r.html));
    }
    function openReply(article) {
      var id = article.getAttribute('data-id');
      var next = article.nextElementSibling;
      var form = next && next.matches('form.compose') && next.getAttribute('data-parent') === id ? next : null;
      if (!form) article.after(form = newForm(id, depthOf(article)));
      return form;
    }
    function updatePreview(form) {
      var text = form.elements.text.value;
      var box = form.querySelector('.preview');
      if (!/\S/.test(text)) { box.hidden = true; box.lastChild.textContent = ''; return; }
      box.lastChild.innerHTML = callHtml(state.core, 'colloquy_preview', text, postOptions({})).html;
      box.hidden = false;
    }
    function rawDraft(form) {
      var f = form.elements;
      return { thread: state.o.thread, parent: form.getAttribute('data-parent') || null,
        author: { name: f.name.value, location: f.location.value }, text: f.text.value, honeypot: f.website.value };
    }
    function saveDraft(form) {
      var f = form.elements;
      var key = formKeys.get(form);
      if (f.name.value || f.location.value) store('author', { name: f.name.value, location: f.location.value });
      store(key, f.text.value ? { name: f.name.value, location: f.location.value, text: f.text.value } : null);
    }
    // Shows the core's problems ({code, field, message} in the widget's language) by their fields.
    function showProblems(form, problems) {
      Array.prototype.forEach.call(form.querySelectorAll('.error'), function (e) { e.textContent = ''; e.hidden = true; });
      Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), function (e) { e.removeAttribute('aria-invalid'); });
      var first = null;
      problems.forEach(function (p) {
        var slot = form.querySelector('.error[data-for="' + CSS.escape(p.field || '') + '"]') || form.querySelector('.error[data-for=""]');
        slot.textContent = (slot.textContent ? slot.textContent + ' ' : '') + p.message;
        slot.hidden = false;
        var input = p.field && form.elements[p.field];
        if (input && input.setAttribute) { input.setAttribute('aria-invalid', 'true'); first = first || input; }
      });
      return first;
    }
    // Problems from elsewhere (the server, the browser) worded by the core in the widget's language.
    function describe(problems) {
      return callHtml(state.core, 'colloquy_describe_problems', JSON.stringify(problems), postOptions({})).meta.problems || problems;
    }
    function check(form) {
      return callHtml(state.core, 'colloquy_check_compose', JSON.stringify(rawDraft(form)), postOptions({ requireClientId: false })).meta;
    }

    function submit(form) {
      var checked = check(form);
      // A filled honeypot is a bot: nothing is posted, and nothing tells it why.
      if (checked.problems.some(function (p) { return p.code === CODES.honeypot_filled; })) return;
      var first = showProblems(form, checked.problems);
      if (!checked.ok) { if (first) first.focus(); return; }
      var body = checked.draft;
      body.clientId = newClientId();
      store('author', { name: body.author.name, location: body.author.location });
      var comment = { id: body.clientId, parent: body.parent, author: body.author, created: new Date().toISOString(), text: body.text };
      var item = { clientId: body.clientId, endpoint: endpoint(), body: body, comment: comment };
      // Saved before the form lets go of the text: from here on the outbox (or the thread) has it.
      if (!state.o.comments) {
        var doc = localThread();
        doc.comments.push(comment);
        if (!store('thread:' + state.o.thread, doc)) return showProblems(form, describe([{ code: CODES.storage_refused, field: '' }]));
        setDocument(doc);
      } else outboxSave(item);
      store(formKeys.get(form), null);
      if (form.getAttribute('data-parent')) form.remove();
      else { form.elements.text.value = ''; updatePreview(form); }
      if (!state.o.comments) place(articleFor(comment, 'stored'), comment);
      else send(item);
    }

    function send(item) {
      if (inflight[item.clientId] || item.done) return;
      inflight[item.clientId] = true;
      known[item.clientId] = item;
      if (here(item)) showLocal(item, 'sending');
      var abort = typeof AbortController === 'function' ? new AbortController() : null;
      var timer = setTimeout(function () { if (abort) abort.abort(); }, state.o.postTimeout);
      fetch(item.endpoint, {
        method: 'POST', credentials: 'same-origin', signal: abort ? abort.signal : undefined,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(item.body)
      }).then(function (res) {
        return res.text().then(function (text) {
          // The core judges the answer: the stored comment, a refusal for good (the text goes
          // back into a form with the reason; an unusable answer is one too, bad_answer), or a
          // failure worth retrying.
          var verdict = JSON.parse(callPlain(state.core, 'colloquy_judge_answer', text, { status: res.status }));
          if (verdict.outcome === 'delivered') return delivered(item, JSON.parse(text));
          if (verdict.outcome !== 'refused') throw new Error('HTTP ' + res.status);
          if (verdict.error.code === CODES.bad_answer) warn('the comments server answered ' + res.status + ' with nothing usable', 'it must answer JSON (DESIGN §3)');
          return refused(item, verdict.error);
        });
      }).catch(function (e) {
        inflight[item.clientId] = false;
        if (item.done) return; // answered; what failed was showing the answer
        warn('comment not sent yet: ' + (e.name === 'AbortError' ? 'no answer in ' + state.o.postTimeout + ' ms' : e.message),
          'it stays in this browser and is sent again when the network returns');
        if (here(item)) showLocal(item, 'unsent');
        retryLater(item);
      }).then(function () { clearTimeout(timer); inflight[item.clientId] = false; });
    }
    // While the page is open an unsent post is tried again on its own: after 2 s, 4 s, 8 s, ...
    // up to a minute apart (with jitter, so a server coming back is not hit all at once).
    var backoff = {}; // clientId -> {timer, attempts}
    function retryLater(item) {
      var b = backoff[item.clientId] || (backoff[item.clientId] = { attempts: 0 });
      clearTimeout(b.timer);
      var delay = Math.min(60000, 2000 * Math.pow(2, b.attempts++)) * (0.8 + 0.4 * Math.random());
      b.timer = setTimeout(function () { if (!item.done) send(item); }, delay);
    }
    // Whether an outbox item belongs to the thread and endpoint on show.
    function here(item) { return item.endpoint === endpoint() && item.body.thread === state.o.thread; }
    // The reader's own comments awaiting moderation: the server lists only published ones, so
    // they are kept here (30 days at most) and shown until they appear in the thread.
    var MINE_DAYS = 30;
    function mineKey(item) { return 'pending:' + (item ? item.endpoint + '\n' + item.body.thread : placeKey()); }
    function mine(item) {
      var all = stored(mineKey(item), []);
      var fresh = Date.now() - MINE_DAYS * 864e5;
      return Array.isArray(all) ? all.filter(function (m) { return m && m.comment && m.kept > fresh; }) : [];
    }
    function showMine() {
      // Called right after the thread is rendered: one already in it has been approved.
      var kept = mine().filter(function (m) {
        if (findArticle('data-id', m.comment.id)) return false;
        place(articleFor(m.comment, 'stored'), m.comment);
        return true;
      });
      store(mineKey(), kept.length ? kept : null);
    }
    function delivered(item, comment) {
      item.done = true;
      outboxDrop(item.clientId);
      if (backoff[item.clientId]) clearTimeout(backoff[item.clientId].timer);
      if (comment.status === 'pending') store(mineKey(item), mine(item).concat([{ comment: comment, kept: Date.now() }]));
      if (!here(item)) return; // posted from another thread: shown when the reader goes back
      var local = findArticle('data-client-id', item.clientId);
      try { // keep the document in step, so re-sorting shows the comment too
        var doc = JSON.parse(decoder.decode(state.comments));
        var arr = Array.isArray(doc) ? doc : doc.comments;
        if (Array.isArray(arr) && !arr.some(function (c) { return String(c.id) === String(comment.id); })) arr.push(comment);
        setDocument(doc);
      } catch (e) { /* no document (it did not load): the page still shows the comment */ }
      if (findArticle('data-id', comment.id) && findArticle('data-id', comment.id) !== local) { if (local) local.remove(); return; }
      var node = articleFor(comment, 'stored');
      if (node && local) local.replaceWith(node);
      else if (node) place(node, comment);
    }
    function refused(item, error) {
      item.done = true;
      outboxDrop(item.clientId);
      if (backoff[item.clientId]) clearTimeout(backoff[item.clientId].timer);
      if (!here(item)) { // the reader has moved on: the text waits as that thread's draft
        var b = item.body;
        store(draftKey(b.parent, item.endpoint + '\n' + b.thread), { name: b.author.name, location: b.author.location, text: b.text });
        return;
      }
      var local = findArticle('data-client-id', item.clientId);
      if (local) local.remove();
      var parent = item.body.parent ? findArticle('data-id', item.body.parent) : null;
      var form = parent ? openReply(parent) : composeSlot.querySelector('form.compose');
      if (!form) return;
      form.elements.name.value = item.body.author.name;
      form.elements.location.value = item.body.author.location;
      form.elements.text.value = item.body.text;
      saveDraft(form);
      updatePreview(form);
      showProblems(form, describe([error]));
    }
    // The outbox of this thread, plus the posts of this visit that storage refused to keep.
    function waiting() {
      var items = myOutbox();
      Object.keys(known).forEach(function (id) {
        if (!known[id].done && here(known[id]) && !items.some(function (i) { return i.clientId === id; })) items.push(known[id]);
      });
      return items;
    }
    function flushOutbox() { waiting().forEach(send); }
    // The thread's document gained a comment: the header's count comes from the core again.
    function setDocument(doc) {
      state.comments = encoder.encode(JSON.stringify(doc));
      var r = call(state.core, 'colloquy_render_comments', state.comments, coreOptions(state.o, state.sort));
      var fresh = r.meta.ok && htmlNode(r.slices[0] + '</div></section>');
      var header = commentsSlot.querySelector('section.comments > header');
      if (fresh && header && fresh.querySelector('header')) header.replaceWith(fresh.querySelector('header'));
    }

    // After each render of the thread: the outbox's comments, the bottom form, reopened reply drafts.
    function afterRender() {
      try { showPosting(); } catch (e) { warn('posting unavailable: ' + e.message); }
    }
    function showPosting() {
      // Browser-storage mode says once (per browser) where comments go; the line stays until
      // the widget is shown again.
      if (!state.o.comments && !frame.querySelector('.note') && !stored('told-local', false)) {
        store('told-local', true);
        var note = document.createElement('p');
        note.className = 'note';
        note.textContent = message('local_only', state.core);
        composeSlot.before(note);
      }
      showMine();
      waiting().forEach(function (item) { showLocal(item, 'unsent'); });
      if (!composeSlot.firstChild) composeSlot.appendChild(newForm('', -1));
      storedKeys(draftKey('')).forEach(function (parent) {
        var article = parent && findArticle('data-id', parent);
        if (article) openReply(article);
      });
      flushOutbox();
    }

    function guard(fn) {
      return function (event) {
        try { if (state.core) fn(event); } catch (e) { warn('posting failed: ' + e.message); }
      };
    }
    var onClick = guard(function (event) {
      var button = event.target.closest && event.target.closest('button[data-action]');
      if (!button || !root.contains(button)) return;
      var action = button.getAttribute('data-action');
      var article = button.closest('article.comment');
      // A comment still on its way has no id the server knows yet: no replies to it until then.
      if (action === 'reply' && article && !article.hasAttribute('data-client-id')) openReply(article).elements.text.focus();
      else if (action === 'cancel') button.closest('form.compose').remove();
      else if (action === 'retry' && article) {
        var id = article.getAttribute('data-client-id');
        waiting().forEach(function (i) { if (i.clientId === id) send(i); });
      }
    });
    var onInput = guard(function (event) {
      var form = event.target.closest && event.target.closest('form.compose');
      if (!form) return;
      clearTimeout(timers.get(form));
      // Debounced: a 10,000-character comment is formatted once per pause, not per key.
      timers.set(form, setTimeout(guard(function () {
        timers.delete(form);
        saveDraft(form);
        updatePreview(form);
        if (form.querySelector('.error:not([hidden])')) showProblems(form, check(form).problems);
      }), 100));
    });
    var onSubmit = guard(function (event) {
      var form = event.target;
      if (!form.matches || !form.matches('form.compose')) return;
      event.preventDefault();
      clearTimeout(timers.get(form));
      submit(form);
    });
    var onOnline = guard(flushOutbox);
    root.addEventListener('click', onClick);
    root.addEventListener('input', onInput);
    root.addEventListener('submit', onSubmit);
    window.addEventListener('online', onOnline);

    // The scheme is looked at again when the host switches theme: an attribute of <html> or
    // <body> (class, data-theme, style) or the reader's preference changes.
    function setScheme() {
      var theme = state.o ? state.o.theme : 'auto';
      var scheme = theme === 'auto' ? pageScheme(element) : theme;
      if (frame.getAttribute('data-scheme') !== scheme) frame.setAttribute('data-scheme', scheme);
    }
    var watcher = new MutationObserver(setScheme);
    [document.documentElement, document.body].forEach(function (el) { if (el) watcher.observe(el, { attributes: true }); });
    var media = window.matchMedia ? matchMedia('(prefers-color-scheme: dark)') : null;
    if (media) media.addEventListener('change', setScheme);

    var handle = {
      ready: null,
      update: function (next) {
        state.o = resolveOptions(Object.assign({}, state.o || options, next || {}));
        state.sort = state.o.sort;
        frame.setAttribute('data-theme', state.o.theme);
        setScheme();
        handle.ready = load();
        return handle.ready;
      },
      destroy: function () {
        state.token++;
        clearInterval(timer);
        root.removeEventListener('change', onChange);
        root.removeEventListener('click', onClick);
        root.removeEventListener('click', onMoreClick);
        root.removeEventListener('click', onReloadClick);
        root.removeEventListener('input', onInput);
        root.removeEventListener('submit', onSubmit);
        window.removeEventListener('online', onOnline);
        timers.forEach(function (t) { clearTimeout(t); });
        Object.keys(backoff).forEach(function (id) { clearTimeout(backoff[id].timer); });
        root.innerHTML = '';
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
    // Mounting the same element again returns its existing instance, updated.
    mount: function (element, options) {
      try {
        var existing = instances.get(element);
        if (existing) { existing.update(options); return existing; }
        var instance = mount(element, options || {});
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
      fetchTimeout: d.fetchTimeout, maxBytes: d.maxBytes
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
