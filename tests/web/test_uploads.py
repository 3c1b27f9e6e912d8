"""Uploads stream straight into the vault (#24.1): a file larger than the memory folder is
sealed whole, a cut connection or a wrong SHA-256 keeps nothing, and auto-lock waits for
an upload in progress (#24.2). What is odd is said before anyone relies on it (#24.4)."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from spoorvast.errors import VaultLocked
from spoorvast.storage import vault as vaultlib
from tests.storage.tamper import stored_names
from tests.web.conftest import PASSPHRASE, Browserish, StartApp
from tests.web.helpers import csrf_header, declared, upload, wait_job

MARK = b"synthetic-evidence-marker-"


def _content(size: int) -> bytes:
    """Bytes that do not repeat (so a cut or a shift changes the SHA-256) and carry a
    marker to look for in the clear."""
    return (MARK + os.urandom(size))[:size]


def _all_bytes_under(root: Path) -> Iterator[tuple[Path, bytes]]:
    for base, _dirs, names in os.walk(root):
        for name in names:
            path = Path(base) / name
            yield path, path.read_bytes()


def _items(client: Browserish) -> list[object]:
    # the session says "locked" as the lock begins; the vault's file lock is let go when
    # its close ends (under load a moment later): another program waits for that
    deadline = time.monotonic() + 10
    while True:
        try:
            with vaultlib.open_vault(client.live.settings.vault_root, PASSPHRASE) as vault:
                return list(vault.store.items(1))
        except VaultLocked:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def small_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A 3 MiB memory folder as $XDG_RUNTIME_DIR (a real tmpfs: needs root)."""
    folder = tmp_path / "runtime"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=3m,mode=0700", "tmpfs", str(folder)],
            capture_output=True, check=False).returncode != 0:
        pytest.skip("needs root to mount a small tmpfs")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.root
def test_a_file_larger_than_the_memory_folder_is_sealed_whole(
        small_memory: Path, start_app: StartApp) -> None:
    client = Browserish(start_app())
    client.unlock()
    case_id = client.new_case()
    big, small = _content(6 << 20), _content(100_000)
    state = upload(client, case_id, {"long-recording.bin": big, "small.bin": small})
    assert state["state"] == "done", state
    statuses = {f["name"]: f["status"] for f in state["files"]}  # type: ignore[union-attr]
    assert statuses == {"long-recording.bin": "added", "small.bin": "added"}
    assert any("too large to be read in memory" in line
               for line in state["lines"]), state["lines"]  # type: ignore[union-attr]
    assert list(small_memory.iterdir()) == []  # nothing left in the memory folder
    client.post("/lock")
    with vaultlib.open_vault(client.live.settings.vault_root, PASSPHRASE) as vault:
        items = {i.title: i for i in vault.store.items(case_id)}
        for name, data in (("long-recording.bin", big), ("small.bin", small)):
            original = vault.store.artifacts(items[name].id or 0)[0]
            assert original.sha256 == hashlib.sha256(data).hexdigest()
            assert original.size == len(data)
            assert vault.blobs.read_bytes(original.sha256) == data
        codes = {f.code for f in vault.store.findings(case_id, items["long-recording.bin"].id
                                                      or 0)}
        assert "intake.not-read" in codes
        small_codes = {f.code for f in vault.store.findings(case_id, items["small.bin"].id
                                                            or 0)}
        assert "intake.not-read" not in small_codes  # it fitted: read as usual
    for path, data in _all_bytes_under(client.live.settings.vault_root):
        assert MARK not in data, path  # ciphertext only
    client.close()


def _raw_upload(client: Browserish, path: str, headers: dict[str, str], body: bytes,
                length: int) -> socket.socket:
    """A request whose body is cut: ``length`` announced, ``body`` sent."""
    cookies = "; ".join(f"{k}={v}" for k, v in client.http.cookies.items())
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{client.live.settings.port}",
             f"Origin: {client.live.origin}", f"Cookie: {cookies}",
             f"Content-Length: {length}", "Content-Type: application/octet-stream",
             *(f"{k}: {v}" for k, v in headers.items())]
    sock = socket.create_connection(("127.0.0.1", client.live.settings.port))
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    return sock


def _read_reply(sock: socket.socket) -> bytes:
    """The whole reply (its head and body may come in separate packets)."""
    sock.settimeout(10)
    reply = b""
    while b"\r\n\r\n" not in reply or len(reply.split(b"\r\n\r\n", 1)[1]) < int(
            (reply.lower().split(b"content-length: ", 1)[1:] or [b"0"])[0].split(b"\r")[0]):
        piece = sock.recv(4096)
        if not piece:
            break
        reply += piece
    sock.close()
    return reply


