// The client pathway pages. No inline scripts: the CSP forbids them.

// An invalid form comes back with status 422 and is re-rendered with its
// messages: swap it in like a success (htmx leaves 4xx alone by default).
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
