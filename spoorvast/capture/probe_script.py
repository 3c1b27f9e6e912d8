"""The script that reads what the rendered page shows (see ``probe.py``), apart so that
the browser extension's host can hand it to the extension without loading Playwright."""

from __future__ import annotations

MAX_TEXT = 200_000  # characters of visible text read, at most
WORLD = "spoorvast-probe"
PROBE_JS = r"""(() => {
  const doc = document.documentElement, body = document.body;
  const w = innerWidth, h = innerHeight;
  const style = (e) => getComputedStyle(e);
  const hiddenY = (e) => !!e && ['hidden', 'clip'].includes(style(e).overflowY);
  const shown = (e) => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && style(e).visibility !== 'hidden'; };
  const covered = (r) => Math.max(0, Math.min(r.right, w) - Math.max(r.left, 0)) *
                         Math.max(0, Math.min(r.bottom, h) - Math.max(r.top, 0));
  let hits = 0, share = 0;
  for (const [fx, fy] of [[.5, .5], [.2, .2], [.8, .2], [.2, .8], [.8, .8]]) {
    let e = document.elementFromPoint(w * fx, h * fy);
    while (e && e !== body && e !== doc) {
      if (style(e).position === 'fixed') {
        const part = covered(e.getBoundingClientRect()) / Math.max(1, w * h);
        if (part >= 0.5) { hits += 1; share = Math.max(share, part); }
        break;
      }
      e = e.parentElement;
    }
  }
  const text = body ? body.innerText || '' : '';
  const seen = window.__spoorvastChanges || {count: 0, last: 0};
  return {changes: seen.count, last_change: seen.last,
          text: text.slice(0, MAX_TEXT), text_length: text.length,
          elements: document.getElementsByTagName('*').length,
          overflow_hidden: hiddenY(doc) || hiddenY(body),
          overlay: hits >= 3 ? Math.round(share * 100) : 0,
          passwords: [...document.querySelectorAll('input[type=password]')]
                       .filter(shown).length};
})()""".replace("MAX_TEXT", str(MAX_TEXT))
