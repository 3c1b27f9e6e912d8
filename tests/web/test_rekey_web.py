"""Settings → "Re-encrypt everything": the CLI's ``passphrase change --rekey`` as a job
the page follows. Real vault, real app on 127.0.0.1, HTTP as the page sends it."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from spoorvast.errors import WrongPassphrase
from spoorvast.storage import crypto, rekey
from spoorvast.storage import vault as vaultlib
from tests.web.conftest import PASSPHRASE, Browserish
from tests.web.helpers import upload, wait_job

pytestmark = pytest.mark.slow  # a server, a job

NEW = "een heel nieuwe wachtwoordzin"
FILES = {"notitie.txt": b"Hij stond weer voor de deur.\n", "tweede.txt": b"En nog eens.\n"}


def _start(client: Browserish, old: str = PASSPHRASE, new: str = NEW) -> httpx.Response:
    return client.post("/settings/rekey", {"old": old, "new": new, "repeat": new})


def test_rekey_in_the_browser(client: Browserish, tmp_path: Path) -> None:
    root = client.live.settings.vault_root
    client.unlock()
    case_id = client.new_case()
    upload(client, case_id, FILES)
    shutil.copy(root / vaultlib.KEYFILE, tmp_path / "old-key.json")  # what someone kept
    client.post("/language", {"lang": "nl", "back": "/"})
    page = client.get("/settings").text
    assert "Alles opnieuw versleutelen" in page and 'action="/settings/rekey"' in page

    wrong = _start(client, old="niet de goede")
    assert wrong.status_code == 400 and "klopt niet" in wrong.text
    short = _start(client, new="kort")
    assert short.status_code == 400

    started = _start(client)
    assert started.status_code == 303, started.text
    job = started.headers["location"].split("job=")[1].split("#")[0]
    state = wait_job(client, job)
    assert state["state"] == "done", state
    assert any("nieuwe sleutel" in str(line) for line in state["lines"]), state  # type: ignore[union-attr]
    assert f'id="rekey-job" class="card"  aria-live="polite" data-job="{job}"' in \
        client.get(f"/settings?job={job}").text  # the page follows the job

    items = client.get(f"/c/{case_id}/items").text  # the same browser session goes on
    assert "notitie.txt" in items and "tweede.txt" in items
    verified = client.post("/verify")
    checked = wait_job(client, verified.headers["location"].split("job=")[1])
    assert checked["state"] == "done" and not checked["message"], checked

    assert not rekey.pending(root)
    old_copy = crypto.unlock_keyfile(tmp_path / "old-key.json", PASSPHRASE)
    now = crypto.unlock_keyfile(root / vaultlib.KEYFILE, NEW)
    assert old_copy.data_key != now.data_key  # the old key file opens nothing any more
    with pytest.raises(WrongPassphrase):
        crypto.unlock_keyfile(root / vaultlib.KEYFILE, PASSPHRASE)

    client.post("/lock")
    assert client.post("/unlock", {"passphrase": PASSPHRASE}).status_code != 303
    assert client.post("/unlock", {"passphrase": NEW}).status_code == 303
    assert "notitie.txt" in client.get(f"/c/{case_id}/items").text


def test_a_stopped_rekey_changes_nothing(client: Browserish) -> None:
    """A quick exit while it re-encrypts stops it at the next file: the new files are
    dropped, the old passphrase still opens everything (as after a kill before the
    switch, which ``tests/storage/test_rekey.py`` shows with real faults)."""
    root = client.live.settings.vault_root
    client.unlock()
    case_id = client.new_case()
    upload(client, case_id, FILES)
    before = (root / vaultlib.KEYFILE).read_bytes()
    session = client.live.app.state.session
    session.exited = True  # what POST /exit sets first, before it locks
    started = _start(client)
    state = wait_job(client, started.headers["location"].split("job=")[1].split("#")[0])
    assert state["state"] == "failed" and "old passphrase" in str(state["message"]), state
    session.exited = False
    assert (root / vaultlib.KEYFILE).read_bytes() == before
    assert not rekey.pending(root)
    assert "notitie.txt" in client.get(f"/c/{case_id}/items").text
    client.post("/lock")
    assert client.post("/unlock", {"passphrase": PASSPHRASE}).status_code == 303


def test_no_rekey_while_work_runs(client: Browserish) -> None:
    client.unlock()
    jobs = client.live.app.state.jobs
    session = client.live.app.state.session
    session.waits_for(lambda: True)  # an upload or a job in progress
    refused = _start(client)
    assert refused.status_code == 400 and not jobs.running()
