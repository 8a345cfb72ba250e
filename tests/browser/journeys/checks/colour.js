// Badges and alerts say in words what their colour means.
() => [...document.querySelectorAll('.badge, .alert, .text-bg-danger, .text-bg-warning, .table-warning, .table-danger')]
  .filter((e) => e.getBoundingClientRect().width > 0)
  .filter((e) => !(e.innerText || '').trim() && !e.getAttribute('aria-label'))
  .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}: colour with no words`)
