// The first script of every page the cross-engine tests open (site.mjs serves it): records what
// must not happen, from inside the page, because WebKit's driver gives no console access.
// window.__probe = {errors, warnings, csp, calls}: uncaught errors and rejections, console
// errors and warnings, CSP violations, and calls of the functions XSS payloads reach for.
(function () {
  'use strict';
  var probe = window.__probe = { errors: [], warnings: [], csp: [], calls: [] };
  window.addEventListener('error', function (e) { probe.errors.push('uncaught: ' + e.message); });
  window.addEventListener('unhandledrejection', function (e) {
    probe.errors.push('unhandled rejection: ' + (e.reason && e.reason.message || e.reason));
  });
  document.addEventListener('securitypolicyviolation', function (e) {
    probe.csp.push(e.violatedDirective + ' ' + e.blockedURI);
  });
  [['error', probe.errors], ['warn', probe.warnings]].forEach(function (pair) {
    var original = console[pair[0]];
    console[pair[0]] = function () {
      pair[1].push(Array.prototype.map.call(arguments, String).join(' '));
      return original.apply(console, arguments);
    };
  });
  ['alert', 'confirm', 'prompt', 'print'].forEach(function (name) {
    window[name] = function () { probe.calls.push(name + '(' + Array.prototype.join.call(arguments, ',') + ')'); };
  });
})();
