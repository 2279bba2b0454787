/*! Colloquy: the reader's actions. */
// Fetched by colloquy.js on the reader's first click, focus, input or choice in the widget: the
// Retry button, "Load more", the sort menu, the new comments of a live update, Reply, Edit, Delete
// and writing (which fetches colloquy-post.js; so does a render for a reader who has written before).
// Keyboard users keep their place through each of them.
(() => {
  'use strict';

  // A choice in the sort menu waits this long for the next one: arrow keys on a closed select
  // fire a change per key, and the thread is sorted once, for the last.
  const SORT_PAUSE_MS = 400;

  // `w` is what the loader shares of the widget (colloquy.js); `type` the event on `t`.
  function act(w, type, t) {
    if (type === 'change') {
      if (t.matches('select[name="sort"]') && w.state.comments) sort(w, t);
      return;
    }
    const form = t.closest && t.closest('form.compose');
    if (type !== 'click') {
      if (form) posting(w).then((p) => { if (type === 'submit') p.submit(form); });
      return;
    }
    const button = t.closest && t.closest('button[data-action]');
    if (!button || !w.root.contains(button)) return;
    const action = button.getAttribute('data-action');
    if (action === 'reload') reload(w, button);
    else if (action === 'more') more(w, button);
    else if (action === 'new-comments') w.loadPart('live').then((live) => live.show(w));
    else if (action === 'reply') posting(w).then((p) => p.reply(button.closest('div.comment')));
    else if (action === 'link') posting(w).then((p) => p.link(button.closest('div.comment')));
    else if (action === 'vote') posting(w).then((p) => p.vote(button));
    else if (action === 'edit' || action === 'delete') posting(w).then((p) => p[action](button.closest('div.comment')));
    else if (action === 'skip') skip(w);
  }

  // Retry: the button hides while the comments load, so the focus waits on the status line (it
  // says "Loading comments…"), then goes to the comments, or back to Retry if they failed again;
  // unless the reader has moved it meanwhile.
  function reload(w, button) {
    const status = w.frame.querySelector('.status');
    const loaded = w.load();
    Object.assign(status, { textContent: w.message('loading'), hidden: false, tabIndex: -1 }).focus();
    const lost = (at = w.root.activeElement) => (at ? at === status || at.hidden : !document.activeElement || document.activeElement === document.body);
    return loaded.then(() => {
      const comments = w.commentsSlot.querySelector('section.comments');
      if (comments) w.composeSlot.querySelectorAll('h3[aria-level]').forEach((h) => h.removeAttribute('aria-level'));
      if (!lost()) return;
      if (!button.hidden) return button.focus();
      if (comments) Object.assign(comments, { tabIndex: -1 }).focus();
    });
  }

  // Posting (colloquy-post.js and its module colloquy-post.wasm), once per widget: when a reader
  // starts writing, or after a render of a thread with posts not sent yet, drafts or no endpoint.
  function posting(w) {
    const state = w.state;
    if (!state.posting) {
      state.posting = Promise.all([w.loadPart('post'), w.loadCore('colloquy-post.wasm')]).then(([p]) => p.attach(w));
      state.posting.catch((e) => {
        state.posting = null;
        w.warn('posting unavailable: ' + e.message, 'serve colloquy-post.js and colloquy-post.wasm next to colloquy.js');
      });
    }
    return state.posting;
  }
  // After a render, when the reader has written: posting's work on it (awaited by the render).
  const written = (w) => posting(w).then((p) => p.afterRender(), () => {});

  // The skip link: past the whole thread, to the first field of the comment form.
  function skip(w) {
    const form = w.composeSlot.querySelector('form.compose');
    if (form) form.elements.name.focus();
  }

  // Another order: the thread sorted again once the reader has chosen, and the menu keeps focus
  // (the header it sits in is rendered again with the list). A thread the server still holds
  // pages of (a cursor) is asked for again in the new order: its first page, then its pages.
  function sort(w, select) {
    const state = w.state;
    clearTimeout(state.sorting);
    state.sorting = setTimeout(() => {
      state.sort = select.value;
      const focused = w.root.activeElement === select;
      const paged = w.commentsSlot.querySelector('button[data-action="more"][data-cursor]');
      const shown = paged ? w.load() : w.showThread(++state.token);
      const token = state.token;
      shown.then(() => {
        const menu = w.commentsSlot.querySelector('select[name="sort"]');
        if (focused && state.token === token && menu) menu.focus();
      });
    }, SORT_PAUSE_MS);
  }

  // A polite announcement (the frame's live region): emptied first, so the same words twice
  // are said twice.
  function announce(w, text) {
    const region = w.frame.querySelector('.announce');
    region.textContent = '';
    setTimeout(() => { region.textContent = text; }, 100);
  }

  // What the core's render `r` of the thread has that the list lacks: each new comment goes
  // after the one it follows there (past that one's open reply form and unsent replies), and
  // the header's count and the "Load more" button become `r`'s. What is shown is not rendered
  // again, so the reader's place, focus and drafts stay. Returns the new articles, in order.
  function merge(w, r) {
    const fresh = document.createElement('template');
    fresh.innerHTML = w.trusted(r.html);
    const list = w.commentsSlot.querySelector('.list');
    const shown = new Map(Array.from(list.querySelectorAll(':scope > div.comment[data-id], :scope > .slice > div.comment[data-id]'), (a) => [a.getAttribute('data-id'), a]));
    const added = [];
    let previous = null;
    for (const article of fresh.content.querySelectorAll('.list > div.comment')) {
      const id = article.getAttribute('data-id');
      if (shown.has(id)) {
        previous = shown.get(id);
        continue;
      }
      let at = previous;
      while (at && at.nextElementSibling && at.nextElementSibling.matches('form.compose, div.comment[data-client-id]')) at = at.nextElementSibling;
      if (at) at.after(article);
      else list.prepend(article);
      added.push(previous = article);
    }
    const count = fresh.content.querySelector('header h2');
    const heading = w.commentsSlot.querySelector('section.comments > header h2');
    if (count && heading) heading.textContent = count.textContent;
    list.parentNode.querySelectorAll(':scope > button[data-action="more"]').forEach((b) => b.remove());
    const footer = fresh.content.querySelector('section.comments > button[data-action="more"]');
    if (footer) list.after(footer);
    if (r.meta.page) w.state.shown = r.meta.page.threads;
    return added;
  }

  // Keyboard users keep their place: focus goes to the first of the comments just shown (or,
  // with none, to the next "Load more"), and the live region says how many there are.
  function arrived(w, added, focused, label) {
    const next = w.commentsSlot.querySelector('button[data-action="more"]');
    if (focused && added.length) {
      added[0].tabIndex = -1;
      added[0].focus();
    } else if (focused && next) next.focus();
    if (added.length) announce(w, w.plain('colloquy_ui_message', label, { count: added.length }));
  }

  // "Load more": the next page from the pages already here (data-next: no refetch), or after
  // the last page they hold, the server's next page (its cursor, data-cursor), which joins them
  // (the core reads a thread's pages as one thread).
  function more(w, button) {
    const state = w.state;
    if (!state.comments || button.disabled) return Promise.resolve();
    const focused = w.root.activeElement === button || w.root.activeElement === null;
    const token = state.token;
    const cursor = button.getAttribute('data-cursor');
    const next = parseInt(button.getAttribute('data-next'), 10);
    const url = cursor !== null && w.commentsUrl(state.o, state.sort);
    if (cursor === null && !(next >= 0)) return Promise.resolve();
    if (url) url.searchParams.set('cursor', cursor);
    button.disabled = true;
    const bytes = url ? w.fetchBytes(url, state.o) : Promise.resolve(null);
    return bytes.then((page) => {
      if (state.token !== token) return;
      if (page) state.comments = state.comments.concat([page]);
      // The threads shown and a page more (without a page size: all), in the order on show.
      const r = w.call('colloquy_render_comments', state.comments, state.o.pageSize ? { pageSize: state.shown + state.o.pageSize } : {});
      if (!r.meta.ok) throw new Error(r.meta.error.code);
      arrived(w, merge(w, r), focused, 'more_loaded');
    }).catch((e) => {
      w.warn('loading more comments failed: ' + (e.colloquyCode || e.message)); // a TimeoutError's: "signal timed out"
      button.disabled = false;
    });
  }

  act.more = more;
  act.announce = announce;
  act.merge = merge;
  act.arrived = arrived;
  act.written = written;
  document.dispatchEvent(new CustomEvent('colloquy:act', { detail: act }));
})();
