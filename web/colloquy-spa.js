/*! Colloquy: single-page sites. */
// Fetched by colloquy.js when a page calls update() on a widget's handle (Colloquy.mount() on a
// mounted element is one): another thread or other options for the same widget. Drafts, the
// outbox and "mine" are per place (the endpoint and the thread), so the new place shows its own.
// A page that mounts once never needs it.
(() => {
  'use strict';

  // `w` is what the loader shares of the widget (colloquy.js); `next` the options that change.
  // Before the widget has loaded (token 0: still waiting to come near) its first load reads them.
  function update(w, next) {
    w.configure(Object.assign({}, w.state.o, next));
    return w.state.token ? Promise.all([reform(w), w.load()]) : w.first;
  }

  // The bottom form belongs to the place it was made for. Once posting is here it moves drafts
  // itself; before, a form typed on brings posting, which keeps the text as that place's draft
  // and makes the form again, and an untouched one is made again for the new place at once.
  function reform(w) {
    const form = w.composeSlot.firstChild;
    if (!form || w.state.posting || form.colloquyPlace === w.placeKey()) return;
    if (form.elements.text.value) return w.loadPart('act').then((act) => act.written(w), (e) => w.warn(e.message));
    form.replaceWith(w.newForm('', -1));
  }

  document.dispatchEvent(new CustomEvent('colloquy:spa', { detail: { update } }));
})();
