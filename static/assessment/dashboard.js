/* The committee dashboard's charts (Apache ECharts, vendored). The data come
   from the page (json_script); every chart has a <table> with the same numbers
   and links, which stays for screen readers (visually hidden once the chart is
   drawn) and is all there is without JavaScript. Clicking a grade opens the
   branches of that grade, as the table's links do. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  document.documentElement.classList.add("js-charts");
  var COLORS = { demonstration: "#c8161d", advanced: "#e8833a", pass: "#5b8ff9", fail: "#6c757d", none: "#ced4da" };
  var charts = [];

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
    var table = el.parentNode.querySelector(".js-chart-table");
    if (table) table.classList.add("visually-hidden");
    return chart;
  }

  var grades = data.grades.filter(function (g) { return g.value > 0; });
  var gradeChart = draw("chart-grades", {
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    series: [{
      type: "pie", radius: ["45%", "75%"], avoidLabelOverlap: true,
      label: { formatter: "{b}\n{c}", fontSize: 12 },
      data: grades.map(function (g) {
        return { name: g.name, value: g.value, url: g.url, itemStyle: { color: COLORS[g.grade] } };
      })
    }]
  });
  if (gradeChart) {
    gradeChart.on("click", function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
  }

  // with a campaign chosen: its branches per status, workflow order top to bottom
  var STAGE_COLORS = { draft: "#ced4da", returned: "#e8833a", submitted: "#f0b429", approved: "#5b8ff9",
                       verified: "#3a6fd8", finalised: "#c8161d", rectifying: "#8e44ad", reinspected: "#2f9e44",
                       none: "#adb5bd" };
  // the campaign's stages are outside the cached panels: their own json_script
  var stageSource = document.getElementById("dashboard-stages");
  var stages = (stageSource ? JSON.parse(stageSource.textContent) : []).slice().reverse();
  if (stages.length) {
    var stageChart = draw("chart-stages", {
      tooltip: { trigger: "item", formatter: "{b}: {c}" },
      grid: { left: 8, right: 28, top: 4, bottom: 4, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 10 } },
      yAxis: { type: "category", data: stages.map(function (s) { return s.name; }), axisLabel: { fontSize: 11 } },
      series: [{
        type: "bar", barMaxWidth: 18, label: { show: true, position: "right", fontSize: 11 },
        data: stages.map(function (s) {
          return { value: s.value, url: s.url, itemStyle: { color: STAGE_COLORS[s.status] || "#6c757d" } };
        })
      }]
    });
    if (stageChart) {
      stageChart.on("click", function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
    }
  }

  var cat = data.categories;
  draw("chart-categories", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
    legend: { type: "scroll", top: 0, textStyle: { fontSize: 11 } },
    grid: { left: 8, right: 8, top: 30, bottom: 4, containLabel: true },
    xAxis: { type: "category", data: cat.labels.map(function (l) { return l.split(" ")[0]; }),
             axisLabel: { fontSize: 11 } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%", fontSize: 10 } },
    series: [
      { name: cat.unit_name, type: "bar", data: cat.unit, itemStyle: { color: "#c8161d" } }
    ].concat(
      // the top of the tree has no parent: no empty "上级平均" series in the legend
      cat.parent.some(function (v) { return v != null; })
        ? [{ name: cat.parent_name, type: "bar", data: cat.parent, itemStyle: { color: "#adb5bd" } }]
        : []
    )
  });

  var tr = data.trend;
  draw("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0, textStyle: { fontSize: 11 } },
    grid: { left: 8, right: 8, top: 30, bottom: 4, containLabel: true },
    xAxis: { type: "category", data: tr.years },
    yAxis: [
      { type: "value", minInterval: 1, axisLabel: { fontSize: 10 } },
      { type: "value", min: 0, max: 100, axisLabel: { fontSize: 10 } }
    ],
    series: tr.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "grades", data: s.data, itemStyle: { color: COLORS[s.grade] } };
    }).concat([{ name: tr.average_name, type: "line", yAxisIndex: 1, data: tr.average,
                 itemStyle: { color: "#212529" }, connectNulls: true }])
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
