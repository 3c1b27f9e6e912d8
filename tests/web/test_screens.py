"""Screenshots of every screen in nl, fr, de and en, saved under tests/web/artifacts/
so that a person can look at them (not compared to anything: a person judges them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from spoorvast.model import instant
from spoorvast.model.instant import OffsetSource, Precision
from spoorvast.model.records import Event, Identifier, IdentifierKind
from tests.conftest import png_bytes
from tests.web.conftest import ARTIFACTS, PASSPHRASE, LiveApp, StartApp
from tests.web.test_browser import add_files, create_case, new_page, unlock

pytestmark = pytest.mark.slow
LANGUAGES = ("nl", "fr", "de", "en")
EXPLICIT, SECOND = OffsetSource.EXPLICIT, Precision.SECOND


def fill_case(live: LiveApp, case: int) -> None:
    """Messages over a few weeks and a proposed identifier, straight into storage."""
    with live.app.state.session.use() as vault, vault.store.transaction() as tx:
        item = vault.store.item(case, 2)
        assert item is not None
        start = datetime(2026, 2, 1, 20, 0, tzinfo=UTC)
        events = [Event(None, case, item.id, "message",
                        instant.from_aware(start + timedelta(hours=7 * n), EXPLICIT, SECOND),
                        f"Synthetic message number {n}", actor="phone:+32470000001")
                  for n in range(60)]
        tx.add_events(item, events)
        tx.add_identifier(Identifier(None, case, IdentifierKind.PHONE, "+32470000001",
                                     item_id=item.id))


def test_screenshots_of_every_screen(start_app: StartApp, chromium: Any,
                                     tmp_path: Path) -> None:
    first = start_app(with_vault=False)
    page = new_page(chromium, [])
    for language in LANGUAGES:
        page.context.add_cookies([{"name": "sv_lang", "value": language,
                                   "url": first.url}])
        page.goto(first.url + "/")
        _shot(page, language, "01-welcome")
    page.fill("#passphrase", PASSPHRASE)
    page.fill("#repeat", PASSPHRASE)
    page.click("#create")
    page.wait_for_url("**/cases/new")
    case = create_case(page, first.url)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "screenshot-chat.png").write_bytes(png_bytes(360, 640, "lightblue", 30))
    (folder / "berichten.txt").write_bytes(b"synthetic\n")
    (folder / "foto.png").write_bytes(png_bytes(640, 480, "orange", 50))
    add_files(page, sorted(folder.iterdir()))
    fill_case(first, int(case))
    page.goto(f"{first.url}/c/{case}/notes")
    page.fill("#note-text", "Synthetic observation: a new account followed me.")
    page.fill("#note-at", "2026-03-04T21:00")
    page.click("#add-note")
    page.wait_for_url("**/notes?msg=note-added")
    for language in LANGUAGES:
        _all_screens(page, first.url, case, language)
    page.context.close()
    written = list(ARTIFACTS.glob("*/*.png"))
    assert len(written) >= 4 * 17


def _all_screens(page: Any, url: str, case: str, language: str) -> None:
    page.context.add_cookies([{"name": "sv_lang", "value": language, "url": url}])
    screens = [("03-cases", "/cases"), ("04-new-case", "/cases/new"),
               ("05-add", f"/c/{case}/add"), ("06-items", f"/c/{case}/items"),
               ("07-item", f"/c/{case}/items/E-0002"), ("08-picture", f"/c/{case}/items/E-0003"),
               ("09-checklist", f"/c/{case}/checklist"), ("10-notes", f"/c/{case}/notes"),
               ("11-people", f"/c/{case}/parties"), ("12-timeline", f"/c/{case}/timeline"),
               ("13-patterns", f"/c/{case}/patterns"),
               ("14-search", f"/c/{case}/search?q=synthetic"),
               ("15-capture", f"/c/{case}/capture"), ("16-dossier", f"/c/{case}/dossier"),
               ("18-settings", "/settings"), ("19-weather", "/weather")]
    for name, path in screens:
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        _shot(page, language, name)
    page.goto(url + "/verify")
    page.click("#start-verify")
    page.wait_for_selector("#verify-job[data-finished]", timeout=60_000)
    _shot(page, language, "17-verify")
    page.goto(url + "/cases")
    page.click("#lock-button")
    page.wait_for_url("**/?msg=locked")
    _shot(page, language, "02-unlock")
    unlock(page, url)


def _shot(page: Any, language: str, name: str) -> None:
    folder = ARTIFACTS / language
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
