/*! Colloquy: what the page's author should hear. */
// Fetched by colloquy.js after a render of the thread that has something to say (or when it has
// something for the page's author, tell.say): options the core could not honour, each said once
// in the widget's life (re-sorting or mounting again renders again), and the comments it skipped
// or repaired, each once: one warning counting them by code, the comments themselves in one
// console table under it (a thousand broken comments are one line to read, not a thousand),
// then how many more the document has than the core lists (once per document). A page whose
// options and comments are fine never fetches it.
(() => {
  'use strict';

  const told = new WeakMap(); // a widget's state -> what it was told once

  // `w` is what the loader shares of the widget (colloquy.js); `meta` the core's answer for the thread.
  function tell(w, meta) {
    const state = w.state;
    if (!told.has(state)) told.set(state, { options: new Set(), problems: new Set(), omitted: null });
    const said = told.get(state);
    meta.ignored.forEach((k) => {
      if (!said.options.has(k + state.o[k])) w.warn('option ' + k + ' "' + state.o[k] + '" is not supported, the default is used', 'see README, "Embed it"');
      said.options.add(k + state.o[k]);
    });
    // New ones only: another page of the thread, or another document, brings its own.
    const name = (p) => p.id || '#' + p.index, key = (p) => p.code + ' ' + name(p);
    const fresh = meta.problems.filter((p) => !said.problems.has(key(p)));
    if (fresh.length) {
      const codes = {};
      fresh.forEach((p) => { said.problems.add(key(p)); codes[p.code] = (codes[p.code] || 0) + 1; });
      w.warn(fresh.length + ' comments skipped or repaired: ' + Object.keys(codes).map((c) => c + ' ' + codes[c]).join(', '),
        'the table below names them; colloquy check lists a whole document');
      console.table(fresh.map((p) => ({ comment: name(p), code: p.code, field: p.field || '' })));
    }
    // The thread's first page is the document as loaded: a new load is a new one.
    if (!meta.problemsOmitted || said.omitted === state.comments[0]) return;
    said.omitted = state.comments[0];
    w.warn(meta.problemsOmitted + ' more problems in the comments document not listed', 'colloquy check lists them');
  }

  // What colloquy.js has to say to the page's author (its `say`), by key.
  const words = {
    no_script: () => ['no script element to read options from', 'load colloquy.js with a <script src> tag, or call Colloquy.mount()'],
    taken: (t) => ['data-target "' + t + '" already holds a widget', 'one data-target per script tag'],
    no_match: (t) => ['data-target "' + t + '" matches nothing, mounted after the script instead'],
    no_selector: (t) => ['data-target "' + t + '" is not a selector, mounted after the script instead'],
    core_failed: (d) => ['the core failed in ' + d + '; it starts afresh', 'please report this with the page'],
    no_styles: (d) => ['styles not loaded: ' + d, 'serve colloquy.css next to colloquy.js'],
    no_stories: (d) => ['stories not shown: ' + d],
    no_update: (d) => ['update() not applied: ' + d],
    // Read again on each mount() or update(): said once.
    bad_number: (d) => (numbers.has(d) ? null : numbers.add(d) && ['option ' + d + ' is not a usable number, the default is used', 'see README, "Embed it"']),
  };
  const numbers = new Set();
  tell.say = (warn, key, detail) => {
    const said = words[key](detail);
    if (said) warn(...said);
  };

  document.dispatchEvent(new CustomEvent('colloquy:warn', { detail: tell }));
})();
