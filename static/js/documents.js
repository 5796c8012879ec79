/* Policy and scheme forms: the sum of the weights of the parts not removed, shown as it changes;
 * a part's scale or target shown only for the sources that use it; a removed row greyed out (its
 * Remove box checked; it is dropped on save). */
(function () {
  "use strict";

  function number(value) {
    var parsed = parseFloat(String(value || "").replace("，", ".").replace(",", "."));
    return isNaN(parsed) ? 0 : parsed;
  }

  // A part's scale ("out of") matters for an exam or a hand-entered score, its target for time
  // online or posts; the other fields are hidden for the other sources.
  var SCALE = ["exam", "manual"];
  var TARGET = ["online_time", "discussion"];

  function showFor(row, name, wanted, source) {
    var input = row.querySelector("input[name$='-" + name + "']");
    if (input && input.parentElement) input.parentElement.classList.toggle("d-none", wanted.indexOf(source) === -1);
  }

  function showField(root, name, shown) {
    var input = root.querySelector("[name='" + name + "']");
    var box = input && input.closest("[class*=col-]");
    if (box) box.classList.toggle("d-none", !shown);
  }

  function refresh(root) {
    var period = root.querySelector("select[name=period_kind]");
    if (period) {
      showField(root, "period_years", period.value === "cycle");
      showField(root, "period_anchor", period.value === "cycle");
      showField(root, "period_start_month", period.value === "school_year");
    }
    root.querySelectorAll("[data-formset=components] .formset-row").forEach(function (row) {
      var source = row.querySelector("select[name$='-source']");
      if (!source) return;
      showFor(row, "max", SCALE, source.value);
      showFor(row, "target", TARGET, source.value);
    });
    var out = root.querySelector("[data-weight-total]");
    if (out) {
      var total = 0;
      root.querySelectorAll("[data-formset=components] .formset-row").forEach(function (row) {
        var removed = row.querySelector("input[name$='-DELETE']");
        var weight = row.querySelector("input[name$='-weight']");
        if (weight && !(removed && removed.checked)) total += number(weight.value);
      });
      total = Math.round(total * 10) / 10;
      out.textContent = String(total);
      out.classList.toggle("text-danger", total !== 100);
      out.classList.toggle("text-success", total === 100);
    }
    root.querySelectorAll(".formset-row").forEach(function (row) {
      var removed = row.querySelector("input[name$='-DELETE']");
      row.classList.toggle("opacity-50", !!(removed && removed.checked));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector(".formset")) return;
      refresh(form);
      form.addEventListener("input", function () { refresh(form); });
      form.addEventListener("change", function () { refresh(form); });
    });
  });
})();
