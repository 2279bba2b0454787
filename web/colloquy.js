/*! Colloquy: comments and Latest Stories for any page. https://github.com/colloquy */
// The loader: reads options, loads the core (colloquy.wasm, next to this script), moves bytes
// in and HTML out, and puts that HTML in an open shadow root. All logic lives in the core.
(function () {
  'use strict';
  if (window.Colloquy) return; // loaded twice: the first copy keeps working

  var script = document.currentScript;
  var BASE = new URL('.', (script && script.src) || location.href);
  var DEFAULTS = Object.freeze({
    target: '#colloquy', thread: '', comments: '', stories: '', sort: 'oldest', locale: '',
    pageSize: 0, theme: 'auto', storiesCount: 3, summaryLength: 130, timeZone: 'UTC', relativeDays: 7
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
  var corePromise = null;
  function loadCore() {
    if (corePromise) return corePromise;
    var url = new URL('colloquy.wasm', BASE);
    var imports = {
      env: { emscripten_notify_memory_growth: function () {}, colloquy_zone_offset: function (ms) { return zoneOffset(ms); } },
      wasi_snapshot_preview1: { proc_exit: function (code) { throw new Error('core exited ' + code); } }
    };
    var viaBytes = function () {
      return fetch(url).then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
        return r.arrayBuffer();
      }).then(function (bytes) { return WebAssembly.instantiate(bytes, imports); });
    };
    // Streaming compilation needs application/wasm; fall back to bytes when a server lies.
    corePromise = (WebAssembly.instantiateStreaming
      ? WebAssembly.instantiateStreaming(fetch(url), imports).catch(viaBytes)
      : viaBytes()
    ).then(function (result) {
      var core = result.instance.exports;
      core._initialize();
      return core;
    });
    corePromise.catch(function () { corePromise = null; }); // a later mount may retry
    return corePromise;
  }

  // Runs a core entry point on bytes + options; returns a view of its answer, valid until the
  // next call (the caller decodes it, then clears it).
  function invoke(core, name, input, options) {
    zone = options.timeZone || 'UTC';
    var opts = encoder.encode(JSON.stringify(options));
    var inPtr = core.colloquy_alloc(input.length);
    var optPtr = core.colloquy_alloc(opts.length);
    new Uint8Array(core.memory.buffer, inPtr, input.length).set(input);
    new Uint8Array(core.memory.buffer, optPtr, opts.length).set(opts);
    core[name](inPtr, input.length, optPtr, opts.length);
    core.colloquy_free(inPtr);
    core.colloquy_free(optPtr);
    return new Uint8Array(core.memory.buffer, core.colloquy_result_data(), core.colloquy_result_size());
  }

  // Plain-text answers (messages, time labels).
  function callText(core, name, text, options) {
    var out = decoder.decode(invoke(core, name, encoder.encode(text), options));
    core.colloquy_result_clear();
    return out;
  }

  // HTML answers: {meta, slices}, the HTML cut where top-level threads start.
  function call(core, name, input, options) {
    var out = invoke(core, name, input, options);
    var nul = out.indexOf(0);
    var meta = JSON.parse(decoder.decode(out.subarray(0, nul)));
    var html = out.subarray(nul + 1);
    // Decode now (the next call reuses the memory).
    var cuts = [0].concat(meta.chunks || [], [html.length]);
    var slices = [];
    for (var i = 0; i + 1 < cuts.length; i++) slices.push(decoder.decode(html.subarray(cuts[i], cuts[i + 1])));
    core.colloquy_result_clear();
    return { meta: meta, slices: slices };
  }

  var sheetPromise = null;
  function loadStyles() {
    if (!sheetPromise) {
      sheetPromise = fetch(new URL('colloquy.css', BASE)).then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.text();
      }).then(function (css) {
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

  function fetchBytes(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
      return r.arrayBuffer();
    }).then(function (b) { return new Uint8Array(b); });
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
      return { error: { code: 'not_xml', message: 'feed text not decodable: ' + e.message } };
    }
    if (doc.getElementsByTagNameNS('http://www.w3.org/1999/xhtml', 'parsererror').length) {
      return { error: { code: 'not_xml', message: 'feed is not well-formed XML' } };
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
      return { error: { code: 'not_feed', message: 'XML root <' + root.localName + '> is not RSS or Atom' } };
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
    return o;
  }

  function coreOptions(o, sort) {
    return {
      sort: sort, locale: o.locale, pageUrl: canonicalUrl(), storiesCount: o.storiesCount, summaryLength: o.summaryLength,
      timeZone: o.timeZone, relativeDays: o.relativeDays, now: Date.now()
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

  function mount(element, options) {
    if (!(element instanceof Element)) throw new TypeError('Colloquy.mount needs an element');
    var state = { token: 0, o: null, comments: null, sort: 'oldest', root: null };
    var root = element.shadowRoot || element.attachShadow({ mode: 'open' });
    state.root = root;
    root.innerHTML = '<div class="colloquy" part="root"><div class="comments-slot"></div>' +
      '<div class="stories-slot"></div><p class="status" role="status" hidden></p></div>';
    var frame = root.firstChild;
    var commentsSlot = frame.querySelector('.comments-slot');
    var storiesSlot = frame.querySelector('.stories-slot');
    var status = frame.querySelector('.status');

    // Shows one of the core's messages by key; English when the core itself did not load.
    var FALLBACK = { comments_unavailable: 'Comments could not be loaded.', comments_unusable: 'Comments could not be shown.' };
    function showStatus(key, core) {
      var text = '';
      if (key) {
        try { text = core ? callText(core, 'colloquy_ui_message', key, coreOptions(state.o, state.sort)) : ''; } catch (e) { text = ''; }
        text = text || FALLBACK[key] || key;
      }
      status.textContent = text;
      status.hidden = !text;
    }

    // Relative dates ("3 minutes ago") age while the page stays open: relabel them each minute.
    function refreshTimes(core) {
      var times = root.querySelectorAll('article.comment time[datetime]');
      if (!times.length) return;
      var iso = [];
      for (var i = 0; i < times.length; i++) iso.push(times[i].getAttribute('datetime'));
      var labels = callText(core, 'colloquy_format_times', iso.join('\n'), coreOptions(state.o, state.sort)).split('\n');
      for (var k = 0; k < times.length; k++) {
        if (labels[k] && times[k].textContent !== labels[k]) times[k].textContent = labels[k];
      }
    }
    var timer = setInterval(function () {
      if (document.hidden || !corePromise) return;
      corePromise.then(refreshTimes).catch(function () {});
    }, 60000);

    function renderComments(core, token) {
      var r = call(core, 'colloquy_render_comments', state.comments, coreOptions(state.o, state.sort));
      if (!r.meta.ok) {
        warn('the comments document was not usable: ' + r.meta.error.code, r.meta.error.message);
        showStatus('comments_unusable', core);
        commentsSlot.textContent = '';
        return Promise.resolve();
      }
      (r.meta.problems || []).forEach(function (p) {
        warn('comment ' + (p.id || '#' + p.index) + ' skipped or repaired: ' + p.code);
      });
      var last = r.slices.length - 1;
      commentsSlot.innerHTML = r.slices[0] + r.slices[last];
      var list = commentsSlot.querySelector('.list');
      return insertSlices(list, r.slices.slice(1, last), token, state);
    }

    function load() {
      var token = ++state.token;
      var o = state.o;
      showStatus('');
      var core = loadCore();
      var sheet = loadStyles();
      var url = o.comments ? new URL(o.comments, location.href) : null;
      if (url) url.searchParams.set('thread', o.thread);
      var commentsBytes = url ? fetchBytes(url) : Promise.resolve(encoder.encode('[]'));
      var work = [
        Promise.all([core, sheet, commentsBytes]).then(function (v) {
          if (state.token !== token) return;
          if (v[1] && root.adoptedStyleSheets.indexOf(v[1]) < 0) root.adoptedStyleSheets = root.adoptedStyleSheets.concat(v[1]);
          state.comments = v[2];
          return renderComments(v[0], token);
        }).catch(function (e) {
          warn('comments not loaded: ' + e.message, 'check data-comments and that colloquy.wasm is served next to colloquy.js');
          core.then(function (c) { showStatus('comments_unavailable', c); }, function () { showStatus('comments_unavailable', null); });
        })
      ];
      if (o.stories) {
        work.push(Promise.all([core, fetchBytes(new URL(o.stories, location.href))]).then(function (v) {
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
        loadCore().then(function (core) { return renderComments(core, token); }).catch(function (e) {
          warn('re-sorting failed: ' + e.message);
        });
      }
    }
    root.addEventListener('change', onChange);

    var handle = {
      ready: null,
      update: function (next) {
        state.o = resolveOptions(Object.assign({}, state.o || options, next || {}));
        state.sort = state.o.sort;
        frame.setAttribute('data-theme', state.o.theme);
        handle.ready = load();
        return handle.ready;
      },
      destroy: function () {
        state.token++;
        clearInterval(timer);
        root.removeEventListener('change', onChange);
        root.innerHTML = '';
        root.adoptedStyleSheets = [];
        instances.delete(element);
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

  // One script tag: read its data-* options and mount where it says.
  function autoMount() {
    if (!script || !script.hasAttribute('data-thread') && !script.hasAttribute('data-comments') &&
        !script.hasAttribute('data-stories') && !script.hasAttribute('data-target')) return;
    var d = script.dataset;
    var target = d.target || DEFAULTS.target;
    var element;
    try { element = document.querySelector(target); } catch (e) { warn('bad data-target selector: ' + target); return; }
    if (!element) {
      element = document.createElement('div');
      element.id = target.charAt(0) === '#' ? target.slice(1) : 'colloquy';
      script.parentNode.insertBefore(element, script.nextSibling);
    }
    Colloquy.mount(element, {
      thread: d.thread, comments: d.comments, stories: d.stories, sort: d.sort, locale: d.locale,
      pageSize: d.pageSize, theme: d.theme, storiesCount: d.storiesCount, summaryLength: d.summaryLength, timeZone: d.timezone,
      relativeDays: d.relativeDays
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', autoMount);
  else autoMount();
})();
