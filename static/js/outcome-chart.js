// Draws each episode's outcome chart from its json_script data. The same
// numbers are in the table beside it; the chart is a picture of them.
(function () {
  "use strict";

  function draw(root) {
    if (typeof window.Chart === "undefined") return;
    root.querySelectorAll("canvas[data-outcome-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      const source = document.getElementById(canvas.dataset.outcomeChart);
      if (!source) return;
      const data = JSON.parse(source.textContent);
      canvas.dataset.drawn = "true";
      new window.Chart(canvas, {
        data: {
          labels: data.labels,
          datasets: [
            {
              type: "bar",
              label: "Days crack used (of 30)",
              data: data.crack_days,
              backgroundColor: "#1d3b53",
              yAxisID: "days",
            },
            {
              type: "line",
              label: "Monthly spend (£)",
              data: data.monthly_spend,
              borderColor: "#b3261e",
              backgroundColor: "#b3261e",
              pointRadius: 4,
              yAxisID: "spend",
            },
          ],
        },
        options: {
          responsive: true,
          aspectRatio: 2,
          animation: false,
          scales: {
            days: { position: "left", min: 0, max: 30, title: { display: true, text: "Days" } },
            spend: {
              position: "right",
              min: 0,
              grid: { drawOnChartArea: false },
              title: { display: true, text: "£ a month" },
            },
          },
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.detail.target); });
})();
