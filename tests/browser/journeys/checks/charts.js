// Each chart is an image with a name, with a table of its numbers beside it.
() => [...document.querySelectorAll('canvas')].flatMap((c) => {
  const problems = [];
  const name = c.getAttribute('aria-label') || '';
  if (c.getAttribute('role') !== 'img' || !name.trim()) problems.push('a chart without role=img and a name');
  let e = c.parentElement;
  while (e && e.tagName !== 'MAIN' && !e.querySelector('table')) e = e.parentElement;
  if (!e || e.tagName === 'MAIN') problems.push(`chart "${name.slice(0, 40)}" has no table of its numbers beside it`);
  return problems;
})
