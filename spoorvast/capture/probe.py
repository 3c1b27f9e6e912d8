"""What the rendered page shows, read in an isolated world of its own (the page's scripts
cannot see or change it; nothing is added to the page): its visible text, a fingerprint
of its content, a full-screen overlay, a password form, whether it can scroll.

A change of the page between two looks (a post a timer put in and took out again, a
text swapped for one of the same length) would escape a fingerprint of what is shown at
each look. So a ``MutationObserver`` is installed in the same isolated world at document
start (:func:`watch_mutations`): it counts the visible changes (nodes with text or size
added or removed, text changed) and the count is part of the fingerprint. The page's own
scripts cannot see that world, so the page behaves as it would without it."""

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
  const seen = window.__spoorvastChanges || {count: 0, last: 0};
  return {changes: seen.count, last_change: seen.last,
          text: text.slice(0, MAX_TEXT), text_length: text.length,
          elements: document.getElementsByTagName('*').length,
          overflow_hidden: hiddenY(doc) || hiddenY(body),
          overlay: hits >= 3 ? Math.round(share * 100) : 0,
          passwords: [...document.querySelectorAll('input[type=password]')]
                       .filter(shown).length};
})()""".replace("MAX_TEXT", str(MAX_TEXT))


# Counts visible changes of the DOM from document start, in the probe's isolated world.
MUTATIONS_JS = r"""(() => {
  const seen = window.__spoorvastChanges = {count: 0, last: 0};
  const shows = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.data.trim().length > 0;
    if (node.nodeType !== Node.ELEMENT_NODE) return false;
    const filled = (node.textContent || '').trim().length > 0 ||
      ['IMG', 'VIDEO', 'IFRAME', 'CANVAS', 'SVG'].includes(node.tagName.toUpperCase());
    if (!node.isConnected) return filled;  // removed, or added and removed again
    return node.checkVisibility() && (filled || node.getBoundingClientRect().height > 0);
  };
  const visible = (r) => r.type === 'characterData'
    ? !!r.target.parentElement && r.target.parentElement.checkVisibility()
    : [...r.addedNodes].some(shows) || [...r.removedNodes].some(shows);
  new MutationObserver((records) => {
    if (records.some(visible)) { seen.count += 1; seen.last = Date.now(); }
  }).observe(document, {subtree: true, childList: true, characterData: true});
})()"""


def watch_mutations(cdp: CDPSession) -> None:
    """Install the change counter in every document the page loads from now on."""
    cdp.send("Page.enable")
    cdp.send("Page.addScriptToEvaluateOnNewDocument",
             {"source": MUTATIONS_JS, "worldName": WORLD})


@dataclass(frozen=True, slots=True)
class Probe:
    text: str  # the visible text (``innerText``), cut at MAX_TEXT
    fingerprint: str  # changes when the visible text or the number of elements does
    overflow_hidden: bool  # the page itself cannot be scrolled
    overlay: int  # % of the viewport a fixed element covers (0: none over half)
    passwords: int  # visible password fields
    changes: int = 0  # visible DOM changes since the document started (mutation watch)
    last_change: float = 0.0  # when the last one happened (Unix ms; 0: none seen)


def isolated_world(cdp: CDPSession) -> int:
    """The execution context of the probe's world in the main frame."""
    tree = cdp.send("Page.getFrameTree")
    frame = tree["frameTree"]["frame"]["id"]
    world = cdp.send("Page.createIsolatedWorld", {"frameId": frame, "worldName": WORLD})
    return int(world["executionContextId"])


def probe(cdp: CDPSession) -> Probe:
    answer = cdp.send("Runtime.evaluate", {
        "expression": PROBE_JS, "contextId": isolated_world(cdp),
        "returnByValue": True, "timeout": 3000})
    value = answer.get("result", {}).get("value")
    if not isinstance(value, dict):
        raise ValueError("probe")
    text = str(value.get("text", ""))
    changes = int(value.get("changes") or 0)
    digest = hashlib.sha256(f"{value.get('elements')}:{value.get('text_length')}:"
                            f"{changes}:{text}".encode()).hexdigest()
    return Probe(text, digest, bool(value.get("overflow_hidden")),
                 int(value.get("overlay") or 0), int(value.get("passwords") or 0),
                 changes, float(value.get("last_change") or 0))
