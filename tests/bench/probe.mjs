// The page benchmarks' probe (widgets.mjs, timeline.mjs), run as the page's first script: it is
// serialized into the page, so it uses nothing but its arguments and the page's globals.
// Times are performance.now(), from the start of navigation. "Painted": the comment elements
// exist and the frame after their insertion has been produced (a requestAnimationFrame, then a
// task posted from it, which runs once that frame's style, layout and paint are done). Writes
// window.__bench (first10, all, longtasks, cls, ...) and calls window.__benchDone() once all
// `total` comments matching `selector` (in the document or any shadow root) are painted.
export function probe({ selector, total }) {
  const r = (window.__bench = { dom10: null, first10: null, domAll: null, all: null, longtasks: [], cls: 0, shifts: [], probeMs: 0 });
  // Every file's entry is kept (a system may fetch an avatar per comment; the default keeps 250).
  performance.setResourceTimingBufferSize(1e6);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) r.longtasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask' });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      r.cls += e.value;
      // What moved, for the report: "tag.class" of each source, its rectangle before and after.
      const name = (n) => (n ? `${n.nodeName.toLowerCase()}${n.className && typeof n.className === 'string' ? '.' + n.className.split(' ')[0] : ''}` : '?');
      r.shifts.push({ at: e.startTime, value: e.value, sources: e.sources.map((s) => ({ node: name(s.node), from: s.previousRect.toJSON(), to: s.currentRect.toJSON() })) });
    }
  }).observe({ type: 'layout-shift', buffered: true });
  const roots = (window.__benchRoots = [document]);
  const painted = (key) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { r[key] = performance.now(); if (key === 'all') window.__benchDone(); };
    channel.port2.postMessage(null);
  });
  const observer = new MutationObserver(() => {
    const start = performance.now();
    let n = 0;
    for (const root of roots) n += root.querySelectorAll(selector).length;
    const now = performance.now();
    r.probeMs += now - start;
    if (r.dom10 === null && n >= Math.min(10, total)) { r.dom10 = now; painted('first10'); }
    if (n >= total) { r.domAll = now; painted('all'); observer.disconnect(); }
  });
  observer.observe(document, { childList: true, subtree: true });
  // Comments inside a shadow root are counted there (Colloquy's root is open; so is the baseline's).
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attachShadow.call(this, init);
    roots.push(root);
    observer.observe(root, { childList: true, subtree: true });
    return root;
  };
}
