// After a refused form: an alert says what is wrong, each invalid field is
// marked aria-invalid and its message is tied to it by aria-describedby.
() => {
  const problems = [];
  const alerts = [...document.querySelectorAll('[role=alert]')].filter((e) => e.innerText.trim());
  if (!alerts.length) problems.push('no error announced (no role=alert with text)');
  const invalid = [...document.querySelectorAll('main input, main select, main textarea')]
    .filter((e) => e.classList.contains('is-invalid') || e.getAttribute('aria-invalid') === 'true');
  if (!invalid.length) problems.push('no field marked invalid');
  for (const field of invalid) {
    const name = field.name || field.id;
    if (field.getAttribute('aria-invalid') !== 'true') problems.push(`${name}: not aria-invalid`);
    const described = (field.getAttribute('aria-describedby') || '').split(/\s+/)
      .map((id) => id && document.getElementById(id)).filter(Boolean);
    const fieldset = field.closest('fieldset[aria-describedby]');
    if (fieldset) {
      described.push(...fieldset.getAttribute('aria-describedby').split(/\s+/)
        .map((id) => document.getElementById(id)).filter(Boolean));
    }
    const tied = described.some((e) => e.classList.contains('invalid-feedback') ||
      e.classList.contains('errorlist') || /error/.test(e.id));
    if (!tied) problems.push(`${name}: its message is not tied to it (aria-describedby)`);
  }
  return problems;
}
