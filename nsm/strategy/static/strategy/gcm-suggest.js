/*
 * Suggested GCM objectives (strategy/_gcm_suggestions.html): each button ticks, or unticks, its objective's checkbox
 * among the form's GCM objectives (no inline script: loaded with <script src> under the Content-Security-Policy).
 *
 * A block `data-nsm-gcm-suggestions data-nsm-gcm-field="<field name>"` holds buttons `data-nsm-gcm-objective="<pk>"`,
 * hidden until this script finds their checkbox (the input named <field name> with that value, in the block's form,
 * else in the page) and shows them in place of their text. A button is a toggle: `aria-pressed` and its mark (+ or
 * a tick, not colour alone) follow the checkbox, whoever changes it. Ticking fires `change`, so that forms.js counts
 * it as typing (the unsaved-changes warning). Blocks that htmx puts in the page later are started too.
 */
(function () {
  "use strict";

  if (window.nsmGcmSuggest) {
    return; // included twice: once is enough
  }
  window.nsmGcmSuggest = true;

  function checkboxFor(block, value) {
    var scope = block.closest("form") || document;
    var selector = 'input[type="checkbox"][name="' + CSS.escape(block.dataset.nsmGcmField) + '"]';
    var boxes = scope.querySelectorAll(selector);
    if (boxes.length === 0 && scope !== document) {
      boxes = document.querySelectorAll(selector);
    }
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].value === value) {
        return boxes[i];
      }
    }
    return null;
  }

  function show(button, box) {
    var ticked = box.checked;
    button.setAttribute("aria-pressed", ticked ? "true" : "false");
    button.classList.toggle("btn-primary", ticked);
    button.classList.toggle("btn-outline-primary", !ticked);
    var mark = button.querySelector("[data-nsm-gcm-mark]");
    if (mark) {
      mark.textContent = ticked ? "\u2713" : "+";
    }
  }

  function start(block) {
    if (block.dataset.nsmGcmStarted === "true") {
      return;
    }
    block.dataset.nsmGcmStarted = "true";
    block.querySelectorAll("button[data-nsm-gcm-objective]").forEach(function (button) {
      var box = checkboxFor(block, button.dataset.nsmGcmObjective);
      if (!box) {
        return; // no such checkbox: the suggestion stays as text
      }
      var text = button.parentElement.querySelector("[data-nsm-gcm-fallback]");
      if (text) {
        text.hidden = true;
      }
      button.hidden = false;
      show(button, box);
      button.addEventListener("click", function () {
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      });
      box.addEventListener("change", function () {
        show(button, box);
      });
    });
  }

  function startAll() {
    document.querySelectorAll("[data-nsm-gcm-suggestions]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
  document.addEventListener("htmx:afterSettle", startAll);
})();
