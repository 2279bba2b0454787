/*! Colloquy: comment counts. */
// Comment counts for index pages: fills each element with data-colloquy-count="<thread>" (a link
// to the post, usually) with "3 Comments" in the page's language, from one request per 100
// threads to <data-comments>/counts (DESIGN §8), or from the threads this browser keeps when the
// site has no comments server. Loads no module: its words, plural tables and limits are the
// core's, written in by the build. An element whose count cannot be had keeps the page's text.
//
//   <a href="/2010/09/24/nato-russia-council#comments" data-colloquy-count="/2010/09/24/nato-russia-council">Comments</a>
//   <script src="/colloquy/colloquy-count.js" defer data-comments="/api/comments"></script>
(function () {
  'use strict';
  var script = document.currentScript;
  // colloquy::count_setup(), written in by the build (wasm/widget.cmake): requests of at most
  // `batch` threads and `maxUrl` bytes, thread ids of at most `maxThreadBytes`, and for each
  // language the count's forms (one, few, many, other) and its plural table.
  var SETUP = /*@COLLOQUY_COUNT_SETUP@*/null;
  var encoder = new TextEncoder();

  function warn(message) { console.warn('[colloquy] ' + message); }

  // The language's forms and table: data-locale, else the page's lang ("fr-CA": French), else
  // the first built in (English).
  function language(tag) {
    var lang = String(tag || '').split(/[-_]/)[0].toLowerCase();
    var locales = SETUP.locales;
    return locales[lang] || locales[Object.keys(locales)[0]];
  }

  // "3 Comments": the form of n's plural category, read from the table as the core documents it
  // (colloquy::count_rule: one digit per n below 200, then the one for multiples of a million).
  function countText(loc, n) {
    var rule = loc.rule, span = rule.length - 1;
    var digit = n < span ? rule[n] : n % 1e6 === 0 ? rule[span] : rule[span / 2 + n % 100];
    return (loc.forms[digit] || loc.forms[3]).replace('{n}', String(n));
  }

  function fill(elements, counts, loc) {
    elements.forEach(function (el) {
      var n = counts[el.getAttribute('data-colloquy-count')];
      if (Number.isSafeInteger(n) && n >= 0) el.textContent = countText(loc, n);
    });
  }

  // Requests of at most SETUP.batch threads whose URL stays under SETUP.maxUrl bytes.
  function batches(endpoint, threads) {
    var out = [], url = null, n = 0;
    threads.forEach(function (t) {
      var next = url && new URL(url.href);
      if (next) next.searchParams.append('thread', t);
      if (!next || n === SETUP.batch || next.href.length > SETUP.maxUrl) {
        if (url) out.push(url);
        next = new URL(endpoint.href);
        next.searchParams.append('thread', t);
        n = 0;
      }
      url = next;
      n++;
    });
    if (url) out.push(url);
    return out;
  }

  function fetchCounts(url) {
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, SETUP.fetchTimeout);
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: abort.signal })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      }).then(function (answer) {
        if (!answer || typeof answer.counts !== 'object' || !answer.counts) throw new Error('no counts in the answer');
        return answer.counts;
      }).finally(function () { clearTimeout(timer); });
  }

  // Browser storage (no comments server): the threads the widget keeps in localStorage, their
  // published comments counted; a thread never written to has none.
  function storedCounts(threads) {
    var counts = {};
    threads.forEach(function (t) {
      var doc = null;
      try { doc = JSON.parse(window.localStorage.getItem('colloquy:thread:' + t)); } catch (e) { /* unreadable: none */ }
      var list = doc && Array.isArray(doc.comments) ? doc.comments : [];
      counts[t] = list.filter(function (c) { return c && (!c.status || c.status === 'published'); }).length;
    });
    return counts;
  }

  function run() {
    var options = (script && script.dataset) || {};
    var loc = language(options.locale || document.documentElement.lang);
    var elements = Array.prototype.slice.call(document.querySelectorAll('[data-colloquy-count]'));
    var threads = [], seen = new Set();
    elements.forEach(function (el) {
      var t = el.getAttribute('data-colloquy-count');
      var size = encoder.encode(t.trim()).length;
      if (size > 0 && size <= SETUP.maxThreadBytes && !seen.has(t)) threads.push(t);
      seen.add(t);
    });
    if (!threads.length) return;
    if (!options.comments) return fill(elements, storedCounts(threads), loc);
    var endpoint = new URL(options.comments, location.href);
    endpoint.pathname = endpoint.pathname.replace(/\/?$/, '/counts');
    batches(endpoint, threads).forEach(function (url) {
      fetchCounts(url).then(function (counts) { fill(elements, counts, loc); }, function (e) {
        warn('comment counts not loaded from ' + url.origin + url.pathname + ': ' + e.message);
      });
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})();
