/*
 * Fold all / Unfold all on the pages whose sections are <details class="nsm-fold"> elements (the plan page,
 * strategy/strategy_detail.html; a consultation round, consultation/round_page.html): they fold and unfold on their
 * own without script; the two buttons in [data-nsm-fold-buttons] open or close them all at once. The buttons stay
 * hidden without script (loaded with <script src>, no inline script, under the Content-Security-Policy).
 */
(function () {
  "use strict";

  function start() {
    var holder = document.querySelector("[data-nsm-fold-buttons]");
    if (!holder) {
      return;
    }
    holder.hidden = false;
    holder.addEventListener("click", function (event) {
      var button = event.target.closest("[data-nsm-fold]");
      if (!button) {
        return;
      }
      var open = button.dataset.nsmFold === "open";
      document.querySelectorAll("details.nsm-fold").forEach(function (details) {
        details.open = open;
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
