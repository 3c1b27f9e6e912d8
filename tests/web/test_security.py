"""The shell's defences: Host and Origin checks, CSRF, headers, cookies, quick exit,
auto-lock, neutral titles — against the app running on 127.0.0.1."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from spoorvast.storage import vault as vaultlib
from tests.web.conftest import PASSPHRASE, Browserish, StartApp
from tests.web.helpers import title_of

PAGES = ("/", "/cases", "/cases/new", "/verify", "/settings", "/weather", "/static/app.js",
         "/nothing-here")


def test_wrong_host_is_refused_before_any_route(client: Browserish) -> None:
    port = client.live.settings.port
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}",
                 f"127.0.0.2:{port}", "localhost"):
        response = client.http.get("/", headers={"Host": host})
        assert response.status_code == 400, host
        assert response.headers["cache-control"].startswith("no-store")
    assert client.http.get("/", headers={"Host": f"localhost:{port}"}).status_code == 200
    assert client.http.get("/").status_code == 200


def test_non_get_needs_our_origin(client: Browserish) -> None:
    token = client.csrf()
    bare = httpx.Client(base_url=client.live.url, cookies=client.http.cookies)
    for headers in ({}, {"Origin": "http://evil.example"}, {"Origin": "null"},
                    {"Origin": f"http://127.0.0.1:{client.live.settings.port + 1}"},
                    {"Referer": "http://evil.example/page"}):
        response = bare.post("/unlock", data={"csrf": token, "passphrase": PASSPHRASE},
                             headers=headers)
        assert response.status_code == 403, headers
    ok = bare.post("/unlock", data={"csrf": token, "passphrase": PASSPHRASE},
                   headers={"Referer": f"{client.live.url}/"})
    assert ok.status_code == 303
    bare.close()


def test_forms_need_the_csrf_token(client: Browserish) -> None:
    client.unlock()
    for token in ("", "0" * 64, "not-a-token"):
        response = client.http.post("/cases/new", data={"csrf": token, "title": "x"})
        assert response.status_code == 403
    other = httpx.Client(base_url=client.live.url, headers={"Origin": client.live.origin})
    foreign = re.search(r'name="csrf" content="([^"]+)"', other.get("/").text)
    assert foreign is not None
    response = client.http.post("/cases/new", data={"csrf": foreign.group(1), "title": "x"})
    assert response.status_code == 403  # a token of another browser session
    assert client.new_case() == 1
    other.close()


def test_every_response_is_no_store_with_a_strict_csp(client: Browserish) -> None:
    client.unlock()
    for path in PAGES:
        response = client.http.get(path)
        headers = response.headers
        assert headers["cache-control"].startswith("no-store"), path
        csp = headers["content-security-policy"]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, path
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_no_inline_script_or_style_in_any_page(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    for path in ("/", "/cases", f"/c/{case_id}/items", f"/c/{case_id}/checklist",
                 f"/c/{case_id}/notes", f"/c/{case_id}/parties", f"/c/{case_id}/timeline",
                 "/settings", "/weather"):
        html = client.http.get(path, follow_redirects=True).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert " style=" not in html, path


def test_session_cookie_is_httponly_strict_and_new_after_unlock(client: Browserish) -> None:
    first = client.http.get("/")
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    before = client.http.cookies["sv"]
    client.unlock()
    assert client.http.cookies["sv"] != before  # no session fixation


def test_another_browser_cannot_use_the_unlocked_vault(client: Browserish) -> None:
    client.unlock()
    stranger = httpx.Client(base_url=client.live.url)
    response = stranger.get("/cases")
    assert response.status_code == 303 and response.headers["location"].startswith("/?")
    stranger.close()


def test_titles_are_neutral(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case("Berichten van X")
    for path in ("/", "/cases", f"/c/{case_id}/items", f"/c/{case_id}/checklist", "/verify"):
        title = title_of(client.http.get(path, follow_redirects=True).text)
        assert title == "Notes", path
    assert title_of(client.http.get("/weather").text) == "Weather"


def test_quick_exit_locks_and_forgets(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    response = client.http.post("/exit")  # no token needed; the Origin check still holds
    assert response.status_code == 303 and response.headers["location"] == "/weather"
    assert not client.live.app.state.session.unlocked
    # the vault file lock is released: another program could open it now
    vaultlib.open_vault(client.live.settings.vault_root, PASSPHRASE).close()
    back = client.http.get(f"/c/{case_id}/items")
    assert back.status_code == 303 and back.headers["location"] == "/weather"
    assert "Synthetic" not in client.http.get("/weather").text
    client.unlock()  # the passphrase is needed again, and then it works
    assert client.http.get(f"/c/{case_id}/items").status_code == 200


def test_quick_exit_from_another_site_is_refused(client: Browserish) -> None:
    client.unlock()
    response = client.http.post("/exit", headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    assert client.live.app.state.session.unlocked


@pytest.mark.slow  # waits out an auto-lock or builds a PDF: seconds, not ms
def test_auto_lock_after_inactivity(start_app: StartApp) -> None:
    # 2.5 s: the unlock (Argon2id) and the first request must fit inside it on a loaded
    # machine (with 1 s the vault was locked again before the first request, twice)
    live = start_app(autolock_seconds=2.5)
    client = Browserish(live)
    try:
        client.unlock()
        assert client.http.get("/cases").status_code == 200
        time.sleep(3.5)  # no request at all: the watchdog locks
        assert not live.app.state.session.unlocked
        vaultlib.open_vault(live.settings.vault_root, PASSPHRASE).close()
        response = client.http.get("/cases")
        assert response.status_code == 303 and "msg=locked" in response.headers["location"]
    finally:
        client.close()


@pytest.mark.slow  # waits out an auto-lock or builds a PDF: seconds, not ms
def test_activity_keeps_it_open(start_app: StartApp) -> None:
    # 5 s of activity against a 3 s auto-lock: each gap leaves 2 s of margin for a loaded
    # machine (1.5 s against 0.5 s gaps failed once with eight test processes running).
    live = start_app(autolock_seconds=3.0)
    client = Browserish(live)
    client.unlock()
    token = client.csrf("/cases")
    for _ in range(5):
        time.sleep(1.0)
        assert client.http.post("/activity", headers={"X-CSRF-Token": token}).status_code == 204
    assert live.app.state.session.unlocked
    client.close()


@pytest.mark.slow  # waits out an auto-lock or builds a PDF: seconds, not ms
def test_job_polls_do_not_count_as_activity(start_app: StartApp) -> None:
    live = start_app(autolock_seconds=1.0)
    client = Browserish(live)
    client.unlock()
    for _ in range(6):
        client.http.get("/jobs/none")
        time.sleep(0.3)
    assert not live.app.state.session.unlocked
    client.close()


def test_wrong_passphrase_says_so_and_stays_locked(client: Browserish) -> None:
    response = client.post("/unlock", {"passphrase": "not it at all"})
    assert response.status_code == 400
    assert "does not open" in response.text
    assert not client.live.app.state.session.unlocked


def test_language_redirect_stays_on_this_site(client: Browserish) -> None:
    for back in ("//evil.example/", "/\\evil.example", "https://evil.example/"):
        response = client.post("/language", {"lang": "fr", "back": back})
        assert response.headers["location"] == "/"
