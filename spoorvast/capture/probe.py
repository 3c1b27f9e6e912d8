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

from spoorvast.capture.probe_script import MAX_TEXT, PROBE_JS, WORLD

__all__ = ["MAX_TEXT", "PROBE_JS", "WORLD", "Probe", "probe", "probe_of_value"]


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
    return probe_of_value(value)


def probe_of_value(value: dict[str, object]) -> Probe:
    """The probe from what :data:`PROBE_JS` returned (here, or in the extension)."""
    text = str(value.get("text", ""))[:MAX_TEXT]
    changes = _count(value.get("changes"))
    digest = hashlib.sha256(f"{value.get('elements')}:{value.get('text_length')}:"
                            f"{changes}:{text}".encode()).hexdigest()
    return Probe(text, digest, bool(value.get("overflow_hidden")),
                 _count(value.get("overlay")), _count(value.get("passwords")),
                 changes, _number(value.get("last_change")))


def _count(value: object) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _number(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0
