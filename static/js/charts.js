/* Charts of the report pages, drawn with the vendored ECharts from the JSON the page embeds
   (<script type="application/json" id="chart-data">). No inline scripts: the CSP forbids them. */
(function () {
  "use strict";

  function bar(data) {
    return {
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "value", max: 100 },
      yAxis: { type: "category", data: data.labels, inverse: true, axisLabel: { width: 120, overflow: "truncate" } },
      series: [{ type: "bar", name: data.name, data: data.values, itemStyle: { color: "#198754" }, label: { show: true, position: "right", formatter: "{c}%" } }]
    };
  }

  function pie(items) {
    return {
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { bottom: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 11 } },
      series: [{ type: "pie", radius: ["32%", "58%"], center: ["50%", "40%"], data: items, label: { show: true, position: "outside", formatter: "{c}", fontSize: 12 }, labelLine: { show: true, length: 6, length2: 6 } }]
    };
  }

  function trend(data) {
    return {
      grid: { left: 8, right: 28, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
      xAxis: { type: "category", data: data.labels, boundaryGap: false },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (item) { return { type: "line", name: item.name, data: item.data, symbolSize: 5 }; })
    };
  }

  // Bars of the comparisons (quality): {bars: true, labels, series: [{name, data}], percent (0–100
  // with a % sign), stacked, vertical}. Horizontal by default, one row per unit, taller for many.
  function bars(data) {
    var vertical = !!data.vertical;
    var multi = data.series.length > 1;
    var value = data.percent ? { type: "value", max: 100 } : { type: "value", minInterval: 1 };
    var category = vertical
      ? { type: "category", data: data.labels }
      : { type: "category", data: data.labels, inverse: true, axisLabel: { width: 120, overflow: "truncate" } };
    function label(item) {
      if (item.value === null || item.value === undefined || (data.stacked && !item.value)) { return ""; }
      return data.percent ? item.value + "%" : String(item.value);
    }
    return {
      grid: { left: 8, right: 28, top: multi ? 36 : 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { show: multi, top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
      xAxis: vertical ? category : value,
      yAxis: vertical ? value : category,
      series: data.series.map(function (item) {
        return {
          type: "bar", name: item.name, data: item.data, stack: data.stacked ? "total" : null,
          label: { show: true, position: data.stacked ? "inside" : vertical ? "top" : "right", formatter: label }
        };
      })
    };
  }

  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var kind = element.getAttribute("data-chart");
      var spec = data[kind];
      var option = kind === "completion" ? bar(data.completion) : kind === "trend" ? trend(data.trend)
        : spec && spec.bars ? bars(spec) : pie(spec || []);
      if (spec && spec.bars && !spec.vertical && spec.labels.length > 8) {
        element.style.height = (spec.labels.length * 28 + 60) + "px";
      }
      var chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
