// Runs the doctest suite compiled to wasm on this page and publishes the outcome on
// window.doctestResult = {exitCode, output} for the runner (tests/engines/run-doctest.mjs) to read.
(function () {
  'use strict';
  var lines = [];
  var out = document.getElementById('out');
  function print(text) { lines.push(text); out.textContent += text + '\n'; }
  function finish(code) { window.doctestResult = { exitCode: code, output: lines.join('\n') }; }
  window.Module = {
    arguments: new URLSearchParams(location.search).getAll('arg'),
    print: print,
    printErr: print,
    onExit: finish,
    onAbort: function (what) { print('aborted: ' + what); finish(134); }
  };
  window.addEventListener('error', function (e) { print('uncaught: ' + e.message); finish(1); });
})();
