// Dashboard charts: each <canvas data-chart="kind" data-source="id"> is drawn
// from the JSON in the <script type="application/json" id="id"> block that
// json_script wrote. The same numbers are always in a table beside the chart.
(function () {
  "use strict";

  const NAVY = "#1d3b53";
  const BLUE = "#2b7bb9";
  const ORANGE = "#b35c00";
  const BAND = "rgba(43, 123, 185, 0.18)";
  const still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function base(extra) {
    return Object.assign(
      {
        responsive: true,
        maintainAspectRatio: false,
        animation: still ? false : { duration: 300 },
        plugins: { legend: { position: "bottom" } },
      },
      extra || {}
    );
  }

  function percentAxis() {
    return { beginAtZero: true, max: 100, ticks: { callback: (v) => v + "%" } };
  }

  const builders = {
    funnel(d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: "People", data: d.counts, backgroundColor: NAVY }] },
        options: base({ indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }),
      };
    },
    sources(d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { label: "Assessed (% of referred)", data: d.assessed, backgroundColor: BLUE },
            { label: "Started (% of referred)", data: d.started, backgroundColor: NAVY },
          ],
        },
        options: base({ scales: { y: percentAxis() } }),
      };
    },
    waits(d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { label: "To assessment", data: d.assessment, backgroundColor: BLUE },
            { label: "To treatment", data: d.treatment, backgroundColor: NAVY },
          ],
        },
        options: base({ scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "People" } } } }),
      };
    },
    km(d) {
      const points = (values) => d.days.map((day, i) => ({ x: day, y: values[i] === null ? null : 100 * values[i] }));
      return {
        type: "line",
        data: {
          datasets: [
            { label: "Still in treatment", data: points(d.survival), borderColor: NAVY, backgroundColor: NAVY, stepped: "after", pointRadius: 0, borderWidth: 2 },
            { label: "95% band", data: points(d.high), borderColor: "transparent", backgroundColor: BAND, stepped: "after", pointRadius: 0, fill: "+1" },
            { label: "95% band (lower)", data: points(d.low), borderColor: "transparent", backgroundColor: BAND, stepped: "after", pointRadius: 0, fill: false },
          ],
        },
        options: base({
          plugins: { legend: { position: "bottom", labels: { filter: (item) => item.text !== "95% band (lower)" } } },
          scales: {
            x: { type: "linear", beginAtZero: true, title: { display: true, text: "Days since starting treatment" } },
            y: Object.assign(percentAxis(), { title: { display: true, text: "Still in treatment" } }),
          },
        }),
      };
    },
    keyworkers(d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: "Mean days between keywork contacts", data: d.interval, backgroundColor: BLUE }] },
        options: base({ scales: { y: { beginAtZero: true, title: { display: true, text: "Days" } } } }),
      };
    },
    outcomes(d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { label: "Baseline: mean days of crack use", data: d.baseline, backgroundColor: ORANGE },
            { label: "Follow-up: mean days of crack use", data: d.followup, backgroundColor: NAVY },
          ],
        },
        options: base({ scales: { y: { beginAtZero: true, max: 30, title: { display: true, text: "Days in the last 30" } } } }),
      };
    },
    cmweeks(d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: "Negative (% of tests done)", data: d.shares, backgroundColor: NAVY }] },
        options: base({ plugins: { legend: { display: false } }, scales: { y: percentAxis() } }),
      };
    },
    national(d) {
      return {
        type: "line",
        data: {
          labels: d.labels,
          datasets: [
            { label: "Successful completions (% of in treatment)", data: d.completions, borderColor: BLUE, backgroundColor: BLUE, spanGaps: false },
            { label: "Not re-presenting within six months (% of in treatment)", data: d.not_representing, borderColor: NAVY, backgroundColor: NAVY, spanGaps: false },
          ],
        },
        options: base({ scales: { y: { beginAtZero: true, ticks: { callback: (v) => v + "%" }, title: { display: true, text: "Of everyone in treatment" } } } }),
      };
    },
    top(d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { label: "Start TOP: mean days of use", data: d.start, backgroundColor: ORANGE },
            { label: "Review TOP: mean days of use", data: d.review, backgroundColor: NAVY },
          ],
        },
        options: base({ scales: { y: { beginAtZero: true, max: 28, title: { display: true, text: "Days in the last 28" } } } }),
      };
    },
  };

  function draw(root) {
    if (typeof window.Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      const source = document.getElementById(canvas.dataset.source);
      const build = builders[canvas.dataset.chart];
      if (!source || !build) return;
      const existing = window.Chart.getChart(canvas);
      if (existing) existing.destroy();
      new window.Chart(canvas, build(JSON.parse(source.textContent)));
    });
  }

  document.addEventListener("DOMContentLoaded", () => draw(document));
  document.addEventListener("htmx:afterSettle", (event) => draw(event.detail.elt || document));
})();