def _new_batch(client: Browserish, case_id: int) -> str:
    response = client.http.post(f"/c/{case_id}/add/batch", headers=csrf_header(client))
    batch: str = response.json()["batch"]
    return batch


def _blob_names(client: Browserish) -> set[str]:
    return stored_names(client.live.settings.vault_root)


def test_a_cut_connection_keeps_nothing(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    batch = _new_batch(client, case_id)
    data = _content(5 << 20)
    before = _blob_names(client)
    headers = {**csrf_header(client), **declared(data), "X-File-Name": "cut.bin"}
    sock = _raw_upload(client, f"/c/{case_id}/add/upload/{batch}", headers,
                       data[:(1 << 20) + 12345], len(data))
    time.sleep(0.5)
    sock.close()
    uploads = client.live.app.state.uploads
    deadline = time.monotonic() + 10
    while uploads.active and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uploads.active == 0
    assert uploads.batches[batch].files == []
    assert list((client.live.settings.vault_root / "tmp").iterdir()) == []
    assert _blob_names(client) == before
    job = client.http.post(f"/c/{case_id}/add/seal/{batch}",
                           headers=csrf_header(client)).json()["job"]
    state = wait_job(client, job)
    assert state["files"] == []
    for path, stored in _all_bytes_under(client.live.settings.vault_root):
        assert MARK not in stored, path
    client.post("/lock")
    assert _items(client) == []


@pytest.mark.parametrize("wrong", ["hash", "size"])
def test_bytes_other_than_declared_are_refused(client: Browserish, wrong: str) -> None:
    client.unlock()
    case_id = client.new_case()
    batch = _new_batch(client, case_id)
    data, other = _content(300_000), _content(300_000)
    before = _blob_names(client)
    said = declared(other if wrong == "hash" else data)
    if wrong == "size":
        said["X-File-Size"] = str(len(data) + 1000)
    response = client.http.post(
        f"/c/{case_id}/add/upload/{batch}", content=data,
        headers={**csrf_header(client), **said, "X-File-Name": quote("schermafdruk 3.png"),
                 "Content-Type": "application/octet-stream"})
    assert response.status_code == 422
    message = response.json()["message"]
    assert "schermafdruk 3.png" in message and "Nothing of it was kept" in message
    assert ("SHA-256" in message) == (wrong == "hash")
    assert _blob_names(client) == before
    assert client.live.app.state.uploads.batches[batch].files == []


def test_an_upload_without_a_declared_hash_is_refused(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    batch = _new_batch(client, case_id)
    response = client.http.post(
        f"/c/{case_id}/add/upload/{batch}", content=b"x",
        headers={**csrf_header(client), "X-File-Name": "a.txt",
                 "Content-Type": "application/octet-stream"})
    assert response.status_code == 422 and "a.txt" in response.json()["message"]
    client.http.cookies.set("sv_lang", "nl")
    response = client.http.post(
        f"/c/{case_id}/add/upload/{batch}", content=b"x",
        headers={**csrf_header(client), "X-File-Name": "a.txt",
                 "Content-Type": "application/octet-stream"})
    assert "a.txt is niet ontvangen" in response.json()["message"]


@pytest.mark.slow  # waits out an auto-lock or builds a PDF: seconds, not ms
def test_auto_lock_waits_for_an_upload_in_progress(start_app: StartApp) -> None:
    client = Browserish(start_app(autolock_seconds=1))
    client.unlock()
    case_id = client.new_case()
    batch = _new_batch(client, case_id)
    data = _content(3 << 20)
    headers = {**csrf_header(client), **declared(data), "X-File-Name": "slow.bin"}
    sock = _raw_upload(client, f"/c/{case_id}/add/upload/{batch}", headers, data[:1 << 20],
                       len(data))
    session = client.live.app.state.session
    time.sleep(2.5)  # well past the auto-lock
    assert session.unlocked
    lock = client.http.post("/lock", data={"csrf": client.csrf("/cases"), "auto": "1"})
    assert lock.status_code == 409 and session.unlocked  # the page's auto-lock waits too
    sock.sendall(data[1 << 20:])
    reply = sock.recv(4096)
    sock.close()
    assert reply.startswith(b"HTTP/1.1 204"), reply[:200]
    time.sleep(1.5)
    assert session.unlocked  # the batch waits for its seal (the page sends it next)
    sealed = client.http.post(f"/c/{case_id}/add/seal/{batch}", headers=csrf_header(client))
    assert sealed.status_code == 200
    deadline = time.monotonic() + 10
    while session.unlocked and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not session.unlocked  # locked as soon as the sealing ended
    assert len(_items(client)) == 1
    client.close()


def test_a_lock_during_an_upload_keeps_nothing_of_it(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    batch = _new_batch(client, case_id)
    data = _content(3 << 20)
    before = _blob_names(client)
    headers = {**csrf_header(client), **declared(data), "X-File-Name": "during.bin"}
    sock = _raw_upload(client, f"/c/{case_id}/add/upload/{batch}", headers, data[:1 << 20],
                       len(data))
    time.sleep(0.3)
    client.post("/lock")
    uploads = client.live.app.state.uploads
    deadline = time.monotonic() + 5
    while uploads.active and time.monotonic() < deadline:
        time.sleep(0.05)
    reply = _read_reply(sock)
    assert uploads.active == 0 and uploads.batches == {}
    assert b" 422 " in reply.split(b"\r\n", 1)[0] and b"during.bin" in reply
    assert list((client.live.settings.vault_root / "tmp").iterdir()) == []
    assert _blob_names(client) == before


def test_what_is_odd_is_said_in_the_users_language(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    client.http.cookies.set("sv_lang", "nl")
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    state = upload(client, case_id, {"leeg.txt": b"", "opname.mp4": pdf,
                                     "foto.jpg": pdf.replace(b"1.4", b"1.7")})
    lines = "\n".join(state["lines"])  # type: ignore[arg-type]
    assert lines.startswith("3 van 3 bestanden toegevoegd."), lines
    assert lines.count("E-000") >= 3, lines
    assert "leeg (0 bytes)" in lines
    assert ".mp4" in lines and ".jpg" in lines and "application/pdf" in lines
    client.post("/lock")
    with vaultlib.open_vault(client.live.settings.vault_root, PASSPHRASE) as vault:
        items = {i.title: i for i in vault.store.items(case_id)}
        codes = {name: {f.code for f in vault.store.findings(case_id, item.id or 0)}
                 for name, item in items.items()}
    assert "intake.empty" in codes["leeg.txt"]
    assert "intake.type-mismatch" in codes["opname.mp4"]
    assert "intake.type-mismatch" in codes["foto.jpg"]


@pytest.mark.slow  # waits out an auto-lock or builds a PDF: seconds, not ms
def test_auto_lock_waits_for_a_running_job(start_app: StartApp) -> None:
    client = Browserish(start_app(autolock_seconds=1))
    client.unlock()
    release = threading.Event()
    jobs = client.live.app.state.jobs
    jobs.submit("dossier", None, lambda job, vault: release.wait(10))
    session = client.live.app.state.session
    time.sleep(2.0)
    assert session.unlocked  # idle, but the job runs
    release.set()
    deadline = time.monotonic() + 5
    while session.unlocked and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not session.unlocked
    client.close()


@pytest.mark.slow
def test_after_a_quick_exit_during_sealing_the_next_unlock_says_what_was_kept(
        client: Browserish) -> None:
    from tests.conftest import png_bytes

    client.unlock()
    case_id = client.new_case()
    headers = csrf_header(client)
    batch = _new_batch(client, case_id)
    for n in range(40):
        data = png_bytes(640, 480, "green", n)
        assert client.http.post(
            f"/c/{case_id}/add/upload/{batch}", content=data,
            headers={**headers, **declared(data), "X-File-Name": f"p{n}.png",
                     "Content-Type": "application/octet-stream"}).status_code == 204
    client.http.post(f"/c/{case_id}/add/seal/{batch}", headers=headers)
    time.sleep(0.2)
    client.http.post("/exit")
    assert client.live.app.state.jobs.wait_idle(30)
    with vaultlib.open_vault(client.live.settings.vault_root, PASSPHRASE) as vault:
        sealed = len(vault.store.items(case_id))
    client.unlock()
    page = client.http.get("/cases").text
    said = f"adding files was stopped: {sealed} of 40 files were sealed whole"
    if "adding files was stopped" in page:  # the exit came while the job ran
        assert said in page, page[:3000]
    else:  # the job had finished before the exit (a fast machine): nothing was lost
        assert sealed == 40, page[:3000]
    assert "adding files was stopped" not in client.http.get("/cases").text  # said once
