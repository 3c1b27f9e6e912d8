"""Resumable uploads over real HTTP (#24): an upload cut mid-way goes on from where it
stopped and seals the file's own SHA-256; so does one whose app was restarted between
its parts (listed on the add page as unfinished); a piece at the wrong offset, with a
wrong checksum or past the end is refused and leaves nothing; a cut-short upload is
never sealed; what arrived is only ever ciphertext; throwing it away is custody-logged."""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import time
from pathlib import Path

import pytest

from spoorvast.storage import vault as vaultlib
from spoorvast.storage.base import VAULT_CHAIN
from tests.web.conftest import PASSPHRASE, Browserish, StartApp, make_vault, serve
from tests.web.helpers import csrf_header, declared, wait_job

pytestmark = pytest.mark.slow  # each starts the app

MARK = b"synthetic-resumable-marker-"
MiB = 1 << 20


def _content(size: int) -> bytes:
    return (MARK + os.urandom(size))[:size]


def _begin(client: Browserish, case_id: int, data: bytes,
           name: str = "opname 2026-03-04.mp4") -> tuple[str, str, int]:
    """A batch and the upload of ``data`` in it: (batch, upload URL, kept offset)."""
    headers = csrf_header(client)
    batch = client.http.post(f"/c/{case_id}/add/batch", headers=headers).json()["batch"]
    started = client.http.post(f"/c/{case_id}/add/resumable/{batch}",
                               headers={**headers, **declared(data), "X-File-Name": name})
    assert started.status_code == 200, started.text
    info = started.json()
    return batch, f"/c/{case_id}/add/resumable/u/{info['upload']}", info["offset"]


def _sum(piece: bytes) -> str:
    return "sha256 " + base64.b64encode(hashlib.sha256(piece).digest()).decode()


def _patch(client: Browserish, url: str, offset: int, piece: bytes,
           checksum: str | None = None) -> int:
    response = client.http.patch(url, content=piece, headers={
        **csrf_header(client), "Upload-Offset": str(offset),
        "Upload-Checksum": checksum or _sum(piece),
        "Content-Type": "application/offset+octet-stream"})
    return response.status_code


def _offset(client: Browserish, url: str) -> int:
    response = client.http.head(url)
    assert response.status_code == 200
    return int(response.headers["upload-offset"])


def _cut_patch(client: Browserish, url: str, offset: int, piece: bytes, sent: int,
               keep_open: bool = False) -> socket.socket:
    """A PATCH whose connection is cut after ``sent`` bytes of its body (or, with
    ``keep_open``, left hanging: a link gone without the server hearing of it)."""
    cookies = "; ".join(f"{k}={v}" for k, v in client.http.cookies.items())
    head = [f"PATCH {url} HTTP/1.1", f"Host: 127.0.0.1:{client.live.settings.port}",
            f"Origin: {client.live.origin}", f"Cookie: {cookies}",
            f"X-CSRF-Token: {client.csrf('/cases')}", f"Upload-Offset: {offset}",
            f"Upload-Checksum: {_sum(piece)}", f"Content-Length: {len(piece)}",
            "Content-Type: application/offset+octet-stream"]
    sock = socket.create_connection(("127.0.0.1", client.live.settings.port))
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + piece[:sent])
    time.sleep(0.5)
    if not keep_open:
        sock.close()
    return sock


def _settle(client: Browserish) -> None:
    uploads = client.live.app.state.uploads
    deadline = time.monotonic() + 10
    while uploads.active and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uploads.active == 0


def _no_plaintext(root: Path) -> None:
    for base, _dirs, names in os.walk(root):
        for name in names:
            assert MARK not in (Path(base) / name).read_bytes(), name


def _finish_and_seal(client: Browserish, case_id: int, batch: str, url: str) -> dict[str, object]:
    done = client.http.post(f"{url}/finish/{batch}", headers=csrf_header(client))
    assert done.status_code == 204, done.text
    sealed = client.http.post(f"/c/{case_id}/add/seal/{batch}", headers=csrf_header(client))
    return wait_job(client, sealed.json()["job"])


def _sealed_sha256(root: Path, case_id: int) -> list[tuple[str, int]]:
    with vaultlib.open_vault(root, PASSPHRASE) as vault:
        return [(a.sha256, a.size) for item in vault.store.items(case_id)
                for a in vault.store.artifacts(item.id or 0)[:1]]


