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
STUCK_LIMIT = 3
# A line of 1 MB without a space made a page ~8,000,000 px wide: its screenshot took
# 3.9 GB (measured). The width is cut here (the other files hold the whole page).
WIDTH_CAP = 2_560  # two default viewports
# One picture at most this tall (WebP fails silently above 16,383 px, one PNG gets huge);
# a taller page is taken as several full-width tiles, one under the other.
TILE_HEIGHT = 16_000


@dataclass(frozen=True, slots=True)
class Tile:
    """One full-width slice of the page: rows ``y`` to ``y + height`` (CSS px)."""
    png: bytes
    y: int
    height: int


@dataclass(frozen=True, slots=True)
class FullShot:
    tiles: tuple[Tile, ...]
    width: int
    page_height: int
    captured_height: int
    page_width: int = 0  # the page's own width when wider than WIDTH_CAP

    @property
    def png(self) -> bytes:
        """The first tile (the whole page when it fits in one)."""
        return self.tiles[0].png

    @property
    def truncated(self) -> bool:
        return self.captured_height < self.page_height


def tile_name(number: int) -> str:
    """The file of tile ``number`` (0 from the top): full-page.png, full-page-2.png, …"""
    return "full-page.png" if number == 0 else f"full-page-{number + 1}.png"


def content_size(cdp: CDPSession) -> tuple[int, int, int]:
    """(width, height, scroll y) of the document, in CSS pixels."""
    metrics = cdp.send("Page.getLayoutMetrics")
    size, view = metrics["cssContentSize"], metrics["cssVisualViewport"]
    return math.ceil(size["width"]), math.ceil(size["height"]), int(view["pageY"])


def scroll_through(page: Page, cdp: CDPSession, view_height: int, cap: int,
                   deadline: float) -> int:
    """Wheel down a screen at a time until the end, the cap or the deadline; the lowest
    scroll position reached."""
    page.mouse.move(10, view_height // 2)
    lowest, stuck = 0, 0
    while time.monotonic() < deadline and stuck < STUCK_LIMIT:
        _, height, y = content_size(cdp)
        if y + view_height >= min(height, cap):
            break
        page.mouse.wheel(0, view_height)
        page.wait_for_timeout(WHEEL_PAUSE_MS)
        stuck = stuck + 1 if y <= lowest and y > 0 else 0
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


def full_png(cdp: CDPSession, cap: int, tile_height: int = TILE_HEIGHT) -> FullShot:
    """The page down to ``cap`` px, in tiles of at most ``tile_height`` px."""
    page_width, height, _ = content_size(cdp)
    width = max(1, min(page_width, WIDTH_CAP))
    captured = max(1, min(height, cap))
    tiles = tuple(_tile(cdp, width, y, min(tile_height, captured - y))
                  for y in range(0, captured, tile_height))
    return FullShot(tiles, width, height, captured, page_width)


def _tile(cdp: CDPSession, width: int, y: int, height: int) -> Tile:
    data = cdp.send("Page.captureScreenshot", {
        "format": "png", "optimizeForSpeed": True, "captureBeyondViewport": True,
        "clip": {"x": 0, "y": y, "width": width, "height": height, "scale": 1}})
    return Tile(base64.b64decode(data["data"]), y, height)


def mhtml(cdp: CDPSession) -> bytes:
    return str(cdp.send("Page.captureSnapshot", {"format": "mhtml"})["data"]).encode("utf-8")
