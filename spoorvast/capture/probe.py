"""What the rendered page shows, read in an isolated world of its own (the page's scripts
cannot see or change it; nothing is added to the page): its visible text, a fingerprint
of its content, a full-screen overlay, a password form, whether it can scroll."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from playwright.sync_api import CDPSession

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
  return {text: text.slice(0, MAX_TEXT), text_length: text.length,
          elements: document.getElementsByTagName('*').length,
          overflow_hidden: hiddenY(doc) || hiddenY(body),
          overlay: hits >= 3 ? Math.round(share * 100) : 0,
          passwords: [...document.querySelectorAll('input[type=password]')]
                       .filter(shown).length};
})()""".replace("MAX_TEXT", str(MAX_TEXT))


@dataclass(frozen=True, slots=True)
class Probe:
    text: str  # the visible text (``innerText``), cut at MAX_TEXT
    fingerprint: str  # changes when the visible text or the number of elements does
    overflow_hidden: bool  # the page itself cannot be scrolled
    overlay: int  # % of the viewport a fixed element covers (0: none over half)
    passwords: int  # visible password fields


def probe(cdp: CDPSession) -> Probe:
    tree = cdp.send("Page.getFrameTree")
    frame = tree["frameTree"]["frame"]["id"]
    world = cdp.send("Page.createIsolatedWorld", {"frameId": frame, "worldName": WORLD})
    answer = cdp.send("Runtime.evaluate", {
        "expression": PROBE_JS, "contextId": world["executionContextId"],
        "returnByValue": True, "timeout": 3000})
    value = answer.get("result", {}).get("value")
    if not isinstance(value, dict):
        raise ValueError("probe")
    return probe_of_value(value)


def probe_of_value(value: dict[str, object]) -> Probe:
    """The probe from what :data:`PROBE_JS` returned (here, or in the extension)."""
    text = str(value.get("text", ""))[:MAX_TEXT]
    digest = hashlib.sha256(f"{value.get('elements')}:{value.get('text_length')}:"
                            f"{text}".encode()).hexdigest()
    return Probe(text, digest, bool(value.get("overflow_hidden")),
                 _count(value.get("overlay")), _count(value.get("passwords")))


def _count(value: object) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
