/*! Colloquy: named time zones. */
// Fetched by colloquy.js for a widget with data-timezone set to an IANA name (Europe/Paris):
// the core asks for the zone's offset at an instant through its one import, and only the
// browser's Intl knows the zone's rules, daylight saving included.
(() => {
  'use strict';
  const formats = {};
  const told = {};

  // Minutes east of UTC at `ms` in `zone`; an unknown zone is said once (`warn`) and shown as UTC.
  function offset(zone, ms, warn) {
    try {
      formats[zone] = formats[zone] || new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric'
      });
      const p = {};
      formats[zone].formatToParts(new Date(ms)).forEach((x) => { p[x.type] = +x.value; });
      const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
      return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
    } catch (e) {
      if (!told[zone]) warn('unknown time zone ' + zone + ', dates shown in UTC', 'use an IANA name such as Europe/Paris');
      told[zone] = true;
      return 0;
    }
  }

  document.dispatchEvent(new CustomEvent('colloquy:zone', { detail: offset }));
})();
