/* dotpha: Vietnamese text without its diacritics, as every script compares it.

   `dotpha.fold("Quảng Ngãi Đồng")` → "quang ngai dong": decomposed (NFD),
   combining marks dropped, đ/Đ as d, lower case. The one folding of the
   scripts (search.js, registry.js, form.js), the same as generator/domain/text.py's
   `fold` on the Python side (tests/site/test_browser.py compares the two). */
(function () {
  "use strict";
  var dotpha = (window.dotpha = window.dotpha || {});
  dotpha.fold = function (text) {
    return String(text).normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase();
  };
})();
