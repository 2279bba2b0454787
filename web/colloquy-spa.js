/*! Colloquy: single-page sites. */
// Fetched by colloquy.js when a page calls update() on a widget's handle (Colloquy.mount() on a
// mounted element is one): another thread or other options for the same widget. Drafts, the
// outbox and "mine" are per place (the endpoint and the thread), so the new place shows its own.
// A page that mounts once never needs it.
(() => {
  'use strict';

  // `w` is what the loader shares of the widget (colloquy.js); `next` the options that change.
  // Before the widget has loaded (token 0: still waiting to come near) its first load reads them.
  // Until the new place's thread is shown (or has failed), the last one's comments and forms stay
  // on screen but take no input (inert): a post, a vote or an edit there would be the new place's.
  function update(w, next) {
    const was = w.placeKey();
    w.configure(Object.assign({}, w.state.o, next));
    if (!w.state.token) return w.first;
    const place = w.placeKey(), slots = [w.commentsSlot, w.composeSlot];
    if (place === was) return Promise.all([reform(w), w.load()]);
    slots.forEach((slot) => { slot.inert = true; });
    const shown = () => w.placeKey() === place && slots.forEach((slot) => { slot.inert = false; }); // unless moved on again
    return Promise.all([reform(w), w.load().finally(shown)]);
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
