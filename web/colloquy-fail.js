/*! Colloquy: when the thread cannot be shown. */
// Fetched by colloquy.js when the comments did not load (the endpoint failed or did not answer
// in time, the module did not load) or were refused (larger than data-max-bytes, not a comments
// document). The loader has already put the status line up, with Retry when retrying can help
// (what failed may be the network this script came through); here the page is told why, and the
// reader can still write: the form and unsent comments stay, and posts wait in the outbox.
(() => {
  'use strict';
  const CODES = /*@COLLOQUY_CODES@*/{}; // the codes this script raises, by the build (wasm/widget.cmake)

  // `w` is what the loader shares of the widget (colloquy.js); `e` the failure, with its code
  // (colloquyCode) when the widget refused the document.
  function fail(w, e, token) {
    const state = w.state;
    const code = e.colloquyCode, o = state.o;
    if (code === CODES.document_too_large) w.warn('comments refused: ' + code + ', larger than data-max-bytes (' + o.maxBytes + ' bytes) at ' + e.message, 'raise data-max-bytes, or page the thread with data-page-size');
    else if (code) w.warn('the comments document was not usable: ' + code, e.message);
    else if (!state.core && !wasmAllowed(e)) w.warn('comments not loaded: this page does not let WebAssembly run (' + e.message + ')', typeof WebAssembly === 'object' ? "add 'wasm-unsafe-eval' to script-src in the page's Content-Security-Policy" : 'WebAssembly is turned off in this browser');
    // The comments' GET is aborted by its deadline only: WebKit rejects it as an AbortError.
    else if (e.name === 'TimeoutError' || e.name === 'AbortError') w.warn('comments not loaded: no answer in ' + o.fetchTimeout + ' ms', 'raise data-fetch-timeout, or check data-comments');
    else if (/^HTTP \d+ for /.test(e.message)) w.warn('comments not loaded: ' + e.message, /colloquy[^/]*\.wasm/.test(e.message) ? 'serve colloquy.wasm next to colloquy.js' : 'the comments server answered with an error: see its log, and check data-comments');
    else if (e instanceof TypeError && o.comments && new URL(o.comments, location.href).origin !== location.origin) {
      // No answer the page may read, from another origin: down, or not allowing this page (CORS).
      w.warn('comments not loaded: ' + e.message + ' from ' + new URL(o.comments, location.href).origin, 'check that the comments server runs and allows this page\'s origin (colloquy serve --cors ' + location.origin + ')');
    } else w.warn('comments not loaded: ' + e.message, 'check data-comments and that colloquy.wasm is served next to colloquy.js');
    if (state.token !== token || !state.core) return; // no module: the status line and its Retry are all there is
    w.commentsSlot[state.adopted ? 'append' : 'replaceChildren'](w.htmlNode('<div class="list"></div>'));
    const done = w.afterRender();
    // No comments section, so no h2 over the form: its heading ("Leave a comment", an h3) is the
    // widget's first, at the level the comments' heading would have (colloquy-act.js gives the
    // level back when Retry brings the comments).
    const heading = w.composeSlot.querySelector('form.compose h3');
    if (heading) heading.setAttribute('aria-level', '2');
    return done;
  }

  // Whether WebAssembly may run here: the smallest module there is, compiled and instantiated,
  // and the failure's own words (WebKit refuses the module's asynchronous compilation only, and
  // names the policy's 'unsafe-eval'). No: the page's Content-Security-Policy lacks
  // 'wasm-unsafe-eval', or the browser has WebAssembly turned off.
  function wasmAllowed(e) {
    try {
      return !/unsafe-eval/.test(e.message) && !!new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])));
    } catch (x) {
      return false;
    }
  }

  document.dispatchEvent(new CustomEvent('colloquy:fail', { detail: fail }));
})();
