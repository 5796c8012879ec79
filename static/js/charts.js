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

  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var kind = element.getAttribute("data-chart");
      var option = kind === "completion" ? bar(data.completion) : kind === "trend" ? trend(data.trend) : pie(data[kind] || []);
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
