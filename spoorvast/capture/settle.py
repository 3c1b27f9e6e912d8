"""Waiting for a page to settle: no request open and its content unchanged for a quiet
moment, after a minimum dwell (a post often arrives by script after the load event) and
before a ceiling. What was still open or changing when the wait ended is kept, for the
record and a finding (``assemble.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import CDPSession, Page
from playwright.sync_api import Error as PlaywrightError

from spoorvast.capture.probe import Probe, probe

POLL_MS = 100
QUIET_SECONDS = 0.5  # no request and no change of content for this long: settled
MAX_PENDING_LISTED = 20


@dataclass(frozen=True, slots=True)
class Settled:
    settled: bool
    waited: float  # seconds
    pending: tuple[str, ...]  # the URLs of requests still open at the end (some)
    pending_count: int
    changing: bool  # the content changed within the last quiet moment
    last: Probe | None

    def to_json(self) -> dict[str, object]:
        return {"settled": self.settled, "waited_seconds": round(self.waited, 2),
                "pending_requests": self.pending_count, "pending_urls": list(self.pending),
                "content_changing": self.changing}


def settle(page: Page, cdp: CDPSession, pending: Callable[[], list[str]],
           limits: tuple[float, float], halted: Callable[[], bool],
           known: Probe | None = None) -> Settled:
    """Wait at least ``limits[0]`` seconds and until ``limits[1]`` (a monotonic deadline)
    at most for the page to be quiet. ``known``: what the page showed when it was last
    found quiet; the same content with no request open is quiet at once."""
    dwell, until = limits
    start = time.monotonic()
    last: Probe | None = known
    changed = idle = start - (QUIET_SECONDS if known is not None else 0.0)
    while True:
        now = time.monotonic()
        current = _probe(cdp)
        if current is None or last is None or current.fingerprint != last.fingerprint:
            changed = now
        last = current or last
        open_now = pending()
        if open_now:
            idle = now
        quiet = min(now - changed, now - idle) >= QUIET_SECONDS
        if quiet and now - start >= dwell:
            return Settled(True, now - start, (), 0, False, last)
        if now >= until or halted():
            return Settled(False, now - start, tuple(open_now[:MAX_PENDING_LISTED]),
                           len(open_now), now - changed < QUIET_SECONDS, last)
        try:
            page.wait_for_timeout(POLL_MS)
        except PlaywrightError:
            return Settled(False, now - start, (), 0, False, last)  # crashed: said so


def _probe(cdp: CDPSession) -> Probe | None:
    try:
        return probe(cdp)
    except (PlaywrightError, ValueError, KeyError):
        return None  # between documents (a navigation): counts as a change
