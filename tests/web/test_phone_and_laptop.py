"""Phone and laptop: every screen (every GET route of the app, with a realistic case) in
nl, fr, de and en at 390 × 844 and 1366 × 768 in real Chromium: nothing wider than the
window, quick exit and lock reachable after scrolling, controls at least 44 px high,
and axe-core finds no serious or critical problem. A screenshot of each is saved under
``test-artifacts/screens/<language>/<size>/`` (ignored by git; the path is printed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Browserish, StartApp
from tests.web.realistic import build, screens, take_over
from tests.web.test_browser import AXE, _axe

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
SIZES = {"phone": (390, 844), "laptop": (1366, 768)}
LANGUAGES = ("nl", "fr", "de", "en")
# controls a finger or a shaky hand must hit (inline links in running text are exempt)
SMALL_TARGETS = """() => [...document.querySelectorAll(
  'button, .button, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
  + 'header nav a, .filters a, .pager a, summary')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1
                 && getComputedStyle(e).visibility !== 'hidden'; })
  .filter(e => e.getBoundingClientRect().height < 43.5)
  .map(e => (e.id || e.tagName.toLowerCase()) + ' ' + Math.round(e.getBoundingClientRect().height)
       + 'px')"""


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core not installed (npm install "
                    "--prefix tests/web/.axe axe-core@4)")
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_screen_on_a_phone_and_a_laptop(start_app: StartApp, chromium: Any,
                                              tmp_path: Path, language: str) -> None:
    live = start_app()
    client = Browserish(live)
    try:
        client.unlock()
        built = build(client, tmp_path, which=("ocr", "capture"))
    finally:
        client.close()
    paths = screens(live.app, built)
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    take_over(page, live.url)
    problems: list[str] = []
    context.add_cookies([{"name": "sv_lang", "value": language, "url": live.url}])
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        folder = ARTIFACTS / language / size
        folder.mkdir(parents=True, exist_ok=True)
        for path in paths:
            problems += [f"{language} {size} {path}: {p}"
                         for p in _check(page, live.url + path, folder, width)]
    print(f"\nscreenshots of every screen ({language}): {ARTIFACTS / language}")
    context.close()
    assert not problems, "\n".join(problems)


def _check(page: Any, url: str, folder: Path, width: int) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    name = url.split("//", 1)[1].split("/", 1)[1].replace("/", "_").replace("?", "-") or "start"
    page.screenshot(path=str(folder / f"{name[:90]}.png"), full_page=True)
    found = []
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width:
        found.append(f"{wide} px wide (window {width})")
    found += [f"small target {t}" for t in page.evaluate(SMALL_TARGETS)]
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    for control in () if url.endswith("/weather") else ("#quick-exit", "#lock-button"):
        box = page.locator(control).bounding_box() if page.locator(control).count() else None
        if box is None or box["y"] < 0 or box["y"] + box["height"] > page.viewport_size["height"]:
            found.append(f"{control} out of reach after scrolling")
    found += _axe(page)
    return found
