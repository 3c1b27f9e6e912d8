"""Reading a picture's text where it is shown (a button on its item page, a job with
progress), pictures read in the background once added (and the setting that turns that
off), and logging in for captures: where no window can open, the page says so."""

from __future__ import annotations

import re

import pytest

from spoorvast.model.records import ArtifactRole
from tests.ocr.test_bad_input import encoded, text_picture
from tests.web.conftest import Browserish
from tests.web.helpers import upload, wait_job

PICTURE = {"dreiging.png": encoded(text_picture("Betaal of ik kom langs"), "PNG")}


def ocr_artifacts(client: Browserish, case_id: int) -> int:
    with client.live.app.state.session.use() as vault:
        return sum(1 for item in vault.store.items(case_id)
                   for a in vault.store.artifacts(item.id or 0)
                   if a.role is ArtifactRole.OCR_TEXT)


def wait_ocr_jobs(client: Browserish) -> None:
    assert client.live.app.state.jobs.wait_idle(120)


@pytest.mark.slow  # Tesseract on a loaded machine
def test_pictures_are_read_once_added(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    upload(client, case_id, PICTURE)
    wait_ocr_jobs(client)
    assert ocr_artifacts(client, case_id) == 1
    page = client.get(f"/c/{case_id}/items/E-0001").text
    assert 'id="read-picture"' not in page  # read already
    found = client.get(f"/c/{case_id}/search?q=betaal").text
    assert "Betaal of ik kom langs" in found


@pytest.mark.slow  # Tesseract on a loaded machine
def test_the_setting_turns_background_reading_off_and_the_button_reads(
        client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    settings = client.get("/settings").text
    assert "checked" in settings.split('id="set-reading"')[1][:80]
    assert client.post("/settings/reading", {}).status_code == 303
    assert "checked" not in client.get("/settings").text.split('id="set-reading"')[1][:80]
    upload(client, case_id, PICTURE)
    wait_ocr_jobs(client)
    assert ocr_artifacts(client, case_id) == 0
    page = client.get(f"/c/{case_id}/items/E-0001").text
    assert 'id="read-picture"' in page
    started = client.post(f"/c/{case_id}/items/E-0001/read-text")
    assert started.status_code == 303
    job = re.search(r"job=([\w-]+)", started.headers["location"])
    assert job is not None
    state = wait_job(client, job.group(1), timeout=120)
    assert state["state"] == "done" and state["lines"] == ["Text read from 1 picture."]
    assert ocr_artifacts(client, case_id) == 1
    shown = client.get(started.headers["location"]).text
    assert f'data-job="{job.group(1)}"' in shown


def test_login_without_a_display_is_explained(client: Browserish,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    client.unlock()
    case_id = client.new_case()
    page = client.get(f"/c/{case_id}/capture").text
    assert 'id="start-login"' in page and 'name="logged_in"' not in page
    refused = client.post(f"/c/{case_id}/capture/login", {"url": "https://example.org/"})
    assert refused.status_code == 303 and "no-display" in refused.headers["location"]
    told = client.get(refused.headers["location"]).text
    assert "No browser window can open here" in told
    assert not client.live.app.state.jobs.running()


def test_a_saved_session_offers_logged_in_capture(client: Browserish) -> None:
    from spoorvast.capture.profile import PROFILE_SETTING

    client.unlock()
    case_id = client.new_case()
    with client.live.app.state.session.use() as vault, vault.store.transaction() as tx:
        tx.set_setting(PROFILE_SETTING, "0" * 64)
    page = client.get(f"/c/{case_id}/capture").text
    assert 'name="logged_in"' in page and 'id="login-saved"' in page
