/*! Colloquy: what the page's author should hear. https://github.com/colloquy */
// Fetched by colloquy.js after a render of the thread that has something to say (or when it has
// something for the page's author, tell.say): options the
// core could not honour, each said once in the widget's life (re-sorting or mounting again
// renders again), and comments it skipped or repaired, on each render, with how many more the
// document has than the core lists (once per document). A page whose options and comments are
// fine never fetches it.
(() => {
  'use strict';

  const told = new WeakMap(); // a widget's state -> what it was told once

  // `w` is what the loader shares of the widget (colloquy.js); `meta` the core's answer for the thread.
  function tell(w, meta) {
    const state = w.state;
    if (!told.has(state)) told.set(state, { options: new Set(), omitted: null });
    const said = told.get(state);
    meta.ignored.forEach((k) => {
      if (!said.options.has(k + state.o[k])) w.warn('option ' + k + ' "' + state.o[k] + '" is not supported, the default is used', 'see README, "Embed it"');
      said.options.add(k + state.o[k]);
    });
    meta.problems.forEach((p) => w.warn('comment ' + (p.id || '#' + p.index) + ' skipped or repaired: ' + p.code));
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
