"""What a lock stopped or left unsealed is kept in the vault and said once by the next
unlock, also in a later start of the app (#24: no input dropped without a message)."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import quote

from spoorvast.capture.profile import PROFILE_SETTING
from spoorvast.services.verify import BLOB_SETTINGS, verify
from spoorvast.storage import vault as vaultlib
from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.web import lock_notices, pending_uploads
from spoorvast.web.jobs import FileProgress, Job
from spoorvast.web.uploads import Received
from tests.storage.tamper import stored_names
from tests.web.conftest import PASSPHRASE, Browserish, StartApp
from tests.web.helpers import csrf_header, declared, upload


def _blob_names(root: Path) -> set[str]:
    return stored_names(root)


def _stored(root: Path) -> str | None:
    with vaultlib.open_vault(root, PASSPHRASE) as vault:
        return vault.store.setting(lock_notices.KEY)


def _restart(start_app: StartApp, client: Browserish) -> Browserish:
    """The app ends (its process would die here) and a new one starts on the vault."""
    client.close()
    client.live.stop()
    again = Browserish(start_app())
    again.unlock()
    return again


def test_files_received_but_not_sealed_are_said_after_a_restart(
        start_app: StartApp) -> None:
    client = Browserish(start_app())
    client.unlock()
    case_id = client.new_case()
    root = client.live.settings.vault_root
    before = _blob_names(root)
    headers = csrf_header(client)
    batch = client.http.post(f"/c/{case_id}/add/batch", headers=headers).json()["batch"]
    files = {"<b>bold</b>.txt": b"first synthetic file\n", "tweede.jpg": b"x" * 1234}
    for name, data in files.items():
        response = client.http.post(
            f"/c/{case_id}/add/upload/{batch}", content=data,
            headers={**headers, **declared(data), "X-File-Name": quote(name),
                     "Content-Type": "application/octet-stream"})
        assert response.status_code == 204
    client.post("/lock")  # the tab was closed: no seal came
    assert _blob_names(root) == before  # nothing of them kept
    raw = _stored(root)
    assert raw is not None and "tweede.jpg" in raw  # in the vault, not in memory
    assert not any(b"tweede.jpg" in p.read_bytes()
                   for p in root.rglob("*") if p.is_file())  # never in the clear
    client = _restart(start_app, client)
    page = client.http.get("/cases").text
    assert "2 files were received but not sealed" in page, page[:3000]
    assert "&lt;b&gt;bold&lt;_b&gt;.txt (21 bytes)" in page and "<b>bold" not in page
    assert "tweede.jpg (1234 bytes)" in page
    assert "received but not sealed" not in client.http.get("/cases").text  # once
    client.close()
    client.live.stop()
    assert _stored(root) is None


def test_an_add_job_stopped_by_a_lock_is_said_after_a_restart(start_app: StartApp) -> None:
    client = Browserish(start_app())
    client.unlock()
    case_id = client.new_case()
    started = threading.Event()

    def work(job: Job, vault: vaultlib.Vault) -> None:
        job.files[0].status = "added"
        started.set()
        while not job.cancelled:
            time.sleep(0.02)
        job.files[1].status = "added"  # it sealed one more before it saw the lock

    jobs = client.live.app.state.jobs
    jobs.submit("add", case_id, work,
                files=[FileProgress(f"f{n}", 1) for n in range(3)])
    assert started.wait(10)
    client.post("/lock")
    assert jobs.wait_idle(10)
    record = json.loads(_stored(client.live.settings.vault_root) or "[]")
    assert [(r["sealed"], r["final"]) for r in record] == [(2, True)]
    client = _restart(start_app, client)
    page = client.http.get("/cases").text
    assert "adding files was stopped: 2 of 3 files were sealed whole" in page, page[:3000]
    assert "adding files was stopped" not in client.http.get("/cases").text  # once
    client.close()


def test_a_count_the_app_could_not_finish_says_so_in_the_users_language(
        start_app: StartApp) -> None:
    live = start_app()
    with vaultlib.open_vault(live.settings.vault_root, PASSPHRASE) as vault:
        lock_notices.keep(vault, lock_notices.job_record("gone", 5, 1, final=False))
        names = [(f"f{n}.png", n) for n in range(lock_notices.MAX_NAMES + 3)]
        lock_notices.keep(vault, lock_notices.unsealed_record(names))
    client = Browserish(live)
    client.unlock()
    client.http.cookies.set("sv_lang", "nl")
    page = client.http.get("/cases").text
    assert "de app sloot af voordat hij het einde kon tellen: 1 van 5" in page, page[:3000]
    assert "53 bestanden werden ontvangen maar niet verzegeld" in page
    assert "f49.png (49 bytes), en nog 3" not in page and "f49.png (49 bytes) en nog 3" in page
    assert "f50.png" not in page
    client.close()


def test_a_job_queued_behind_another_when_the_lock_came_sealed_nothing(
        start_app: StartApp) -> None:
    client = Browserish(start_app())
    client.unlock()
    case_id = client.new_case()
    release = threading.Event()
    jobs = client.live.app.state.jobs
    jobs.submit("dossier", None, lambda job, vault: release.wait(10))
    jobs.submit("add", case_id, lambda job, vault: None,
                files=[FileProgress("a", 1), FileProgress("b", 1)])
    time.sleep(0.2)
    client.post("/lock")
    release.set()
    assert jobs.wait_idle(10)
    client = _restart(start_app, client)
    page = client.http.get("/cases").text
    assert "adding files was stopped: 0 of 2 files were sealed whole" in page, page[:3000]
    assert "a running task was stopped" in page
    client.close()


def _orphan(client: Browserish, batch: str, data: bytes, fresh: bool | None = None
            ) -> str:
    """What the upload route does when its upload ends just after a lock dropped the
    batch: the blob is written, the batch is gone, the blob is an orphan."""
    uploads = client.live.app.state.uploads
    pending = uploads.batches[batch]
    blobs = client.live.app.state.session.blob_store()
    blob = blobs.ingest_bytes(data, durable=False)
    received = Received("late.bin", blob.sha256, blob.size, 0,
                        blob.fresh if fresh is None else fresh)
    client.post("/lock")
    assert not uploads.add_received(batch, pending, received)
    uploads.orphaned(blobs, received)
    return blobs.name(blob.sha256)


def test_an_upload_that_ends_as_the_lock_lands_is_removed_and_said_at_unlock(
        client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    upload(client, case_id, {"kept.txt": b"sealed synthetic text\n"})
    headers = csrf_header(client)
    batch = client.http.post(f"/c/{case_id}/add/batch", headers=headers).json()["batch"]
    root = client.live.settings.vault_root
    late = _orphan(client, batch, b"late synthetic bytes" * 100)
    assert late in _blob_names(root)  # referenced by nothing, while the vault is locked
    client.unlock()
    assert late not in _blob_names(root)
    page = client.http.get("/cases").text
    assert "1 file finished uploading just as the vault locked" in page, page[:3000]
    assert "finished uploading" not in client.http.get("/cases").text  # said once
    client.post("/lock")
    with vaultlib.open_vault(root, PASSPHRASE) as vault:
        report = verify(vault)
        logged = [e.payload["count"] for e in vault.store.custody(VAULT_CHAIN)
                  if e.action == "web.interrupted-uploads-removed"]
    assert report.ok and report.unreferenced_blobs == 0 and logged == [1]


def test_the_sweep_never_removes_a_blob_something_refers_to(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    sealed = b"sealed synthetic text\n"
    upload(client, case_id, {"kept.txt": sealed})
    profile = b"a synthetic browser profile pack"
    with client.live.app.state.session.use() as vault:
        stored = vault.blobs.ingest_bytes(profile)
        with vault.store.transaction() as tx:
            tx.set_setting(PROFILE_SETTING, stored.sha256)
    root = client.live.settings.vault_root
    before = _blob_names(root)
    headers = csrf_header(client)
    batch = client.http.post(f"/c/{case_id}/add/batch", headers=headers).json()["batch"]
    _orphan(client, batch, sealed, fresh=True)  # as if it had written the item's blob
    client.unlock()
    headers = csrf_header(client)
    batch = client.http.post(f"/c/{case_id}/add/batch", headers=headers).json()["batch"]
    _orphan(client, batch, profile, fresh=True)
    client.unlock()
    assert _blob_names(root) == before
    client.post("/lock")
    with vaultlib.open_vault(root, PASSPHRASE) as vault:
        report = verify(vault)
    assert report.ok and report.unreferenced_blobs == 0  # the profile is no orphan


def test_verify_knows_the_setting_that_names_the_browser_profile() -> None:
    assert PROFILE_SETTING in BLOB_SETTINGS


def test_files_received_when_the_app_dies_are_said_and_removed_at_the_next_unlock(
        start_app: StartApp, tmp_path: Path) -> None:
    client = Browserish(start_app())
    client.unlock()
    case_id = client.new_case()
    root = client.live.settings.vault_root
    before = _blob_names(root)
    headers = csrf_header(client)
    batch = client.http.post(f"/c/{case_id}/add/batch", headers=headers).json()["batch"]
    for name, data in {"een.txt": b"one synthetic file\n", "twee.txt": b"2" * 77}.items():
        assert client.http.post(
            f"/c/{case_id}/add/upload/{batch}", content=data,
            headers={**headers, **declared(data), "X-File-Name": name,
                     "Content-Type": "application/octet-stream"}).status_code == 204
    crashed = tmp_path / "crashed"
    shutil.copytree(root, crashed)  # the vault as a power cut leaves it (WAL and all)
    assert len(_blob_names(crashed)) == len(before) + 2
    client.close()
    client.live.stop()
    shutil.rmtree(root)
    shutil.copytree(crashed, root)
    client = Browserish(start_app())
    client.unlock()
    assert _blob_names(root) == before
    page = client.http.get("/cases").text
    assert ("2 files were received but not sealed, because the app ended before they "
            "were sealed: een.txt (19 bytes), twee.txt (77 bytes)") in page, page[:3000]
    assert "received but not sealed" not in client.http.get("/cases").text  # once
    client.close()
    client.live.stop()
    with vaultlib.open_vault(root, PASSPHRASE) as vault:
        report = verify(vault)
        logged = [e.payload["count"] for e in vault.store.custody(VAULT_CHAIN)
                  if e.action == "web.unsealed-uploads-removed"]
    assert report.ok and report.unreferenced_blobs == 0 and logged == [2]


def test_a_sealed_batch_leaves_nothing_to_say(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    upload(client, case_id, {"a.txt": b"synthetic a\n", "b.txt": b"synthetic b\n"})
    client.post("/lock")
    assert _stored(client.live.settings.vault_root) is None
    with vaultlib.open_vault(client.live.settings.vault_root, PASSPHRASE) as vault:
        assert vault.store.settings_under(pending_uploads.PREFIX) == []


def test_an_add_job_the_app_dies_in_is_said_at_the_next_unlock(
        start_app: StartApp, tmp_path: Path) -> None:
    client = Browserish(start_app())
    client.unlock()
    case_id = client.new_case()
    root = client.live.settings.vault_root
    running, release = threading.Event(), threading.Event()

    def work(job: Job, vault: vaultlib.Vault) -> None:
        running.set()
        release.wait(10)

    jobs = client.live.app.state.jobs
    jobs.submit("add", case_id, work, files=[FileProgress(f"f{n}", 1) for n in range(3)])
    assert running.wait(10)
    assert "adding" not in client.http.get("/cases").text  # a running job is not said
    crashed = tmp_path / "crashed"
    shutil.copytree(root, crashed)  # the vault as a power cut leaves it
    release.set()
    assert jobs.wait_idle(10)
    client.close()
    client.live.stop()
    shutil.rmtree(root)
    shutil.copytree(crashed, root)
    client = Browserish(start_app())
    client.unlock()
    page = client.http.get("/cases").text
    assert "The app ended while it was adding 3 files" in page, page[:3000]
    assert "The app ended" not in client.http.get("/cases").text  # once
    client.close()


def test_settings_under_a_prefix_take_no_wildcards(tmp_path: Path) -> None:
    from tests.web.conftest import make_vault

    make_vault(tmp_path / "v")
    with vaultlib.open_vault(tmp_path / "v", PASSPHRASE) as vault:
        with vault.store.transaction() as tx:
            for key in ("web.upload.a_b.1", "web.upload.axb.1", "web.upload.a%.1"):
                tx.set_setting(key, "{}")
        assert [k for k, _v in vault.store.settings_under("web.upload.a_b.")] == [
            "web.upload.a_b.1"]
        with vault.store.transaction() as tx:
            assert tx.delete_settings("web.upload.a%") == 1
        assert [k for k, _v in vault.store.settings_under("web.upload.")] == [
            "web.upload.a_b.1", "web.upload.axb.1"]


def test_a_lock_during_a_jobs_transaction_is_not_held_up_and_loses_nothing(
        start_app: StartApp) -> None:
    client = Browserish(start_app())
    client.unlock()
    case_id = client.new_case()
    headers = csrf_header(client)
    batch = client.http.post(f"/c/{case_id}/add/batch", headers=headers).json()["batch"]
    data = b"synthetic file received before the lock\n"
    assert client.http.post(
        f"/c/{case_id}/add/upload/{batch}", content=data,
        headers={**headers, **declared(data), "X-File-Name": "held.txt",
                 "Content-Type": "application/octet-stream"}).status_code == 204
    in_transaction, release = threading.Event(), threading.Event()

    def work(job: Job, vault: vaultlib.Vault) -> None:
        with vault.store.transaction():  # a long write (sealing a big batch)
            in_transaction.set()
            release.wait(20)

    jobs = client.live.app.state.jobs
    jobs.submit("add", case_id, work, files=[FileProgress("x", 1)])
    assert in_transaction.wait(10)
    started = time.monotonic()
    client.post("/lock")
    took = time.monotonic() - started
    assert not client.live.app.state.session.unlocked
    release.set()
    assert jobs.wait_idle(10)
    assert took < 3.0, took  # not the 5 s busy timeout per write
    client = _restart(start_app, client)
    page = client.http.get("/cases").text
    notices = [line for line in page.splitlines() if "notice" in line]
    assert "held.txt (40 bytes)" in page, notices  # from its entry, written as it came
    assert "adding files was stopped: 0 of 1 files" in page
    client.close()
