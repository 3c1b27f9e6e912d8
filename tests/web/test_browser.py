"""End to end in real headless Chromium (Debian's, through Playwright) against the app
on 127.0.0.1: first start, a case, files dropped in, items and thumbnails, a note and a
party changing the checklist, the timeline, verify, quick exit and auto-lock; markup in
evidence never runs; axe-core finds no serious accessibility problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import png_bytes
from tests.web.conftest import PASSPHRASE, StartApp
from tests.web.helpers import XSS_TEXT

pytestmark = pytest.mark.slow
AXE = Path(__file__).parent / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
XSS_FILE = '<img src=x onerror=alert(1)>.png'


def new_page(chromium: Any, dialogs: list[str]) -> Any:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return page


def unlock(page: Any, url: str) -> None:
    page.goto(url + "/")
    page.fill("#passphrase", PASSPHRASE)
    page.click("#unlock")
    page.wait_for_url("**/cases")


def create_case(page: Any, url: str, title: str = "Berichten van X") -> str:
    page.goto(url + "/cases/new")
    page.fill("#title", title)
    page.click("#create-case")
    page.wait_for_url("**/add?msg=case-created")
    return page.url.split("/c/")[1].split("/")[0]


def add_files(page: Any, files: list[Path]) -> None:
    page.set_input_files("#file-input", [str(f) for f in files])
    page.wait_for_selector("#add-job[data-finished]", timeout=60_000)


def test_the_whole_way(start_app: StartApp, chromium: Any, tmp_path: Path) -> None:
    live = start_app(with_vault=False)
    dialogs: list[str] = []
    page = new_page(chromium, dialogs)
    page.goto(live.url + "/")
    assert page.title() == "Notes"
    page.fill("#passphrase", PASSPHRASE)
    page.fill("#repeat", PASSPHRASE)
    page.click("#create")
    page.wait_for_url("**/cases/new")
    case = create_case(page, live.url)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "screenshot.png").write_bytes(png_bytes(400, 300, "red", 3))
    (folder / XSS_FILE).write_bytes(png_bytes(200, 100, "white", 9))
    (folder / "opname.txt").write_bytes(b"synthetic\n")
    add_files(page, sorted(folder.iterdir()))
    assert page.get_attribute("#add-job", "data-finished") == "done"
    statuses = page.locator("#add-job .file-status").all_text_contents()
    assert len(statuses) == 3 and all(s.startswith("added as E-") for s in statuses)
    page.goto(f"{live.url}/c/{case}/items")
    thumbs = page.locator("img.thumb")
    assert thumbs.count() == 2
    page.wait_for_function("[...document.querySelectorAll('img.thumb')]"
                           ".every(i => i.complete && i.naturalWidth > 0)")
    assert page.get_by_text(XSS_FILE).count() == 1  # the name is shown as text
    page.goto(f"{live.url}/c/{case}/checklist")
    assert page.get_attribute('[data-element="observed-at"]', "data-status") == "missing"
    page.goto(f"{live.url}/c/{case}/notes")
    page.fill("#note-text", XSS_TEXT)
    page.fill("#note-at", "2026-03-04T21:00")
    page.click("#add-note")
    page.wait_for_url("**/notes?msg=note-added")
    assert page.locator(".note-text").first.inner_text().startswith("<script>")
    page.goto(f"{live.url}/c/{case}/checklist")
    assert page.get_attribute('[data-element="observed-at"]', "data-status") == "present"
    page.goto(f"{live.url}/c/{case}/parties")
    page.select_option("#party-role", "suspect")
    page.fill("#party-name", '"><script>alert(5)</script>')
    page.click("#add-party")
    page.wait_for_url("**/parties?msg=party-added")
    page.fill("#id-value", "suspect@example.org")
    page.click("#add-identifier")
    page.wait_for_url("**/parties?msg=saved")
    page.goto(f"{live.url}/c/{case}/checklist")
    assert page.get_attribute('[data-element="suspect-emails"]', "data-status") == "present"
    page.goto(f"{live.url}/c/{case}/timeline")
    assert "March 4, 2026, 21:00 (UTC+1)" in page.inner_text("#timeline")
    page.goto(f"{live.url}/verify")
    page.click("#start-verify")
    page.wait_for_selector("#verify-job[data-finished]", timeout=60_000)
    assert "Everything matches" in page.inner_text("#verify-job")
    assert dialogs == []  # nothing in the evidence ran as script
    page.click("#quick-exit")
    page.wait_for_url("**/weather")
    assert page.title() == "Weather"
    assert not live.app.state.session.unlocked
    page.go_back()
    page.wait_for_load_state()
    assert "Berichten" not in page.content() and "suspect@example.org" not in page.content()
    page.goto(f"{live.url}/c/{case}/items")
    assert page.url.endswith("/weather")
    page.goto(live.url + "/")
    assert page.locator("#unlock").count() == 1  # the passphrase is needed again
    page.context.close()


@pytest.mark.parametrize("keys", [["Shift+Escape"], ["Escape", "Escape"]])
def test_quick_exit_by_keyboard(start_app: StartApp, chromium: Any, keys: list[str]) -> None:
    live = start_app()
    page = new_page(chromium, [])
    unlock(page, live.url)
    for key in keys:
        page.keyboard.press(key)
    page.wait_for_url("**/weather")
    assert not live.app.state.session.unlocked
    page.context.close()


def test_quick_exit_button_is_first_and_on_top(start_app: StartApp, chromium: Any) -> None:
    live = start_app()
    page = new_page(chromium, [])
    unlock(page, live.url)
    page.goto(live.url + "/cases?msg=saved")  # with a banner
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quick-exit"
    exit_box = page.locator("#quick-exit").bounding_box()
    banner = page.locator(".flash").bounding_box()
    assert exit_box["y"] < banner["y"]
    page.mouse.wheel(0, 2000)
    assert page.locator("#quick-exit").is_visible()
    page.context.close()


def test_auto_lock_in_the_browser(start_app: StartApp, chromium: Any) -> None:
    live = start_app(autolock_seconds=2)
    page = new_page(chromium, [])
    page.goto(live.url + "/")
    page.fill("#passphrase", PASSPHRASE)
    page.click("#unlock")
    # not unlock(): on a loaded machine the 2 s can pass before the case list has loaded
    page.wait_for_url("**/?msg=locked", timeout=60_000)
    assert not live.app.state.session.unlocked
    assert page.locator("#unlock").count() == 1
    page.context.close()


def test_harmful_pictures_stay_blurred_until_asked(start_app: StartApp, chromium: Any,
                                                   tmp_path: Path) -> None:
    live = start_app()
    page = new_page(chromium, [])
    unlock(page, live.url)
    case = create_case(page, live.url)
    picture = tmp_path / "harm.png"
    picture.write_bytes(png_bytes(300, 200, "white", 40))
    add_files(page, [picture])
    page.goto(f"{live.url}/settings")
    page.check("#set-blur")
    page.click("#save-settings")
    page.wait_for_url("**/settings?msg=saved")
    page.goto(f"{live.url}/c/{case}/items")
    thumb = page.locator("img.thumb").first
    blurred_src = thumb.get_attribute("src")
    assert "full=1" not in blurred_src
    page.click("button[data-reveal]")
    assert "full=1" in thumb.get_attribute("src")
    page.context.close()


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core not installed (npm install "
                    "--prefix tests/web/.axe axe-core@4)")
def test_axe_finds_no_serious_problem(start_app: StartApp, chromium: Any) -> None:
    live = start_app()
    page = new_page(chromium, [])
    page.goto(live.url + "/")
    problems = _axe(page)
    unlock(page, live.url)
    case = create_case(page, live.url)
    for path in ("/cases", f"/c/{case}/items", f"/c/{case}/add", f"/c/{case}/checklist",
                 f"/c/{case}/notes", f"/c/{case}/parties", f"/c/{case}/timeline",
                 f"/c/{case}/search", f"/c/{case}/capture", f"/c/{case}/dossier", "/verify",
                 "/settings", "/weather"):
        page.goto(live.url + path)
        problems += [f"{path}: {p}" for p in _axe(page)]
    assert problems == []
    page.context.close()


def _axe(page: Any) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', "
                           "'wcag21aa']})")
    assert result["passes"], "axe ran no check"
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]
