// Focus each visible control (after a key press, so :focus-visible applies) and
// report those whose outline is missing or under 3:1 against its background.
() => {
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const contrast = (a, b) => {
    const [l1, l2] = [luminance(a.slice(0, 3)), luminance(b.slice(0, 3))].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  const backgroundOf = (el) => {
    for (let e = el.parentElement; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c;
    }
    return [255, 255, 255];
  };
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  const problems = [];
  const seen = [...document.querySelectorAll(selector)].filter((el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.disabled;
  });
  for (const el of seen.slice(0, 80)) {
    el.focus({preventScroll: true});
    if (document.activeElement !== el) continue;
    const s = getComputedStyle(el);
    const width = parseFloat(s.outlineWidth) || 0;
    const name = (el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' +
      (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30) + '"');
    // 'auto' is Chromium's own two-tone ring (Django's admin keeps it).
    if (s.outlineStyle === 'auto') continue;
    if (s.outlineStyle === 'none' || width < 2) {
      problems.push(`${name}: no focus outline`);
      continue;
    }
    const ratio = contrast(parse(s.outlineColor), backgroundOf(el));
    if (ratio < 3) problems.push(`${name}: focus outline ${ratio.toFixed(1)}:1 against its background`);
  }
  document.activeElement && document.activeElement.blur();
  return problems;
}
