/*! Colloquy: while the page stays open. */
// Fetched by colloquy.js at its first tick (30–60 s after the thread shows, or data-live ms):
// on each tick while the page is visible, relative dates ("3 minutes ago") are relabelled and,
// unless data-live="off", the comments server is asked for the thread's newest comments since
// it was loaded (?recent=N&since=T, wherever they are in its pages; If-None-Match: its ETag).
// New comments are offered with a button[data-action=new-comments] ("2 new comments", also said
// in the live region) that shows them without moving the reader's place, focus or draft.
(() => {
  'use strict';

  // After failed asks the next waits longer: twice, four times, ... at most this many times.
  const MAX_BACKOFF = 16;
  // The newest comments asked for on each tick: more than arrive on one thread between two
  // ticks, few enough that a change (a vote among them changes the ETag) costs a small answer.
  const RECENT = 50;
  // Asked for what was posted since the thread was loaded (the server's Date then, in whole
  // seconds), less this margin for a comment stored while that answer was on its way.
  const SINCE_MARGIN_MS = 1000;

  // Relabels the thread's dates, in the widget's language and zone (colloquy_format_times).
  function relabel(w) {
    const times = w.root.querySelectorAll('div.comment .date[data-datetime]');
    if (!times.length) return;
    const iso = Array.from(times, (t) => t.getAttribute('data-datetime')).join('\n');
    w.plain('colloquy_format_times', iso, {}).split('\n').forEach((label, k) => {
      if (label && times[k].textContent !== label) times[k].textContent = label;
    });
  }

  // Asks for the thread's newest comments; when they hold comments the thread lacks (the core
  // counts them: replies to a thread on a server page not loaded yet wait for that page), offers
  // them. A 304 (nothing changed) answers null.
  function ask(w, seen) {
    const state = w.state;
    const token = state.token;
    const url = w.commentsUrl(state.o);
    url.searchParams.delete('limit');
    url.searchParams.set('recent', String(RECENT));
    const loaded = state.loaded && Date.parse(state.loaded.date);
    if (loaded > 0) url.searchParams.set('since', new Date(loaded - SINCE_MARGIN_MS).toISOString());
    return w.fetchBytes(url, state.o, seen).then((page) => {
      if (!page || state.token !== token || !state.comments) return;
      const found = JSON.parse(w.plain('colloquy_new_comments', state.comments.concat([page]), {}));
      if (!found.ok || !found.count) return;
      state.fresh = { page, threads: found.threads };
      offer(w, w.plain('colloquy_ui_message', 'new_comments', { count: found.count }));
    });
  }

  // The button at the top of the list (one, its words updated), and the same words said.
  function offer(w, label) {
    const list = w.commentsSlot.querySelector('.list');
    if (!list) return;
    let button = w.commentsSlot.querySelector('button[data-action="new-comments"]');
    if (!button) {
      button = document.createElement('button');
      button.type = 'button';
      button.className = 'more new-comments'; // styled as "Load more" is
      button.setAttribute('data-action', 'new-comments');
      list.before(button);
    }
    if (button.textContent === label) return;
    button.textContent = label;
    w.loadPart('act').then((act) => act.announce(w, label));
  }

  // The reader asked for the new comments: the fresh page joins the thread's pages, as the last
  // (the core takes its copies of comments the thread has for theirs), and what it adds is shown
  // where it belongs (act.merge); the focus moves from the button, which goes, to the first of them.
  function show(w) {
    const state = w.state;
    const fresh = state.fresh;
    const button = w.commentsSlot.querySelector('button[data-action="new-comments"]');
    if (!fresh || !state.comments) return;
    state.fresh = null;
    state.comments = state.comments.concat([fresh.page]);
    return w.loadPart('act').then((act) => {
      const pageSize = state.o.pageSize ? { pageSize: state.shown + fresh.threads } : {};
      const r = w.call('colloquy_render_comments', state.comments, pageSize);
      if (!r.meta.ok) return w.warn('new comments not shown: ' + r.meta.error.code);
      const focused = button && w.root.activeElement === button;
      const added = act.merge(w, r);
      if (button) button.remove();
      act.arrived(w, added, focused, 'new_comments');
    });
  }

  // Runs the widget's ticks until it is destroyed: paused while the page is hidden (and asked
  // again when it shows), slower after failures.
  function run(w) {
    const state = w.state;
    const seen = {}; // the thread's ETag, for If-None-Match
    let failures = 0;
    let asking = false; // one ask at a time, however often the page is shown again
    const tick = () => {
      clearTimeout(state.liveTimer);
      if (w.stop.aborted || document.hidden || asking) return;
      if (state.core) relabel(w);
      asking = true;
      const asked = state.o.live !== 'off' && state.o.comments && state.comments ? ask(w, seen) : Promise.resolve();
      asked.then(() => { failures = 0; }, (e) => {
        failures++;
        w.warn('asking for new comments failed: ' + (e.colloquyCode || e.message), 'asked again later');
      }).then(() => {
        asking = false;
        if (!w.stop.aborted && !document.hidden) state.liveTimer = setTimeout(tick, w.liveDelay() * Math.min(2 ** failures, MAX_BACKOFF));
      });
    };
    document.addEventListener('visibilitychange', tick, { signal: w.stop });
    tick();
  }

  run.show = show;
  document.dispatchEvent(new CustomEvent('colloquy:live', { detail: run }));
})();
