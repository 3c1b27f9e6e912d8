"""In real Chromium: quick exit empties every tab of the app (#24.3), a draft survives a
quick exit by Esc twice (#24.2), and the page's SHA-256 (computed in slices) is the one
sealed (#24.1)."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

import pytest

from spoorvast.storage import vault as vaultlib
from tests.web.conftest import PASSPHRASE, StartApp
from tests.web.test_browser import create_case, new_page, unlock

pytestmark = pytest.mark.slow
SECRET_TEXT = "Bericht van de verdachte om 22:18"


def _neutral_within(page: Any, seconds: float) -> float:
    started = time.monotonic()
    page.wait_for_url("**/weather", timeout=seconds * 1000)
    return time.monotonic() - started


def test_quick_exit_in_one_tab_empties_every_tab(start_app: StartApp, chromium: Any) -> None:
    live = start_app()
    first = new_page(chromium, [])
    unlock(first, live.url)
    case = create_case(first, live.url, SECRET_TEXT)
    context = first.context
    second, third = context.new_page(), context.new_page()
    # the third tab has no BroadcastChannel: it must learn it from the server
    third.add_init_script("delete window.BroadcastChannel;")
    second.goto(f"{live.url}/c/{case}/items")
    third.goto(f"{live.url}/c/{case}/notes")
    for page in (second, third):
        assert SECRET_TEXT in page.content()
    first.bring_to_front()
    pressed = time.monotonic()
    first.keyboard.press("Shift+Escape")
    for page in (first, second, third):
        page.wait_for_url("**/weather", timeout=2000)
    elapsed = time.monotonic() - pressed
    assert elapsed < 2.0, elapsed
    assert not live.app.state.session.unlocked
    for page in (second, third):
        assert page.title() == "Weather" and "weather" in page.url
        assert SECRET_TEXT not in page.content()
        page.reload()
        assert page.url.endswith("/weather") and SECRET_TEXT not in page.content()
        page.go_back()
        page.wait_for_load_state()
        assert SECRET_TEXT not in page.content()
    context.close()


def test_a_note_typed_then_esc_twice_comes_back(start_app: StartApp, chromium: Any) -> None:
    live = start_app()
    page = new_page(chromium, [])
    unlock(page, live.url)
    case = create_case(page, live.url)
    page.goto(f"{live.url}/c/{case}/notes")
    page.fill("#note-text", "He called at 23:10 and threatened me.")
    page.focus("#note-text")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url("**/weather")
    assert not live.app.state.session.unlocked
    page.goto(live.url + "/")
    time.sleep(2)  # the unlock page stays (it shows nothing to hide)
    assert page.locator("#unlock").count() == 1
    unlock(page, live.url)
    page.goto(f"{live.url}/c/{case}/notes")
    page.wait_for_selector(".draft-back")  # the page asks for its draft as it loads
    assert page.input_value("#note-text") == "He called at 23:10 and threatened me."
    page.click("#add-note")
    page.wait_for_url("**msg=note-added")
    page.goto(f"{live.url}/c/{case}/notes")
    time.sleep(1)
    assert page.input_value("#note-text") == ""  # sealed: the draft is gone
    page.context.close()


def test_a_draft_is_kept_as_it_is_typed(start_app: StartApp, chromium: Any) -> None:
    live = start_app()
    page = new_page(chromium, [])
    unlock(page, live.url)
    case = create_case(page, live.url)
    page.goto(f"{live.url}/c/{case}/notes")
    page.type("#note-text", "typed slowly")
    time.sleep(1.5)  # the page sends the draft a moment after typing stops
    live.app.state.session.lock()  # a lock the page did not see coming (no exit request)
    unlock(page, live.url)
    page.goto(f"{live.url}/c/{case}/notes")
    page.wait_for_selector(".draft-back")
    assert page.input_value("#note-text") == "typed slowly"
    page.context.close()


def test_the_pages_sha256_matches_and_the_file_is_sealed_whole(
        start_app: StartApp, chromium: Any, tmp_path: Path) -> None:
    live = start_app()
    page = new_page(chromium, [])
    unlock(page, live.url)
    case = create_case(page, live.url)
    page.goto(f"{live.url}/c/{case}/add")
    for n in (0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 70_000):
        data = os.urandom(n)
        got = page.evaluate(
            "(bytes) => { const h = window.SpvSha256.create();"
            " const u = new Uint8Array(bytes); h.update(u.subarray(0, 7));"
            " h.update(u.subarray(7)); return h.hex(); }", list(data))
        assert got == hashlib.sha256(data).hexdigest(), n
    big = tmp_path / "opname.mp4"
    big.write_bytes(os.urandom(9 << 20))  # more than two slices of 4 MiB
    page.set_input_files("#file-input", [str(big)])
    page.wait_for_selector("#add-job[data-finished]", timeout=60_000)
    text = page.inner_text("#add-job")
    assert "E-0001" in text and ".mp4" in text  # said: not a video
    page.click("#lock-button")
    with vaultlib.open_vault(live.settings.vault_root, PASSPHRASE) as vault:
        item = vault.store.items(int(case))[0]
        original = vault.store.artifacts(item.id or 0)[0]
        assert original.sha256 == hashlib.sha256(big.read_bytes()).hexdigest()
    page.context.close()


def test_a_file_that_arrives_different_is_refused_on_the_page(
        start_app: StartApp, chromium: Any, tmp_path: Path) -> None:
    live = start_app()
    page = new_page(chromium, [])
    unlock(page, live.url)
    case = create_case(page, live.url)
    page.goto(f"{live.url}/c/{case}/add")

    def tamper(route: Any) -> None:  # as if bytes changed on the way
        headers = {**route.request.headers, "x-file-sha256": "0" * 64}
        route.continue_(headers=headers)

    page.route("**/add/resumable/*", tamper)  # the upload's start, where the hash is said
    photo = tmp_path / "schermafdruk.png"
    photo.write_bytes(os.urandom(50_000))
    page.set_input_files("#file-input", [str(photo)])
    page.wait_for_selector("#add-job[data-finished]", timeout=30_000)
    refused = page.inner_text("#upload-list")
    assert "schermafdruk.png" in refused and "SHA-256" in refused
    assert live.app.state.uploads.batches == {}
    page.context.close()


def test_auto_lock_waits_for_a_slow_upload_and_the_page_says_so(
        start_app: StartApp, chromium: Any, tmp_path: Path) -> None:
    # the app starts with a long auto-lock, shortened only once the case is made: on a
    # loaded machine two steps before the upload can be more than a few seconds apart
    live = start_app(autolock_seconds=60)
    page = new_page(chromium, [])
    unlock(page, live.url)
    case = create_case(page, live.url)
    recording = tmp_path / "opname.m4a"
    recording.write_bytes(os.urandom(3 << 20))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": 400 * 1024})  # a slow link: about 8 s for this file
    live.app.state.session.autolock_seconds = 3  # the page below is told 3 s
    page.goto(f"{live.url}/c/{case}/add")
    page.set_input_files("#file-input", [str(recording)])
    page.wait_for_selector("#lock-waits:not([hidden])", timeout=10_000)
    assert live.app.state.session.unlocked  # past the auto-lock, the upload goes on
    page.wait_for_url("**/?msg=locked", timeout=60_000)  # locked once it ended
    assert not live.app.state.session.unlocked
    with vaultlib.open_vault(live.settings.vault_root, PASSPHRASE) as vault:
        items = vault.store.items(int(case))
        assert [i.title for i in items] == ["opname.m4a"]
        original = vault.store.artifacts(items[0].id or 0)[0]
        assert original.sha256 == hashlib.sha256(recording.read_bytes()).hexdigest()
    page.context.close()


def test_a_note_typed_just_before_the_lock_button_is_kept(start_app: StartApp,
                                                          chromium: Any) -> None:
    live = start_app()
    page = new_page(chromium, [])
    unlock(page, live.url)
    case = create_case(page, live.url)
    page.goto(f"{live.url}/c/{case}/notes")
    page.fill("#note-text", "written a moment before locking")
    page.click("#lock-button")  # at once: before the page's own pause for sending it
    page.wait_for_url("**/?msg=locked")
    unlock(page, live.url)
    page.goto(f"{live.url}/c/{case}/notes")
    page.wait_for_selector(".draft-back")  # the page asks for its draft after loading
    assert page.input_value("#note-text") == "written a moment before locking"
    page.context.close()
