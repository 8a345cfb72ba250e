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

// A form is sent once: while its request is in flight its submit buttons
// are disabled and another submit is ignored. The server recognises a
// repeat anyway (the form's hidden submission key), so this only spares the
// user a second wait.
const setBusy = (form, busy) => {
  form.toggleAttribute("data-submitting", busy);
  form.setAttribute("aria-busy", busy ? "true" : "false");
  form.querySelectorAll("button[type='submit'], input[type='submit']").forEach((button) => {
    button.disabled = busy;
  });
};

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
  if (form.hasAttribute("data-submitting")) {
    event.preventDefault();
    return;
  }
  if (event.defaultPrevented) return; // HTMX sends it: see htmx:beforeRequest
  // After the browser has read the form (a disabled submitter is not sent).
  setTimeout(() => setBusy(form, true), 0);
});

document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.hasAttribute("data-submitting")) {
    event.preventDefault();
    return;
  }
  setBusy(form, true);
});

document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (form instanceof HTMLFormElement) setBusy(form, false);
});

// Back to a page whose form was sent (the back/forward cache): usable again.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-submitting]").forEach((form) => setBusy(form, false));
});
