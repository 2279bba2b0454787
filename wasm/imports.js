// Declares the functions colloquy.wasm imports from the page (module "env"), so the link knows
// they are provided at instantiation. The loader (web/colloquy.js) supplies the real ones.
mergeInto(LibraryManager.library, {
  // Minutes east of UTC at an instant, in the widget's time zone (see colloquy/format.hpp).
  colloquy_zone_offset: function (ms) { return 0; },
});
