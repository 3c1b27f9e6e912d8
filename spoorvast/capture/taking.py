"""Taking the files of a settled page: the viewport and full-page screenshots, the DOM,
the MHTML and the PDF, each with the moment it was made, from one settled moment.

Before the files: wait for the page to settle (``settle.py``), scroll it through (lazy
content, lazy iframes) and settle again. After them: was it still the same page? When it
changed while the files were taken, they are taken once more when it is quiet again
(the record says so). Then the page is watched a little longer
(``CaptureOptions.watch_after_seconds``): when a post comes in that moment (a timer, no
request), the files are taken once more (if they were not already); a change after
that is not in the files, and a finding says when it came. A step that fails becomes a Problem and
the others go on; a halted visit takes no further step.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from playwright.sync_api import CDPSession, Page
from playwright.sync_api import Error as PlaywrightError

from spoorvast.capture import shots
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.probe import Probe, probe
from spoorvast.capture.settle import settle
from spoorvast.capture.visit import Visit
from spoorvast.model.records import Problem, Severity

T = TypeVar("T")
HTML_TYPES = ("text/html", "application/xhtml+xml", "")
POLL_MS = 100.0  # how often the watch after the files looks at the page


def step(visit: Visit, name: str, action: Callable[[], T]) -> T | None:
    """One artifact step; a failure is recorded and the capture goes on. A halted visit
    takes no further step (its finding says why)."""
    if time.monotonic() > visit.deadline:
        visit.timed_out = True
    if visit.halted:
        visit.skipped.append(name)
        return None
    try:
        return action()
    except (PlaywrightError, KeyError, ValueError) as exc:
        reason = exc.message if isinstance(exc, PlaywrightError) else type(exc).__name__
        visit.problems.append(Problem(Severity.WARNING, "capture.step-failed",
                                      (("step", name), ("error", short(reason)))))
        return None


def short(reason: str) -> str:
    first = (reason or "").strip().splitlines()[0] if reason else ""
    return first[:120]


def take_artifacts(page: Page, cdp: CDPSession, visit: Visit, options: CaptureOptions,
                    deadline: float) -> None:
    html = visit.main is not None and visit.main.media_type in HTML_TYPES
    if html:
        _settle(page, cdp, visit, options.min_dwell_seconds,
                min(deadline, time.monotonic() + options.idle_timeout_seconds))
        lowest = step(visit, "scroll", lambda: shots.scroll_through(
            page, cdp, options.viewport_height, options.height_cap, deadline)) or 0
        framed = step(visit, "scroll", lambda: shots.frames_into_view(
            page, cdp, min(deadline, time.monotonic() + options.settle_seconds)))
        lowest = max(lowest, framed or 0)
        _settle(page, cdp, visit, 0.0,
                min(deadline, time.monotonic() + options.settle_seconds),
                visit.seen if visit.settled and visit.settled.settled else None)
        step(visit, "scroll", lambda: shots.scroll_to_top(page, cdp, lowest))
    visit.title = step(visit, "title", page.title) or ""
    if not html:  # the original bytes are the evidence; screenshots of Chromium's own
        return    # viewer add nothing (and can leave its stream open: a hang on close)
    _take_files(page, cdp, visit, options)
    quiet_before = visit.settled is not None and visit.settled.settled  # else a retake
    if visit.changed_while_taken and quiet_before and _can_retake(visit, options, deadline):
        _retake(page, cdp, visit, options, deadline)  # changed while taken
    _watch_after(page, cdp, visit, min(deadline, time.monotonic()
                                       + options.watch_after_seconds))
    if visit.changed_after_taken and _can_retake(visit, options, deadline):
        # a post came just after the files (a timer, no request): once more, when quiet,
        # and watch again; a second late change is named by the finding
        visit.changed_after_taken = None
        _retake(page, cdp, visit, options, deadline)
        _watch_after(page, cdp, visit, min(deadline, time.monotonic()
                                           + options.watch_after_seconds))


def _can_retake(visit: Visit, options: CaptureOptions, deadline: float) -> bool:
    """The files are taken again at most once, and only when there is time to settle."""
    return not visit.retaken and not visit.halted \
        and time.monotonic() + options.idle_timeout_seconds < deadline


def _retake(page: Page, cdp: CDPSession, visit: Visit, options: CaptureOptions,
            deadline: float) -> None:
    _settle(page, cdp, visit, 0.0,
            min(deadline, time.monotonic() + options.idle_timeout_seconds))
    visit.retaken = True
    _take_files(page, cdp, visit, options)


def _take_files(page: Page, cdp: CDPSession, visit: Visit, options: CaptureOptions) -> None:
    visit.viewport_png = _timed(visit, "viewport.png", lambda: shots.viewport_png(cdp))
    visit.dom = _timed(visit, "dom.html", lambda: page.content().encode("utf-8"))
    visit.mhtml = _timed(visit, "page.mhtml", lambda: shots.mhtml(cdp))
    visit.full = _timed(visit, "full-page.png",
                        lambda: shots.full_png(cdp, options.height_cap))
    if options.pdf:
        visit.pdf = _timed(visit, "page.pdf", lambda: page.pdf(print_background=True))
    _check_unchanged(cdp, visit)


STEP_OF = {"viewport.png": "viewport-screenshot", "dom.html": "dom", "page.mhtml": "mhtml",
           "full-page.png": "full-screenshot", "page.pdf": "pdf"}


def _timed(visit: Visit, name: str, action: Callable[[], T]) -> T | None:
    """A file's step, with the moment it was made (UTC) for the record."""
    moment = _utc_now()
    made = step(visit, STEP_OF[name], action)
    if made is not None:
        visit.taken[name] = moment
    return made


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _settle(page: Page, cdp: CDPSession, visit: Visit, dwell: float, until: float,
            known: Probe | None = None) -> None:
    """Wait for the page to be quiet (bounded); what was still open is kept."""
    if visit.halted:
        return
    visit.settled = settle(page, cdp, lambda: list(visit.open_requests.values()),
                           (dwell, until), lambda: visit.halted, known)
    visit.seen = visit.settled.last or visit.seen


def _check_unchanged(cdp: CDPSession, visit: Visit) -> None:
    """Did the content change while the files were taken (they may then disagree)?"""
    if visit.halted or visit.seen is None:
        return
    with contextlib.suppress(PlaywrightError, ValueError, KeyError):
        now = probe(cdp)
        visit.changed_while_taken = now.fingerprint != visit.seen.fingerprint
        visit.seen = now if visit.changed_while_taken else visit.seen


def _watch_after(page: Page, cdp: CDPSession, visit: Visit, until: float) -> None:
    """Look a little longer after the files were taken: a post a timer puts in a moment
    later is not in them, and the record and a finding must say so."""
    if visit.halted or visit.seen is None:
        return
    began = time.monotonic()
    with contextlib.suppress(PlaywrightError, ValueError, KeyError):
        while time.monotonic() < until and not visit.halted:
            page.wait_for_timeout(min(POLL_MS, 1000 * max(0.0, until - time.monotonic())))
            now = probe(cdp)
            if now.fingerprint != visit.seen.fingerprint:
                visit.changed_after_taken = _utc_of(now.last_change) or _utc_now()
                break
    visit.watched_after = round(time.monotonic() - began, 2)


def _utc_of(unix_ms: float) -> str | None:
    if unix_ms <= 0:
        return None
    moment = datetime.fromtimestamp(unix_ms / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
