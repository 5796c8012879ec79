/* Accounts pages: the "tick all on this page" box of a list, and confirm prompts (data-confirm). */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-tick-all]").forEach(function (all) {
      var boxes = document.querySelectorAll("input[name='" + all.dataset.tickAll + "']");
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
      });
      boxes.forEach(function (box) {
        box.addEventListener("change", function () {
          var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
          all.checked = ticked === boxes.length;
          all.indeterminate = ticked > 0 && ticked < boxes.length;
        });
      });
    });
    document.addEventListener("click", function (event) {
      var target = event.target.closest("[data-confirm]");
      if (target && !window.confirm(target.dataset.confirm)) event.preventDefault();
    });
  });
})();
