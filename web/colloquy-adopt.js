/*! Colloquy: adopting pre-rendered comments. */
// Fetched by colloquy.js when the mount element holds comments pre-rendered by `colloquy render`
// (section.colloquy-static): they give way to the widget's when all of these are ready (built
// out of the page, so the reader never sees a blank or a half list), and the comment at the top
// of the reader's screen stays where it was.
(() => {
  'use strict';

  // `w` is what the loader shares of the widget (colloquy.js, bridge); `r` the core's first
  // answer for the thread (its first slice; meta.rest: the rest, for w.insertRest).
  function adopt(w, r, token) {
    const state = w.state;
    const fresh = document.createElement('div');
    fresh.innerHTML = w.trusted(r.html);
    // Every comment laid out at its size once (colloquy.css), so none resizes after the swap.
    w.commentsSlot.classList.add('adopting');
    return w.insertRest(fresh.querySelector('.list'), r.meta.rest, token).then(() => {
      const adopted = state.adopted;
      if (state.token !== token || !adopted) return;
      // The first comment that starts on the screen (or, with none, the one the reader is in).
      const shown = Array.from(adopted.querySelectorAll('div.comment[data-id]')).filter((a) => a.getBoundingClientRect().bottom > 0);
      const mark = shown.filter((a) => a.getBoundingClientRect().top >= 0)[0] || shown[0];
      const top = mark && mark.getBoundingClientRect().top;
      // The browser's scroll anchoring would move the page too, after this: it is left out.
      w.element.style.overflowAnchor = 'none';
      w.commentsSlot.replaceChildren(...fresh.childNodes);
      adopted.remove();
      state.adopted = null;
      const same = mark && w.commentsSlot.querySelector('div.comment[data-id="' + CSS.escape(mark.getAttribute('data-id')) + '"]');
      if (same) window.scrollBy(0, same.getBoundingClientRect().top - top);
      requestAnimationFrame(() => requestAnimationFrame(() => {
        w.element.style.overflowAnchor = '';
        w.commentsSlot.classList.remove('adopting');
      }));
    });
  }

  document.dispatchEvent(new CustomEvent('colloquy:adopt', { detail: adopt }));
})();
