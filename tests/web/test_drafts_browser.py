"""In real Chromium: what is typed in any form marked data-draft comes back after a lock
and an unlock, after a quick exit, and after a restart of the app; sending the form
forgets it (#24)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.web.conftest import StartApp
from tests.web.test_browser import create_case, new_page, unlock

pytestmark = pytest.mark.slow


def _wait_kept(live: Any, name: str, timeout: float = 10) -> None:
    """Until the page's draft reached the vault (it is sent a moment after typing)."""
    from spoorvast.web import drafts

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if drafts.kept(live.app.state.session, name):
            return
        time.sleep(0.1)
    raise AssertionError(f"draft {name} never kept")


def test_party_and_identifier_forms_come_back_after_a_lock(
        start_app: StartApp, chromium: Any) -> None:
    live = start_app()
    page = new_page(chromium, [])
    unlock(page, live.url)
    case = create_case(page, live.url)
    page.goto(f"{live.url}/c/{case}/parties")
    page.type("#party-name", "Synthetic Suspect Z")
    page.select_option("#party-role", "suspect")
    _wait_kept(live, f"party-{case}")
    page.click("#lock-button")
    page.wait_for_url("**msg=locked")
    assert not live.app.state.session.unlocked
    unlock(page, live.url)
    page.goto(f"{live.url}/c/{case}/parties")
    page.wait_for_selector(".draft-back")
    assert page.input_value("#party-name") == "Synthetic Suspect Z"
    assert page.input_value("#party-role") == "suspect"
    page.click("#add-party")
    page.wait_for_url("**msg=party-added")
    page.wait_for_selector("#id-value")
    time.sleep(1)  # the page asked for the draft: there is none, nothing is offered
    assert page.locator(".draft-back").count() == 0
    assert page.input_value("#party-name") == ""
    page.context.close()


def test_capture_form_survives_quick_exit_and_a_restart(
        start_app: StartApp, chromium: Any) -> None:
    live = start_app()
    page = new_page(chromium, [])
    unlock(page, live.url)
    case = create_case(page, live.url)
    page.goto(f"{live.url}/c/{case}/capture")
    page.fill("#capture-url", "https://example.invalid/profile/4711")
    page.focus("#capture-url")
    page.keyboard.press("Shift+Escape")  # at once: no time for the typing timer
    page.wait_for_url("**/weather")
    live.stop()
    again = start_app()  # the same vault, a new app (a restart)
    unlock(page, again.url)
    page.goto(f"{again.url}/c/{case}/capture")
    page.wait_for_selector(".draft-back")
    assert page.input_value("#capture-url") == "https://example.invalid/profile/4711"
    page.click(".draft-discard")
    assert page.input_value("#capture-url") == ""
    time.sleep(1)
    page.reload()
    time.sleep(1)
    assert page.locator(".draft-back").count() == 0
    page.context.close()


def test_settings_untouched_offer_nothing(start_app: StartApp, chromium: Any) -> None:
    live = start_app()
    page = new_page(chromium, [])
    unlock(page, live.url)
    page.goto(f"{live.url}/settings")
    page.fill("#pp-old", "a secret passphrase")
    page.fill("#set-minutes", "9")
    _wait_kept(live, "settings")
    from spoorvast.web import drafts

    assert drafts.kept(live.app.state.session, "settings") == {"minutes": "9"}
    page.fill("#set-minutes", page.eval_on_selector("#set-minutes", "e => e.defaultValue"))
    time.sleep(1.5)
    assert drafts.kept(live.app.state.session, "settings") == {}
    page.context.close()
