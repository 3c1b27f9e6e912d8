"""Nobody else on the computer can take over the unlocked app (issue #22, weakness 1).

The app listens on 127.0.0.1, so every local account can reach it. These tests play that
other account: a fresh cookie jar (no cookie of the victim's browser), posting to
/unlock while the victim has the vault open."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from spoorvast.errors import TooManyAttempts, WrongPassphrase
from spoorvast.web.throttle import MAX_DELAY, Throttle, delay_after
from tests.web.conftest import PASSPHRASE, Browserish

PRIVATE = ("/cases", "/c/1/items", "/c/1/search?q=geld", "/settings", "/verify")


def _stranger(client: Browserish) -> Browserish:
    return Browserish(client.live)


def test_a_wrong_or_empty_passphrase_never_enters_an_open_vault(client: Browserish) -> None:
    client.unlock()
    client.new_case()
    for guess in ("", "wrong", PASSPHRASE.upper(), PASSPHRASE + " "):
        stranger = _stranger(client)
        response = stranger.post("/unlock", {"passphrase": guess})
        assert response.status_code in (400, 429), guess
        for path in PRIVATE:
            assert stranger.get(path).status_code == 303, (guess, path)
        stranger.close()
    assert client.get("/cases").status_code == 200  # the victim is still in


def test_guesses_wait_longer_and_longer(client: Browserish) -> None:
    client.unlock()
    stranger = _stranger(client)
    statuses = [stranger.post("/unlock", {"passphrase": f"guess {n}"}).status_code
                for n in range(5)]
    assert statuses[:4] == [400, 400, 400, 400]
    assert statuses[4] == 429  # the fourth wrong one asked for a wait: refused untried
    refused = stranger.post("/unlock", {"passphrase": PASSPHRASE})
    assert refused.status_code == 429  # not even the right one is tried during the wait
    assert "Wait" in refused.text
    assert client.live.app.state.session.throttle.failures == 4
    stranger.close()


def test_a_new_unlock_tells_the_old_window(client: Browserish) -> None:
    client.unlock()
    other = _stranger(client)
    entered = other.post("/unlock", {"passphrase": PASSPHRASE})
    assert entered.status_code == 303
    assert entered.headers["location"] == "/cases?msg=other-window-ended"
    assert "signed out" in other.get(entered.headers["location"]).text
    moved = client.get("/cases")
    assert moved.status_code == 303 and moved.headers["location"] == "/?msg=taken-over"
    page = client.get(moved.headers["location"]).text
    assert "opened from another browser window" in page
    other.close()


def test_the_throttle_grows_and_resets() -> None:
    now = [1000.0]
    throttle = Throttle(clock=lambda: now[0])
    assert [delay_after(n) for n in range(1, 8)] == [0, 0, 0, 2, 4, 8, 16]
    assert delay_after(40) == MAX_DELAY

    def fail() -> None:
        with pytest.raises(WrongPassphrase), throttle.attempt():
            raise WrongPassphrase("no")

    for _ in range(4):
        fail()
    with pytest.raises(TooManyAttempts), throttle.attempt():
        pass
    now[0] += 2.0
    fail()  # fifth: now 4 s
    now[0] += 3.9
    with pytest.raises(TooManyAttempts), throttle.attempt():
        pass
    now[0] += 0.2
    with throttle.attempt():
        pass  # right passphrase
    assert throttle.failures == 0 and throttle.wait_seconds() == 0


@pytest.mark.root
@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("runuser") is None,
                    reason="needs curl and runuser")
def test_another_local_user_with_curl_gets_nothing(client: Browserish, tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to run curl as nobody")
    client.unlock()
    client.new_case()
    jar = tmp_path / "jar"
    jar.mkdir(mode=0o777)
    url = client.live.url

    def curl(*args: str) -> str:
        done = subprocess.run(
            ["runuser", "-u", "nobody", "--", "curl", "-s", "-b", f"{jar}/c", "-c",
             f"{jar}/c", "-H", f"Origin: {url}", *args], capture_output=True, text=True,
            timeout=30, check=False)
        return done.stdout

    token = re.search(r'name="csrf" content="([^"]+)"', curl(f"{url}/"))
    assert token is not None
    curl("-o", "/dev/null", "-w", "%{http_code}", "-d", f"csrf={token.group(1)}",
         "-d", "passphrase=", f"{url}/unlock")
    status = curl("-o", "/dev/null", "-w", "%{http_code}", f"{url}/c/1/items")
    assert status == "303"
    assert httpx.get(f"{url}/cases").status_code == 303
