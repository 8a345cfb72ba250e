// The TOP form's keyboard path: digits only in the week cells, the 28-day
// total as you type, D in a row toggles its "declined" box, and a button
// shows the previous TOP's answers. No inline scripts: the CSP forbids them.
(() => {
  const form = document.querySelector("[data-top-form]");
  if (!form) return;

  const rowOf = (el) => el.closest("[data-top-row]");

  const total = (row) => {
    const out = row.querySelector("[data-total]");
    if (!out) return;
    const cells = [...row.querySelectorAll(".top-cell")];
    const declined = row.querySelector(".top-declined");
    if (declined && declined.checked) {
      out.textContent = "declined";
      return;
    }
    const filled = cells.filter((c) => c.value !== "");
    out.textContent = filled.length
      ? String(filled.reduce((sum, c) => sum + Number(c.value), 0))
      : "";
  };

  const setDeclined = (row, on) => {
    const box = row.querySelector(".top-declined");
    if (!box) return;
    box.checked = on;
    row.classList.toggle("top-is-declined", on);
    row.querySelectorAll("input:not(.top-declined), select").forEach((el) => {
      if (on) {
        if (el.tagName === "SELECT") el.value = "";
        else el.value = "";
      }
      el.setAttribute("aria-disabled", on ? "true" : "false");
    });
    total(row);
  };

  form.addEventListener("keydown", (event) => {
    const el = event.target;
    if (!(el instanceof HTMLElement)) return;
    const row = rowOf(el);
    if (!row) return;
    if (event.key === "d" || event.key === "D") {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      event.preventDefault();
      const box = row.querySelector(".top-declined");
      setDeclined(row, !(box && box.checked));
      return;
    }
    if (el.classList.contains("top-cell")) {
      // Digits 0 to 7 only; navigation and editing keys pass through.
      if (event.key.length === 1 && !/[0-7]/.test(event.key) && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
      }
    }
  });

  form.addEventListener("input", (event) => {
    const el = event.target;
    if (!(el instanceof HTMLInputElement)) return;
    const row = rowOf(el);
    if (!row) return;
    if (el.classList.contains("top-cell")) {
      el.value = el.value.replace(/[^0-7]/g, "").slice(0, 1);
      if (el.value !== "") {
        const box = row.querySelector(".top-declined");
        if (box && box.checked) setDeclined(row, false);
      }
    }
    total(row);
  });

  form.addEventListener("change", (event) => {
    const el = event.target;
    if (el instanceof HTMLInputElement && el.classList.contains("top-declined")) {
      setDeclined(rowOf(el), el.checked);
    }
  });

  const toggle = document.querySelector("[data-show-previous]");
  if (toggle) {
    toggle.addEventListener("click", () => {
      const on = form.classList.toggle("top-show-previous");
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  form.querySelectorAll("[data-top-row]").forEach((row) => {
    const box = row.querySelector(".top-declined");
    if (box && box.checked) row.classList.add("top-is-declined");
    total(row);
  });
})();