def test_a_cut_upload_resumes_where_it_stopped_and_seals_the_whole_file(
        client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    data = _content(5 * MiB + 4321)
    batch, url, offset = _begin(client, case_id, data)
    assert offset == 0
    assert _patch(client, url, 0, data[:2 * MiB]) == 204
    _cut_patch(client, url, 2 * MiB, data[2 * MiB:4 * MiB], sent=MiB + 777)
    _settle(client)
    assert _offset(client, url) == 2 * MiB  # the cut piece left nothing
    _no_plaintext(client.live.settings.vault_root)
    early = client.http.post(f"{url}/finish/{batch}", headers=csrf_header(client))
    assert early.status_code == 422 and "not complete" in early.json()["message"]
    assert _patch(client, url, 2 * MiB, data[2 * MiB:]) == 204
    done = client.http.post(f"{url}/finish/{batch}", headers=csrf_header(client))
    assert done.status_code == 204
    # asked again (its answer lost on the way): the same answer, the file once
    state = _finish_and_seal(client, case_id, batch, url)
    assert [f["status"] for f in state["files"]] == ["added"]  # type: ignore[index,union-attr]
    client.post("/lock")
    root = client.live.settings.vault_root
    assert _sealed_sha256(root, case_id) == [(hashlib.sha256(data).hexdigest(), len(data))]
    assert list((root / "partial").iterdir()) == []
    _no_plaintext(root)


def test_a_newer_piece_takes_over_from_one_left_hanging(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    data = _content(3 * MiB)
    batch, url, _ = _begin(client, case_id, data)
    hanging = _cut_patch(client, url, 0, data[:2 * MiB], sent=MiB, keep_open=True)
    try:
        assert client.live.app.state.uploads.active == 1
        assert _patch(client, url, 0, data) == 204  # not "busy": the old one was stopped
    finally:
        hanging.close()
    assert _offset(client, url) == len(data)
    state = _finish_and_seal(client, case_id, batch, url)
    assert [f["status"] for f in state["files"]] == ["added"]  # type: ignore[index,union-attr]
    client.post("/lock")
    assert _sealed_sha256(client.live.settings.vault_root, case_id) == [
        (hashlib.sha256(data).hexdigest(), len(data))]


def test_an_app_restart_between_parts_resumes_from_the_vault(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    make_vault(root)
    data = _content(3 * MiB + 99)
    first = Browserish(serve(root))
    try:
        first.unlock()
        case_id = first.new_case()
        _batch, url, _ = _begin(first, case_id, data, "Takeout.zip")
        assert _patch(first, url, 0, data[:MiB]) == 204
    finally:
        first.close()
        first.live.stop()  # the app ends with the upload unfinished
    _no_plaintext(root)
    second = Browserish(serve(root))
    try:
        second.unlock()
        page = second.get(f"/c/{case_id}/add").text
        assert "Unfinished uploads" in page and "Takeout.zip" in page
        assert hashlib.sha256(data).hexdigest()[:16] in page
        batch, again, offset = _begin(second, case_id, data, "Takeout.zip")
        assert again == url and offset == MiB  # found by its SHA-256 and size
        assert _patch(second, again, MiB, data[MiB:]) == 204
        state = _finish_and_seal(second, case_id, batch, again)
        assert [f["status"] for f in state["files"]] == ["added"]  # type: ignore[index,union-attr]
        assert "Unfinished uploads" not in second.get(f"/c/{case_id}/add").text
        second.post("/lock")
    finally:
        second.close()
        second.live.stop()
    assert _sealed_sha256(root, case_id) == [(hashlib.sha256(data).hexdigest(), len(data))]


def test_wrong_offsets_and_tampered_pieces_are_refused(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    data = _content(2 * MiB)
    _batch, url, _ = _begin(client, case_id, data)
    assert _patch(client, url, 0, data[:MiB]) == 204
    response = client.http.patch(url, content=data[MiB:], headers={
        **csrf_header(client), "Upload-Offset": "0", "Upload-Checksum": _sum(data[MiB:])})
    assert response.status_code == 409 and response.headers["upload-offset"] == str(MiB)
    tampered = bytearray(data[MiB:])
    tampered[1000] ^= 0xFF
    assert _patch(client, url, MiB, bytes(tampered), _sum(data[MiB:])) == 460
    assert _patch(client, url, MiB, data[MiB:] + b"more") == 413  # past the declared end
    assert _patch(client, url, MiB, data[MiB:], "md5 AAAA") == 400
    assert _offset(client, url) == MiB  # none of it was kept
    assert client.http.patch(url, content=b"x", headers={
        "Upload-Offset": str(MiB), "Upload-Checksum": _sum(b"x")}).status_code == 403


def test_bytes_other_than_declared_are_never_sealed(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    data, other = _content(MiB), _content(MiB)
    headers = csrf_header(client)
    batch = client.http.post(f"/c/{case_id}/add/batch", headers=headers).json()["batch"]
    info = client.http.post(f"/c/{case_id}/add/resumable/{batch}", headers={
        **headers, **declared(data), "X-File-Name": "clip.mp4"}).json()
    url = f"/c/{case_id}/add/resumable/u/{info['upload']}"
    assert _patch(client, url, 0, other) == 204  # each piece is fine; the whole is not
    refused = client.http.post(f"{url}/finish/{batch}", headers=headers)
    assert refused.status_code == 422
    assert "clip.mp4" in refused.json()["message"] and "SHA-256" in refused.json()["message"]
    assert client.http.head(url).status_code == 404  # thrown away
    client.post("/lock")
    assert _sealed_sha256(client.live.settings.vault_root, case_id) == []


def test_a_damaged_kept_part_is_refused_and_thrown_away(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    data = _content(MiB + 5)
    batch, url, _ = _begin(client, case_id, data)
    assert _patch(client, url, 0, data) == 204
    [kept] = (client.live.settings.vault_root / "partial").iterdir()
    raw = bytearray(kept.read_bytes())
    raw[-20] ^= 1
    kept.write_bytes(bytes(raw))
    refused = client.http.post(f"{url}/finish/{batch}", headers=csrf_header(client))
    assert refused.status_code == 422 and "could not be read back" in refused.json()["message"]
    assert list((client.live.settings.vault_root / "partial").iterdir()) == []


def test_throwing_an_unfinished_upload_away_is_logged(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    data = _content(2 * MiB)
    _batch, url, _ = _begin(client, case_id, data, "video.mp4")
    assert _patch(client, url, 0, data[:MiB]) == 204
    upload_id = url.rsplit("/", 1)[1]
    page = client.get(f"/c/{case_id}/add").text
    assert f"/u/{upload_id}/discard" in page and "Throw away" in page
    gone = client.post(f"{url}/discard")
    assert gone.status_code == 303
    assert "video.mp4" not in client.get(f"/c/{case_id}/add").text
    assert list((client.live.settings.vault_root / "partial").iterdir()) == []
    client.post("/lock")
    with vaultlib.open_vault(client.live.settings.vault_root, PASSPHRASE) as vault:
        [entry] = [e for e in vault.store.custody(VAULT_CHAIN)
                   if e.action == "web.unfinished-upload-removed"]
        assert {k: entry.payload[k] for k in ("size", "received", "why")} == {
            "size": 2 * MiB, "received": MiB, "why": "thrown-away"}
        assert vault.store.settings_under("web.unfinished.") == []


def test_a_new_data_key_throws_unfinished_uploads_away_with_custody(
        client: Browserish) -> None:
    """They are kept under a subkey of the old data key: after "Re-encrypt everything"
    they could never be read back, so the re-encryption throws them away, logged."""
    client.unlock()
    case_id = client.new_case()
    data = _content(2 * MiB)
    _batch, url, _ = _begin(client, case_id, data, "video.mp4")
    assert _patch(client, url, 0, data[:MiB]) == 204
    client.post("/lock")  # the page went away: its batch ends, the kept part stays
    client.unlock()
    assert "video.mp4" in client.get(f"/c/{case_id}/add").text
    new = "een heel nieuwe wachtwoordzin"
    started = client.post("/settings/rekey", {"old": PASSPHRASE, "new": new, "repeat": new})
    assert started.status_code == 303, started.text
    state = wait_job(client, started.headers["location"].split("job=")[1].split("#")[0])
    assert state["state"] == "done", state
    assert "video.mp4" not in client.get(f"/c/{case_id}/add").text
    assert list((client.live.settings.vault_root / "partial").iterdir()) == []
    client.post("/lock")
    with vaultlib.open_vault(client.live.settings.vault_root, new) as vault:
        [entry] = [e for e in vault.store.custody(VAULT_CHAIN)
                   if e.action == "web.unfinished-upload-removed"]
        assert entry.payload["why"] == "re-encrypted"
        assert vault.store.settings_under("web.unfinished.") == []


def test_a_locked_vault_answers_401_and_keeps_the_upload(start_app: StartApp) -> None:
    client = Browserish(start_app())
    client.unlock()
    case_id = client.new_case()
    data = _content(2 * MiB)
    _batch, url, _ = _begin(client, case_id, data)
    assert _patch(client, url, 0, data[:MiB]) == 204
    headers = csrf_header(client)
    client.post("/lock")
    response = client.http.patch(url, content=data[MiB:], headers={
        **headers, "Upload-Offset": str(MiB), "Upload-Checksum": _sum(data[MiB:])})
    assert response.status_code == 401
    assert client.http.head(url).status_code == 401
    client.unlock()
    assert _offset(client, url) == MiB
    client.close()
