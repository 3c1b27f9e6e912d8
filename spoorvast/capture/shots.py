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
from playwright.sync_api import Error as PlaywrightError

WHEEL_PAUSE_MS = 40
STILL_SECONDS = 0.6  # the scroll position did not move for this long: stop
# A line of 1 MB without a space made a page ~8,000,000 px wide: its screenshot took
# 3.9 GB (measured). The width is cut here (the other files hold the whole page).
WIDTH_CAP = 2_560  # two default viewports
MAX_FRAMES = 50  # iframes brought into view one by one, at most
FRAME_PAUSE_MS = 200  # after each: time for a lazy frame to start loading, or to paint
TILE_SCROLL_TRIES = 20
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


def frames_into_view(page: Page, cdp: CDPSession, until: float) -> int:
    """Bring every iframe (an embedded post, often ``loading=lazy``) into view in turn
    and wait, until ``until`` at most, for the frames to load, so the screenshot draws
    them: the wheel passes a lazy frame too fast for it to load. The scroll position
    it leaves (for :func:`scroll_to_top`)."""
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "iframe"})["nodeIds"]
    for node in nodes[:MAX_FRAMES]:
        if time.monotonic() >= until:
            break
        cdp.send("DOM.scrollIntoViewIfNeeded", {"nodeId": node})
        page.wait_for_timeout(FRAME_PAUSE_MS)
    for frame in page.frames[1:MAX_FRAMES + 1]:
        left_ms = (until - time.monotonic()) * 1000
        if left_ms <= 0:
            break
        try:
            frame.wait_for_load_state("load", timeout=left_ms)
        except PlaywrightError:
            break  # out of time (or the frame went away): take what is drawn
    return content_size(cdp)[2]


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
    """The page down to ``cap`` px, in tiles of at most ``tile_height`` px.

    For each tile the viewport is made as tall as the tile and scrolled to it: Chromium
    does not paint a cross-origin iframe outside the viewport (an embedded post comes
    out blank), even with ``captureBeyondViewport``. The viewport is put back after."""
    metrics = cdp.send("Page.getLayoutMetrics")["cssLayoutViewport"]
    view = (int(metrics["clientWidth"]), int(metrics["clientHeight"]))
    page_width, height, _ = content_size(cdp)
    width = max(1, min(page_width, WIDTH_CAP))
    captured = max(1, min(height, cap))
    try:
        tiles = tuple(_tile(cdp, view[0], width, y, min(tile_height, captured - y))
                      for y in range(0, captured, tile_height))
    finally:
        _set_viewport(cdp, *view)
        _scroll_to(cdp, 0)
    return FullShot(tiles, width, height, captured, page_width)


def _set_viewport(cdp: CDPSession, width: int, height: int) -> None:
    cdp.send("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def _scroll_to(cdp: CDPSession, y: int) -> int:
    """Wheel to ``y`` (or as near as the page lets); where it stopped."""
    now, still = content_size(cdp)[2], 0
    for _ in range(TILE_SCROLL_TRIES):
        if now == y or still >= 2:
            break
        cdp.send("Input.dispatchMouseEvent", {"type": "mouseWheel", "x": 10, "y": 10,
                                              "deltaX": 0, "deltaY": y - now})
        time.sleep(WHEEL_PAUSE_MS / 1000)
        moved = content_size(cdp)[2]
        still = still + 1 if moved == now else 0
        now = moved
    return now


def _tile(cdp: CDPSession, view_width: int, width: int, y: int, height: int) -> Tile:
    _set_viewport(cdp, view_width, height)
    _scroll_to(cdp, y)
    # A one-pixel shot runs a frame (the frames now in view are no longer throttled);
    # the pause lets them paint before the real one.
    cdp.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False,
                                        "clip": {"x": 0, "y": y, "width": 1, "height": 1,
                                                 "scale": 1}})
    time.sleep(FRAME_PAUSE_MS / 1000)
    data = cdp.send("Page.captureScreenshot", {  # beyond: only a page wider than the view
        "format": "png", "optimizeForSpeed": True, "captureBeyondViewport": width > view_width,
        "clip": {"x": 0, "y": y, "width": width, "height": height, "scale": 1}})
    return Tile(base64.b64decode(data["data"]), y, height)


def mhtml(cdp: CDPSession) -> bytes:
    return str(cdp.send("Page.captureSnapshot", {"format": "mhtml"})["data"]).encode("utf-8")
