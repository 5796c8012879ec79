/* Policy and scheme forms: the sum of the weights of the parts not removed, shown as it changes,
 * and a removed row greyed out (its Remove box checked; it is dropped on save). */
(function () {
  "use strict";

  function number(value) {
    var parsed = parseFloat(String(value || "").replace("，", ".").replace(",", "."));
    return isNaN(parsed) ? 0 : parsed;
  }

  function refresh(root) {
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
