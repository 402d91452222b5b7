/*
 * Forms that keep what people type (no inline script: loaded with <script src> under the Content-Security-Policy).
 *
 * - A form marked `data-nsm-unsaved-warning` makes the browser ask before leaving the page once something was
 *   typed in it and not saved (`beforeunload`); submitting the form clears it. A form shown again with values that
 *   are not saved yet (a refused save, a merge to choose from) carries `data-nsm-unsaved="true"`: it asks from the
 *   start. Choosing a file to upload is not typing: the upload keeps the page (htmx) or saves first.
 * - A button `data-nsm-use-value="..." data-nsm-field="<input id>"` (the other person's value next to a field that
 *   both changed) puts that value in the field. The buttons are hidden until this script shows them.
 * - After htmx puts a line's evidence block in place, the focus goes to what the block says.
 */
(function () {
  "use strict";

  var unsaved = new Set();

  function watch(form) {
    if (form.dataset.nsmUnsaved === "true") {
      unsaved.add(form);
    }
    function typed(event) {
      if (event.target && event.target.type === "file") {
        return;
      }
      unsaved.add(form);
    }
    form.addEventListener("input", typed);
    form.addEventListener("change", typed);
    form.addEventListener("submit", function () {
      unsaved.delete(form);
    });
  }

  function useTheirValue(button) {
    var field = document.getElementById(button.dataset.nsmField);
    if (!field) {
      return;
    }
    field.value = button.dataset.nsmUseValue;
    field.dispatchEvent(new Event("change", { bubbles: true }));
    field.focus();
  }

  function start() {
    document.querySelectorAll("form[data-nsm-unsaved-warning]").forEach(watch);
    document.querySelectorAll("button[data-nsm-use-value]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        useTheirValue(button);
      });
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var id = event.detail.target && event.detail.target.id;
      var block = id && document.getElementById(id);
      var said = block && block.querySelector("[role=status], [role=alert]");
      if (said) {
        said.setAttribute("tabindex", "-1");
        said.focus();
      }
    });
  }

  window.addEventListener("beforeunload", function (event) {
    if (unsaved.size > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
