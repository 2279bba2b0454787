/*! Colloquy: the Latest Stories strip. */
// Fetched by colloquy.js for a page with data-stories. Feeds are chosen by content (extensions
// and Content-Types lie): JSON goes to the core as is; XML (RSS, Atom) is the browser's to
// decode and parse, and its element tree goes to the core, which maps it (colloquy/feed_tree.hpp).
(() => {
  'use strict';
  const CODES = /*@COLLOQUY_CODES@*/{}; // the codes this script raises, by the build (wasm/widget.cmake)

  // The feed's bytes in, the core's {meta, html} out; `w` is what the loader shares of the
  // widget (colloquy.js, bridge). The core names what it was given: a JSON Feed (read), an HTML
  // page (feed_is_html), or XML (feed_is_xml), which the browser decodes and parses here.
  function renderFeed(w, bytes) {
    const r = w.call('colloquy_render_stories', bytes);
    if (r.meta.ok || r.meta.error.code !== CODES.feed_is_xml) return r;
    const head = String.fromCharCode.apply(null, bytes.subarray(0, 256));
    const declared = /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/.exec(head);
    const bom = bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF;
    const failed = (message) => ({ meta: { ok: false, error: { code: CODES.not_xml, message } } });
    let doc;
    try {
      const source = new TextDecoder(bom || !declared ? 'utf-8' : declared[1], { fatal: true }).decode(bytes);
      doc = new DOMParser().parseFromString(source, 'application/xml');
    } catch (e) {
      return failed('feed text not decodable: ' + e.message);
    }
    if (doc.getElementsByTagNameNS('http://www.w3.org/1999/xhtml', 'parsererror').length) return failed('feed is not well-formed XML');
    return w.call('colloquy_render_feed_tree', elementTree(doc.documentElement));
  }

  // The document as the core's neutral token stream (feed_tree.hpp): "<name", "@name=value",
  // "#text", ">" separated by NUL. Walked without recursion: a feed may nest deeper than the stack.
  function elementTree(top) {
    const out = [];
    for (let n = top; n;) {
      if (n.nodeType === 1) {
        out.push('<' + n.localName);
        for (const a of n.attributes) out.push('@' + a.name + '=' + a.value);
        if (n.firstChild) {
          n = n.firstChild;
          continue;
        }
        out.push('>');
      } else if (n.nodeType === 3 || n.nodeType === 4) out.push('#' + n.data);
      while (n !== top && !n.nextSibling) {
        n = n.parentNode;
        out.push('>');
      }
      n = n === top ? null : n.nextSibling;
    }
    return out.join('\0');
  }

  // Fetches the page's feed (data-stories) and, once the core is ready, renders the strip into
  // the widget's stories slot; a feed that cannot be fetched or used leaves it empty.
  function stories(w, core, token) {
    return Promise.all([w.fetchBytes(new URL(w.state.o.stories, location.href), w.state.o), core]).then(([bytes]) => {
      if (w.state.token === token) show(w, renderFeed(w, bytes));
    }).catch((e) => {
      w.warn('stories not loaded: ' + (e.colloquyCode || e.message), 'check data-stories');
      w.storiesSlot.textContent = '';
    });
  }
  function show(w, r) {
    if (!r.meta.ok) {
      w.warn('the stories feed was not usable: ' + r.meta.error.code, r.meta.error.message);
      w.storiesSlot.textContent = '';
      return;
    }
    const p = r.meta.problems || [];
    if (p.length) w.warn(p.length + ' feed item(s) skipped or repaired, first: ' + p[0].code + ' (item ' + (p[0].id || '#' + p[0].index) + ')');
    w.storiesSlot.innerHTML = w.trusted(r.html);
  }

  document.dispatchEvent(new CustomEvent('colloquy:stories', { detail: stories }));
})();
