/*! Colloquy: links to a comment. */
// Fetched by colloquy.js for a page opened at #comment-<id>, or when the fragment becomes one:
// fragment navigation does not reach into the widget's shadow root, so the thread's pages are
// shown until the comment is there ("Load more", the server's cursor included, a bounded number
// of times), then it is scrolled into view, focused and marked (.linked).
(() => {
  'use strict';

  // A link never loads more pages than this looking for its comment (a 50-comment page size
  // reaches 2,500 top-level threads).
  const MAX_PAGES = 50;

  // The linked comment's mark, added to the widget's styles with this script: an outline in the
  // theme's accent, and a flash that fades unless the reader asks for reduced motion.
  const MARK = '.comment.linked{outline:2px solid var(--c-accent);outline-offset:3px;animation:colloquy-linked 1.6s ease-out}' +
    '@keyframes colloquy-linked{from{background:color-mix(in srgb,var(--c-accent) 18%,transparent)}}' +
    '@media (prefers-reduced-motion:reduce){.comment.linked{animation:none}}';
  let mark = null;
  function addMark(root) {
    if (!mark) {
      mark = new CSSStyleSheet();
      mark.replaceSync(MARK);
    }
    if (!root.adoptedStyleSheets.includes(mark)) root.adoptedStyleSheets = root.adoptedStyleSheets.concat(mark);
  }

  // `w` is what the loader shares of the widget (colloquy.js). Another widget on the page may
  // hold the comment: not finding it here is not an error.
  async function link(w) {
    let id;
    try {
      id = decodeURIComponent(location.hash.slice('#comment-'.length));
    } catch (e) {
      return; // not a fragment this widget made
    }
    const selector = 'div.comment[data-id="' + CSS.escape(id) + '"]';
    const act = await w.loadPart('act');
    for (let pages = 0; !w.commentsSlot.querySelector(selector) && pages < MAX_PAGES; pages++) {
      const more = w.commentsSlot.querySelector('button[data-action="more"]:not([disabled])');
      if (!more) break;
      await act.more(w, more);
    }
    const article = w.commentsSlot.querySelector(selector);
    if (!article) return;
    addMark(w.root);
    w.commentsSlot.querySelectorAll('div.comment.linked').forEach((a) => a.classList.remove('linked'));
    article.classList.add('linked');
    article.tabIndex = -1;
    const still = window.matchMedia && matchMedia('(prefers-reduced-motion: reduce)').matches;
    article.scrollIntoView({ block: 'center', behavior: still ? 'auto' : 'smooth' });
    article.focus({ preventScroll: true });
  }

  document.dispatchEvent(new CustomEvent('colloquy:link', { detail: link }));
})();
