// Draws the charts whose data a page embeds with json_script.
(function () {
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  Chart.defaults.animation = false;
  var palette = ["#0d6efd", "#6f42c1", "#d63384", "#fd7e14", "#198754", "#20c997"];

  // A dataset's name comes translated from its canvas's data-label, English otherwise.
  function label(canvas, fallback) {
    return (canvas && canvas.dataset.label) || fallback;
  }

  var pipeline = data("pipeline-data");
  if (pipeline && document.getElementById("pipeline-chart")) {
    new Chart(document.getElementById("pipeline-chart"), {
      type: "bar",
      data: { labels: pipeline.labels, datasets: [{ label: label(document.getElementById("pipeline-chart"), "Assignments"), data: pipeline.counts, backgroundColor: "#0d6efd" }] },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  var charts = data("assignment-charts");
  if (!charts) return;
  var gap = document.getElementById("gap-chart");
  if (gap) {
    new Chart(gap, {
      type: "bar",
      data: { labels: charts.dimensions, datasets: [{ label: label(gap, "Gap level found by the audit (0–3)"), data: charts.audit, backgroundColor: charts.audit.map(function (v) { return ["#198754", "#ffc107", "#fd7e14", "#dc3545"][v] || "#adb5bd"; }) }] },
      options: { maintainAspectRatio: false, indexAxis: "y", scales: { x: { min: 0, max: 3, ticks: { stepSize: 1 } } } }
    });
  }
  var ratings = document.getElementById("ratings-chart");
  if (ratings && charts.meetings.length) {
    new Chart(ratings, {
      type: "line",
      data: {
        labels: charts.meetings.map(function (m) { return m.date; }),
        datasets: charts.dimensions.map(function (label, i) {
          return { label: label, data: charts.meetings.map(function (m) { return m.levels[i]; }), borderColor: palette[i], backgroundColor: palette[i], tension: 0.2 };
        })
      },
      options: { maintainAspectRatio: false, scales: { y: { min: 0, max: 3, ticks: { stepSize: 1 } } } }
    });
  }
  // Both meeting charts come oldest first, dated by the meeting held (or the audit submitted).
  var drift = document.getElementById("drift-chart");
  if (drift && charts.drift.length) {
    new Chart(drift, {
      type: "line",
      data: { labels: charts.drift.map(function (r) { return r.date; }), datasets: [{ label: label(drift, "Gap drift"), data: charts.drift.map(function (r) { return r.score; }), borderColor: "#dc3545", backgroundColor: "#dc3545" }] },
      options: {
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100 } },
        plugins: { tooltip: { callbacks: { title: function (items) { var r = charts.drift[items[0].dataIndex]; return r.date + " – " + r.source; } } } }
      }
    });
  }
})();
