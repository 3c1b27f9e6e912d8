"""In real headless Chromium, in Dutch: from the checklist's "How to get it" to the form
that does it; a call with a hidden number and the victim's own number, something the
suspect made the victim do with an amount written the Belgian way, an address of the
suspect, and a dossier in French with third parties blacked out. No command anywhere."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import StartApp
from tests.web.test_browser import create_case, new_page, unlock

pytestmark = pytest.mark.slow
COMMAND = re.compile(r"spoorvast [a-z]")


def visible(page: Any) -> str:
    text: str = page.inner_text("body")
    assert not COMMAND.search(text), (page.url, COMMAND.search(text))
    return text


def test_the_forms_in_dutch(start_app: StartApp, chromium: Any) -> None:
    live = start_app()
    page = new_page(chromium, [])
    page.context.add_cookies([{"name": "sv_lang", "value": "nl", "url": live.url}])
    unlock(page, live.url)
    case = create_case(page, live.url, "Oproepen van X")
    base = f"{live.url}/c/{case}"

    page.goto(f"{base}/checklist")
    page.locator('[data-element="calls"] summary', has_text="Hoe").click()
    page.click('[data-howto="calls"]')
    page.wait_for_url(f"{base}/calls")
    visible(page)
    page.check("#call-hidden")
    page.fill("#call-day", "2026-03-04")
    page.fill("#call-time", "22:15")
    page.check("#call-direction-missed")
    page.fill("#call-called", "0499 11 22 33")
    page.click("#add-call")
    page.wait_for_url("**/calls?msg=call-added")
    text = visible(page)
    assert "De oproep is verzegeld" in text and "nummer verborgen" in text

    page.goto(f"{base}/parties")
    page.select_option("#party-role", "victim")
    page.fill("#party-name", "Ikzelf")
    with page.expect_navigation():  # the form posts and the page comes back
        page.click("#add-party")
    page.select_option("#party-role", "suspect")
    page.fill("#party-name", "Kevin")
    with page.expect_navigation():
        page.click("#add-party")
    page.select_option("#id-party", label="Kevin (verdachte)")
    page.select_option("#id-kind", "email")
    page.fill("#id-value", "kevin@example.net")
    page.click("#add-identifier")
    page.wait_for_url("**/parties?msg=saved")
    assert "kevin@example.net" in visible(page)

    page.goto(f"{base}/notes")
    page.select_option("#note-kind", "requested-action")
    page.fill("#note-text", "Ik moest geld overschrijven")
    page.fill("#note-at", "2026-03-05T10:30")
    page.fill("#note-amount", "1.250,50")
    page.select_option("#note-currency", "EUR")
    page.click("#add-note")
    page.wait_for_url("**/notes?msg=note-added")
    visible(page)

    page.goto(f"{base}/checklist")
    for element in ("calls", "actions", "suspect-emails"):
        assert page.get_attribute(f'[data-element="{element}"]', "data-status") == "present"
    visible(page)

    page.goto(f"{base}/dossier")
    page.select_option("#dossier-language", "fr")
    page.check("#dossier-redact")
    page.click("#make-dossier")
    page.wait_for_selector("#dossier-job[data-finished]", timeout=120_000)
    assert page.get_attribute("#dossier-job", "data-finished") == "done"
    visible(page)
    job = page.url.split("job=")[1]
    path = Path(live.app.state.dossiers[job])
    with zipfile.ZipFile(path) as bundle:
        names = bundle.namelist()
        manifest = next(n for n in names if n.endswith("manifest.json"))
        data = bundle.read(manifest).decode()
    assert '"language": "fr"' in data.replace('":"', '": "')
    assert '"amount": "1250.50"' in "".join(
        bundle_text(path, n) for n in names if n.endswith(".json")).replace('":"', '": "')


def bundle_text(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as bundle:
        return bundle.read(name).decode("utf-8", "replace")
