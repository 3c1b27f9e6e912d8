"""Whole pages: a tall page is photographed in full-width tiles (nothing lost past
16,000 px), and a lazy cross-origin iframe below the fold is drawn, not blank."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from spoorvast.capture.browser import BrowserSession
from spoorvast.model.records import ArtifactRole, Case
from spoorvast.storage.vault import Vault
from tests.capture.conftest import LOCAL
from tests.capture.helpers import blob, capture, record_of, stored
from tests.capture.site import Site

pytestmark = pytest.mark.slow


def _colour(picture: Image.Image, x: int, y: int) -> tuple[int, int, int]:
    red, green, blue = picture.convert("RGB").getpixel((x, y))  # type: ignore[misc]
    return red, green, blue


def test_tall_page_is_taken_in_tiles_down_to_the_bottom(
        vault: Vault, case: Case, session: BrowserSession, site: Site) -> None:
    result = capture(vault, case, session, site.url("/tall"), LOCAL)
    _, files = stored(vault, case, result.label)
    shot = record_of(vault, files)["screenshot"]
    assert isinstance(shot, dict)
    assert shot["page_height"] == 45_000 and shot["captured_height"] == 45_000
    assert shot["truncated"] is False
    assert shot["tiles"] == [{"file": "full-page.png", "y": 0, "height": 16_000},
                             {"file": "full-page-2.png", "y": 16_000, "height": 16_000},
                             {"file": "full-page-3.png", "y": 32_000, "height": 13_000}]
    assert "capture.height-capped" not in [p.code for p in result.problems]
    tiles = [Image.open(io.BytesIO(blob(vault, files[t["file"]]))) for t in shot["tiles"]]
    assert [t.size for t in tiles] == [(1280, 16_000), (1280, 16_000), (1280, 13_000)]
    assert all(files[t["file"]].role is ArtifactRole.SCREENSHOT for t in shot["tiles"])
    assert _colour(tiles[0], 640, 150) == (0, 0, 255)  # the top block
    for y in (44_010, 44_200, 44_390):  # the red "comment", 44,000 px down, in tile 3
        assert _colour(tiles[2], 640, y - 32_000) == (255, 0, 0)
    assert _colour(tiles[2], 640, 44_500 - 32_000) == (255, 255, 255)


def test_lazy_iframe_below_the_fold_is_drawn(
        vault: Vault, case: Case, session: BrowserSession, site: Site) -> None:
    result = capture(vault, case, session, site.url("/lazy-frame"), LOCAL)
    _, files = stored(vault, case, result.label)
    full = Image.open(io.BytesIO(blob(vault, files["full-page.png"])))
    assert full.height == 6300
    for x, y in ((20, 5020), (300, 5150), (580, 5280)):
        assert _colour(full, x, y) == (0, 255, 0)


def test_page_wider_than_the_view_is_taken_to_its_right_edge(
        vault: Vault, case: Case, session: BrowserSession, site: Site) -> None:
    result = capture(vault, case, session, site.url("/wide"), LOCAL)
    _, files = stored(vault, case, result.label)
    full = Image.open(io.BytesIO(blob(vault, files["full-page.png"])))
    assert full.width == 2000
    assert _colour(full, 1900, 150) == (255, 0, 255)
    assert _colour(full, 1700, 150) == (255, 255, 255)
