// Small behaviours HTMX does not cover. No inline scripts: CSP forbids them.
document.addEventListener("htmx:afterSwap", (event) => {
  const focusTarget = event.detail.target.querySelector("[data-autofocus]");
  if (focusTarget) focusTarget.focus();
});
