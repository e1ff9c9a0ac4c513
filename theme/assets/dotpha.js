/* dotpha: the search box hands Material's search NFC text.
   The index is NFC (and a folded copy); a query typed or pasted in NFD (as
   some keyboards and macOS copy it) matches nothing, and Material's worker
   cannot be told to normalise. The box's value is normalised as it changes,
   before the keyup on which Material reads it; never during IME composition,
   which must own the text until it ends. */
(function () {
  "use strict";

  function normalise(input) {
    var value = input.value;
    var nfc = value.normalize("NFC");
    if (nfc === value) return;
    var caret = input.selectionEnd === null ? value.length : input.selectionEnd;
    var at = value.slice(0, caret).normalize("NFC").length;
    input.value = nfc;
    input.setSelectionRange(at, at);
  }

  function onChange(event) {
    var input = event.target;
    if (event.isComposing || !(input instanceof HTMLInputElement)) return;
    if (input.matches(".md-search__input")) normalise(input);
  }

  document.addEventListener("input", onChange, true);
  document.addEventListener("compositionend", onChange, true);
})();
