// Draws the commissioner's return charts from their json_script data. The
// same numbers are in the tables under them; a hidden figure (*) is a gap.
(function () {
  "use strict";

  const COLOURS = ["#1d3b53", "#4a7fa8", "#9cc3e0", "#b3261e", "#e6a23c"];

  function datasets(series) {
    return Object.keys(series).map(function (label, i) {
      return { label: label, data: series[label], backgroundColor: COLOURS[i % COLOURS.length] };
    });
  }

  function draw(root) {
    if (typeof window.Chart === "undefined") return;
    root.querySelectorAll("canvas[data-return-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      const source = document.getElementById(canvas.dataset.source);
      if (!source) return;
      const data = JSON.parse(source.textContent);
      const series = data[canvas.dataset.returnChart];
      const percent = canvas.dataset.returnChart === "retention";
      canvas.dataset.drawn = "true";
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: data.labels, datasets: datasets(series) },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: { y: percent ? { min: 0, max: 100 } : { min: 0 } },
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // htmx:load fires on new content, also after an outerHTML swap.
  document.addEventListener("htmx:load", function (event) { draw(event.detail.elt); });
})();
