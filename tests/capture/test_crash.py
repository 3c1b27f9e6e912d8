"""A page that crashes the renderer (a greedy script in a browser with a small JS heap:
the same crash a bigger page causes later) or hangs it past the time limit becomes a
finding, never a traceback or an endless wait. Its own module, one browser per test: the
browsers here are not the shared test browser (one Playwright at a time), and the
watchdog may end one."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from spoorvast.capture.browser import BrowserSession
from spoorvast.model.records import Case
from spoorvast.storage.vault import Vault
from tests.capture.helpers import capture, stored
from tests.capture.test_limits import STUCK, codes, hostile, options

__all__ = ["hostile"]


@pytest.fixture
def small_heap() -> Iterator[BrowserSession]:
    """A browser whose pages may use 64 MB of JavaScript heap: a greedy page crashes its
    renderer within a second (the same crash a bigger page causes later)."""
    with BrowserSession(extra_args=("--js-flags=--max-old-space-size=64",)) as browser:
        yield browser


@pytest.mark.slow
def test_a_renderer_crash_is_a_finding_not_a_traceback(
        vault: Vault, case: Case, small_heap: BrowserSession, hostile: str) -> None:
    result = capture(vault, case, small_heap, hostile + "/hungry",
                     options(hostile, timeout_seconds=20))
    assert "capture.crashed" in codes(result)
    _item, files = stored(vault, case, result.label)
    assert "viewport.png" not in files and "capture.json" in files
    after = capture(vault, case, small_heap, hostile + "/images",
                    options(hostile, timeout_seconds=20))  # the browser still works
    assert "capture.crashed" not in codes(after)




@pytest.fixture
def own_browser() -> Iterator[BrowserSession]:
    with BrowserSession() as browser:
        yield browser


@pytest.mark.slow
def test_a_hung_renderer_is_stopped_at_the_time_limit(
        vault: Vault, case: Case, own_browser: BrowserSession, hostile: str) -> None:
    """A script loop right after load: the renderer answers nothing more. The watchdog
    kills it (and, if a DevTools call still waits, the browser) and the session starts a
    new browser for the next capture."""
    assert STUCK
    began = time.monotonic()
    result = capture(vault, case, own_browser, hostile + "/stuck",
                     options(hostile, timeout_seconds=4))
    took = time.monotonic() - began
    assert "capture.deadline" in codes(result)
    assert took < 4 + 5 + 5 + 4, took
    assert "capture.crashed" not in codes(result)
    after = capture(vault, case, own_browser, hostile + "/images",
                    options(hostile, timeout_seconds=20))
    _item, files = stored(vault, case, after.label)
    assert "viewport.png" in files
