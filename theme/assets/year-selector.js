/* dotpha: a name for the year selector that holds the words it shows.

   Material draws the selector (from versions.json, when the site has archived
   years) as a button that shows the year, "Hiện tại" or "Năm 2024 (lưu trữ)",
   but is named "Chọn phiên bản" by its aria-label. A name without the words on
   screen fails WCAG 2.5.3 (Label in Name): someone who speaks to the computer
   says what they see and nothing answers. The button is named
   "<words shown> – <Material's label>" instead: "Hiện tại – Chọn phiên bản".
   Material adds the selector after this script runs (it fetches
   versions.json first), hence the observer. */
(function () {
  "use strict";

  var topic = document.querySelector(".md-header__topic");
  if (!topic) return;

  function name(button) {
    var shown = button.textContent.replace(/\s+/g, " ").trim();
    var label = button.getAttribute("aria-label") || "";
    if (!shown || label.indexOf(shown) === 0) return;
    button.setAttribute("aria-label", label ? shown + " – " + label : shown);
  }

  function nameAll() {
    var buttons = topic.querySelectorAll(".md-version__current");
    for (var i = 0; i < buttons.length; i++) name(buttons[i]);
  }

  nameAll();
  new MutationObserver(nameAll).observe(topic, { childList: true, subtree: true });
})();
