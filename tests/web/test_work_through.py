"""Fast to work through: marking, confirming and rejecting answer JSON to the page's
script (which updates the row in place, focus kept); a plain form post (no script)
still works and goes back to the page; j / k / m move and mark in a real Chromium;
every colour has a legend."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Browserish, StartApp
from tests.web.helpers import csrf_header, upload
from tests.web.realistic import WHATSAPP, build, take_over
from tests.web.test_browser import new_page

JSON = {"Accept": "application/json"}


def test_mark_answers_json_to_the_script_and_redirects_a_plain_form(
        client: Browserish) -> None:
    client.unlock()
    case = client.new_case()
    assert upload(client, case, {"WhatsApp-chat met Kevin V.txt": WHATSAPP})["state"] == "done"
    headers = {**csrf_header(client), **JSON}
    answer = client.http.post(f"/c/{case}/mark", data={"ref": "E-0001:m2", "marked": "1"},
                              headers=headers)
    assert answer.status_code == 200 and answer.json()["marked"] is True
    page = client.http.get(f"/c/{case}/items/E-0001").text
    assert re.search(r'class="row marked" data-ref="E-0001:m2"', page)
    assert 'id="legend"' in page
    plain = client.post(f"/c/{case}/mark", {"ref": "E-0001:m2", "marked": "0",
                                            "back": f"/c/{case}/items/E-0001"})
    assert plain.status_code == 303 and plain.headers["location"] == f"/c/{case}/items/E-0001"
    assert 'class="row marked"' not in client.http.get(f"/c/{case}/items/E-0001").text
    timeline = client.http.get(f"/c/{case}/timeline").text
    assert 'id="legend"' in timeline and 'data-ref="E-0001:m1"' in timeline


@pytest.mark.slow
def test_going_through_messages_in_the_browser(start_app: StartApp, chromium: Any,
                                               tmp_path: Path) -> None:
    live = start_app()
    client = Browserish(live)
    client.unlock()
    built = build(client, tmp_path, which=("ocr",))
    page = new_page(chromium, [])
    take_over(page, live.url)
    page.goto(f"{live.url}/c/{built.case_id}/items/E-0001")
    page.evaluate("window.stayed = true")  # gone if the page reloads
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("m")
    second = page.locator('tr[data-ref="E-0001:m2"]')
    second.and_(page.locator(".marked")).wait_for()
    assert page.evaluate("document.activeElement.dataset.ref") == "E-0001:m2"
    button = page.locator('tr[data-ref="E-0001:m3"] .markbutton')
    button.click()
    page.locator('tr[data-ref="E-0001:m3"].marked').wait_for()
    assert page.evaluate("document.activeElement.classList.contains('markbutton')")
    assert page.evaluate("window.stayed") is True
    assert page.inner_text("#said") == "Marked."  # said to a screen reader too
    page.goto(f"{live.url}/c/{built.case_id}/items/E-0003")
    page.evaluate("window.stayed = true")
    first = page.locator("tr.proposal").first
    ref = first.get_attribute("data-ref")
    first.locator("button[value=reject]").click()
    page.locator(f'tr[data-ref="{ref}"] .proposal-state', has_text="rejected").wait_for()
    assert page.evaluate("window.stayed") is True
    assert client.live.app.state.session.unlocked
    page.context.close()
    client.close()
