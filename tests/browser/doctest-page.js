// Runs the doctest suite compiled to wasm on this page and publishes the outcome on
// window.doctestResult = {exitCode, output} for the runner (tests/engines/run-doctest.mjs) to read.
// Until then window.doctestPhase says how far the page got: 'loading' (the packaged files and the
// module are still being fetched and compiled: `waitingFor` counts what is outstanding), then
// 'running' (the suite runs, synchronously, until it exits).
(function () {
  'use strict';
  var lines = [];
  var out = document.getElementById('out');
  function print(text) { lines.push(text); out.textContent += text + '\n'; }
  function finish(code) {
    if (!window.doctestResult) window.doctestResult = { exitCode: code, output: lines.join('\n') };
  }
  window.doctestPhase = { phase: 'loading', waitingFor: null };
  window.Module = {
    arguments: new URLSearchParams(location.search).getAll('arg'),
    print: print,
    printErr: print,
    monitorRunDependencies: function (left) { window.doctestPhase.waitingFor = left; },
    onRuntimeInitialized: function () { window.doctestPhase.phase = 'running'; },
    onExit: finish,
    onAbort: function (what) { print('aborted: ' + what); finish(134); }
  };
  window.addEventListener('error', function (e) { print('uncaught: ' + e.message); finish(1); });
  window.addEventListener('unhandledrejection', function (e) {
    print('unhandled rejection: ' + (e.reason && e.reason.message || e.reason));
    finish(1);
  });
})();
