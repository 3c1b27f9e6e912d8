"""What the rendered page shows, read in an isolated world of its own (the page's scripts
cannot see or change it; nothing is added to the page): its visible text, a fingerprint
of its content, a full-screen overlay, a password form, whether it can scroll."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from playwright.sync_api import CDPSession

from spoorvast.capture.probe_script import MAX_TEXT, PROBE_JS, WORLD

__all__ = ["MAX_TEXT", "PROBE_JS", "WORLD", "Probe", "probe", "probe_of_value"]


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
