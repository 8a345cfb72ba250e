// Small behaviours HTMX does not cover. No inline scripts: CSP forbids them.

// An invalid form comes back with status 422 and is re-rendered with its
// messages: swap it in like a success (htmx leaves 4xx alone by default).
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

document.addEventListener("htmx:afterSwap", (event) => {
  const focusTarget = event.detail.target.querySelector("[data-autofocus]");
  if (focusTarget) focusTarget.focus();
});

// After a whole-page form post with errors (or a form sent before HTMX had
// taken it over), move focus to the error summary so keyboard and
// screen-reader users land on what needs fixing.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-testid='form-errors'][data-autofocus]");
  if (summary) summary.focus();
});
