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
    pageSize: 0, theme: 'auto', storiesCount: 3
  });
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();

  function warn(message, hint) {
    console.warn('[colloquy] ' + message + (hint ? ' (' + hint + ')' : ''));
  }

  // The core: a standalone module, so its only imports are two no-op system calls.
  var corePromise = null;
  function loadCore() {
    if (corePromise) return corePromise;
    var url = new URL('colloquy.wasm', BASE);
    var imports = {
      env: { emscripten_notify_memory_growth: function () {} },
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

  // Calls a core entry point: bytes and options in, {meta, html: [slices]} out.
  function call(core, name, input, options) {
    var opts = encoder.encode(JSON.stringify(options));
    var inPtr = core.colloquy_alloc(input.length);
    var optPtr = core.colloquy_alloc(opts.length);
    new Uint8Array(core.memory.buffer, inPtr, input.length).set(input);
    new Uint8Array(core.memory.buffer, optPtr, opts.length).set(opts);
    core[name](inPtr, input.length, optPtr, opts.length);
    core.colloquy_free(inPtr);
    core.colloquy_free(optPtr);
    var out = new Uint8Array(core.memory.buffer, core.colloquy_result_data(), core.colloquy_result_size());
    var nul = out.indexOf(0);
    var meta = JSON.parse(decoder.decode(out.subarray(0, nul)));
    var html = out.subarray(nul + 1);
    // Decode now (the next call reuses the memory), cut where top-level threads start.
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
    return o;
  }

  function coreOptions(o, sort) {
    return { sort: sort, locale: o.locale, pageUrl: canonicalUrl(), storiesCount: o.storiesCount, pageSize: o.pageSize };
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
    var state = { token: 0, o: null, comments: null, sort: 'oldest', root: null, shown: 0 };
    var root = element.shadowRoot || element.attachShadow({ mode: 'open' });
    state.root = root;
    root.innerHTML = '<div class="colloquy" part="root"><div class="comments-slot"></div>' +
      '<div class="stories-slot"></div><p class="status" role="status" hidden></p></div>';
    var frame = root.firstChild;
    var commentsSlot = frame.querySelector('.comments-slot');
    var storiesSlot = frame.querySelector('.stories-slot');
    var status = frame.querySelector('.status');

    function showStatus(text) {
      status.textContent = text;
      status.hidden = !text;
    }

    function renderComments(core, token) {
      var options = coreOptions(state.o, state.sort);
      // Re-sorting keeps as many top-level threads on screen as "load more" had shown.
      if (options.pageSize && state.shown > options.pageSize) options.pageSize = state.shown;
      var r = call(core, 'colloquy_render_comments', state.comments, options);
      if (!r.meta.ok) {
        warn('the comments document was not usable: ' + r.meta.error.code, r.meta.error.message);
        showStatus('Comments could not be shown.');
        commentsSlot.textContent = '';
        return Promise.resolve();
      }
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
    function onClick(event) {
      var t = event.target;
      var button = t && t.closest && t.closest('button[data-action="more"]');
      if (button && root.contains(button)) loadMore(button);
    }
    root.addEventListener('click', onClick);

    function load() {
      var token = ++state.token;
      var o = state.o;
      state.shown = 0;
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
          showStatus('Comments could not be loaded.');
        })
      ];
      if (o.stories) {
        work.push(Promise.all([core, fetchBytes(new URL(o.stories, location.href))]).then(function (v) {
          if (state.token !== token) return;
          var r = call(v[0], 'colloquy_render_stories', v[1], coreOptions(o, state.sort));
          if (!r.meta.ok) {
            warn('the stories feed was not usable: ' + r.meta.error.code, r.meta.error.message);
            storiesSlot.textContent = '';
            return;
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
        root.removeEventListener('change', onChange);
        root.removeEventListener('click', onClick);
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
      pageSize: d.pageSize, theme: d.theme, storiesCount: d.storiesCount
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', autoMount);
  else autoMount();
})();
