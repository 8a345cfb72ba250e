// Keywork pages: the contact logger and the group register. No inline
// scripts: the CSP forbids them.

// The logger's keyboard path: focus lands on the first intervention, Space
// ticks it, Enter saves (browsers do not submit a form from a checkbox on
// their own), Escape cancels.
document.addEventListener("keydown", (event) => {
  const el = event.target;
  if (!(el instanceof HTMLElement)) return;
  const form = el.closest("form");
  if (!form) return;
  if (
    event.key === "Enter" &&
    el instanceof HTMLInputElement &&
    el.type === "checkbox" &&
    form.hasAttribute("data-enter-submits")
  ) {
    event.preventDefault();
    // A form just swapped in is taken over by HTMX only when the swap
    // settles (20 ms later); a quick Enter would otherwise post the whole
    // page. process() is idempotent.
    if (window.htmx) window.htmx.process(form);
    form.requestSubmit();
  } else if (event.key === "Escape" && form.hasAttribute("data-contact-form")) {
    const cancel = form.querySelector("[data-cancel]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  }
});

// Only an attended contact has a length: switch the minutes box off otherwise
// (a disabled box is not sent, and the server drops it too).
function syncDurations(root) {
  root.querySelectorAll("select[data-attendance]").forEach((select) => {
    const box = document.getElementById(select.dataset.duration);
    if (box) box.disabled = select.value !== "attended";
  });
}
document.addEventListener("change", (event) => {
  if (event.target instanceof HTMLSelectElement && event.target.hasAttribute("data-attendance")) {
    syncDurations(event.target.form || document);
  }
});
document.addEventListener("DOMContentLoaded", () => syncDurations(document));
document.addEventListener("htmx:afterSwap", (event) => syncDurations(event.detail.target));

// When the logger closes without a message to focus (Cancel into a shared
// container), give focus back to the link that opened it.
let loggerOpener = null;
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("[data-testid='log-contact']");
  if (link) loggerOpener = link;
});
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (!loggerOpener || !loggerOpener.isConnected || target.contains(loggerOpener)) return;
  if (target.querySelector("[data-autofocus]") || target.querySelector("form")) return;
  if (target.matches(".contact-logger, [data-contact-logger]")) loggerOpener.focus();
});
