"""A page that crashes the renderer (a greedy script in a browser with a small JS heap:
the same crash a bigger page causes later) becomes a finding, never a traceback. Its own
module: the browser here is not the shared test browser (one Playwright at a time)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from spoorvast.capture.browser import BrowserSession
from spoorvast.model.records import Case
from spoorvast.storage.vault import Vault
from tests.capture.helpers import capture, stored
from tests.capture.test_limits import codes, hostile, options

__all__ = ["hostile"]


@pytest.fixture(scope="module")
def small_heap() -> Iterator[BrowserSession]:
    """A browser whose pages may use 64 MB of JavaScript heap: a greedy page crashes its
    renderer within a second (the same crash a bigger page causes later)."""
    with BrowserSession(extra_args=("--js-flags=--max-old-space-size=64",)) as browser:
        yield browser


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


