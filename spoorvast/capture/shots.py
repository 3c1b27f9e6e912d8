"""Scrolling and screenshots through the DevTools protocol (no script in the page).

Scrolling uses real wheel input, as a reader would, so lazy content loads; the page's
height comes from ``Page.getLayoutMetrics``. Screenshots are lossless PNG with Chromium's
``optimizeForSpeed`` (about 3x faster to encode, slightly larger files).
"""

from __future__ import annotations

import base64
import math
import time
from dataclasses import dataclass

from playwright.sync_api import CDPSession, Page

WHEEL_PAUSE_MS = 40
STILL_SECONDS = 0.6  # the scroll position did not move for this long: stop
# A line of 1 MB without a space made a page ~8,000,000 px wide: its screenshot took
# 3.9 GB (measured). The width is cut here (the other files hold the whole page).
WIDTH_CAP = 2_560  # two default viewports


@dataclass(frozen=True, slots=True)
class FullShot:
    png: bytes
    width: int
    page_height: int
    captured_height: int
    page_width: int = 0  # the page's own width when wider than WIDTH_CAP

    @property
    def truncated(self) -> bool:
        return self.captured_height < self.page_height


def content_size(cdp: CDPSession) -> tuple[int, int, int]:
    """(width, height, scroll y) of the document, in CSS pixels."""
    metrics = cdp.send("Page.getLayoutMetrics")
    size, view = metrics["cssContentSize"], metrics["cssVisualViewport"]
    return math.ceil(size["width"]), math.ceil(size["height"]), int(view["pageY"])


def scroll_through(page: Page, cdp: CDPSession, view_height: int, cap: int,
                   deadline: float) -> int:
    """Wheel down a screen at a time until the end, the cap, the deadline, or the scroll
    position stays put for STILL_SECONDS (an overlay with ``overflow:hidden``, a page
    that does not scroll); the lowest scroll position reached."""
    page.mouse.move(10, view_height // 2)
    lowest, last, moved = 0, -1, time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - moved < STILL_SECONDS:
        _, height, y = content_size(cdp)
        if y + view_height >= min(height, cap):
            break
        if y != last:
            last, moved = y, time.monotonic()
        page.mouse.wheel(0, view_height)
        page.wait_for_timeout(WHEEL_PAUSE_MS)
        lowest = max(lowest, y)
    return max(lowest, content_size(cdp)[2])


def scroll_to_top(page: Page, cdp: CDPSession, lowest: int) -> None:
    if lowest <= 0:
        return
    page.mouse.wheel(0, -(lowest + 1000))
    for _ in range(10):
        if content_size(cdp)[2] <= 0:
            return
        page.wait_for_timeout(WHEEL_PAUSE_MS)


def viewport_png(cdp: CDPSession) -> bytes:
    data = cdp.send("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True})
    return base64.b64decode(data["data"])


def full_png(cdp: CDPSession, cap: int) -> FullShot:
    page_width, height, _ = content_size(cdp)
    width = max(1, min(page_width, WIDTH_CAP))
    captured = max(1, min(height, cap))
    data = cdp.send("Page.captureScreenshot", {
        "format": "png", "optimizeForSpeed": True, "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": captured, "scale": 1}})
    return FullShot(base64.b64decode(data["data"]), width, height, captured, page_width)


def mhtml(cdp: CDPSession) -> bytes:
    return str(cdp.send("Page.captureSnapshot", {"format": "mhtml"})["data"]).encode("utf-8")
