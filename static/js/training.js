/* Training pages: formset rows, a form that does not lose work, and confirm prompts.
 *
 * A form with data-keep="<key>" is copied to localStorage on every change and put back when the
 * page is opened again without a save (a closed tab, a lost connection, an expired session); the
 * copy is dropped when the form is submitted. Leaving the page with unsaved changes asks first.
 */
(function () {
  "use strict";

  function addRow(fieldset) {
    var prefix = fieldset.dataset.formset;
    var total = fieldset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var template = fieldset.querySelector("template.formset-template");
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    fieldset.querySelector(".formset-rows").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    return index;
  }

  function setupFormsets(root) {
    root.querySelectorAll("fieldset.formset").forEach(function (fieldset) {
      var button = fieldset.querySelector(".formset-add");
      if (button) {
        button.addEventListener("click", function () {
          addRow(fieldset);
          var form = fieldset.closest("form");
          if (form) form.dispatchEvent(new Event("input", { bubbles: true }));
        });
      }
    });
  }

  function snapshot(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "hidden" && el.name === "csrfmiddlewaretoken") return;
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name + "::" + el.value] = el.checked;
      } else if (el.tagName === "SELECT" && el.multiple) {
        values[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function restore(form, values) {
    // Rows added before the tab closed come back first, so their fields exist.
    form.querySelectorAll("fieldset.formset").forEach(function (fieldset) {
      var prefix = fieldset.dataset.formset;
      var total = fieldset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
      var wanted = parseInt(values[prefix + "-TOTAL_FORMS"] || total.value, 10);
      while (parseInt(total.value, 10) < wanted) addRow(fieldset);
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "checkbox" || el.type === "radio") {
        var key = el.name + "::" + el.value;
        if (key in values) el.checked = values[key];
      } else if (el.tagName === "SELECT" && el.multiple) {
        if (Array.isArray(values[el.name])) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = values[el.name].indexOf(o.value) !== -1; });
        }
      } else if (el.name in values && el.type !== "hidden") {
        el.value = values[el.name];
      }
    });
  }

  function keepForm(form) {
    var key = "peixun:draft:" + form.dataset.keep;
    var dirty = false;
    var hasErrors = !!document.querySelector("[data-testid=form-errors]");
    var saved = null;
    try { saved = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    // After a failed save the server's page already holds what was typed.
    if (saved && !hasErrors) {
      restore(form, saved);
      var notice = document.getElementById("draft-restored");
      if (notice) {
        notice.classList.remove("d-none");
        var discard = document.getElementById("draft-discard");
        if (discard) discard.addEventListener("click", function () {
          window.localStorage.removeItem(key);
          dirty = false;
          window.location.reload();
        });
      }
    }
    form.addEventListener("input", function () {
      dirty = true;
      try { window.localStorage.setItem(key, JSON.stringify(snapshot(form))); } catch (e) { /* storage full or off */ }
    });
    form.addEventListener("change", function () { form.dispatchEvent(new Event("input")); });
    form.addEventListener("submit", function () {
      dirty = false;
      window.localStorage.removeItem(key);
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  function setupConfirms(root) {
    root.addEventListener("click", function (event) {
      var target = event.target.closest("[data-confirm]");
      if (target && !window.confirm(target.dataset.confirm)) event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupFormsets(document);
    document.querySelectorAll("form[data-keep]").forEach(keepForm);
    setupConfirms(document);
  });
})();
