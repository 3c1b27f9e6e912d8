"""Session secrets never leave the vault: the rule (which headers, which URL values), and
a real capture of a loopback page whose URL, cookie and X-Auth-Token carry canaries,
exported as a dossier (folder and ZIP) and downloaded from the web app; every exported
byte is searched, inside ZIP, WACZ, gzip members and the PDF's text too."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.capture.batch import Failed, capture_all
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.strip import export_copy, strip_mhtml
from spoorvast.dossier.build import make_dossier
from spoorvast.dossier.model import DossierOptions
from spoorvast.model.secrets import (
    clean_header,
    is_secret_value,
    strip_json_value,
    strip_url,
)
from spoorvast.services import cases
from spoorvast.storage import vault as vaultlib
from tests.capture.site import _serve, png
from tests.web.conftest import FAST_KDF, PASSPHRASE, Browserish, serve

QUERY, COOKIE, HEADER = b"SECRETCANARYQ1", b"COOKIECANARYC2", b"HEADERCANARYH3"
CANARIES = (QUERY, COOKIE, HEADER)
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzeW50aGV0aWMifQ.c2lnbmF0dXJlX3N5bnRoZXRpYw"


@pytest.mark.parametrize(("url", "expected"), [
    ("https://x.test/p?token=abc&id=42", "https://x.test/p?token=%5Bremoved%5D&id=42"),
    ("https://x.test/p?a=1&access_token=abc#x", "https://x.test/p?a=1&access_token=%5Bremoved%5D#x"),
    ("https://x.test/cb#access_token=abc&state=s1", "https://x.test/cb#access_token=%5Bremoved%5D"
     "&state=%5Bremoved%5D"),
    ("https://u:hunter2@x.test/", "https://u:%5Bremoved%5D@x.test/"),
    (f"https://x.test/p?t={JWT}", "https://x.test/p?t=%5Bremoved%5D"),
    ("https://x.test/p?k=a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6", "https://x.test/p?k=%5Bremoved%5D"),
    # kept: account IDs (digits only), short values, ordinary words, encoding as it was
    ("https://x.test/p?id=123456789012345678901234567890123", None),
    ("https://x.test/watch?v=dQw4w9WgXcQ&q=a+b%20c", None),
    ("https://x.test/permalink.php?story_fbid=pfbid02AbCdEfGh1234567890IjKlMnOpQrStUvWx&id=4",
     None),
    ("https://x.test/s/a?rlkey=shortkey1", "https://x.test/s/a?rlkey=%5Bremoved%5D"),
    ("https://x.test/p?next=https%3A%2F%2Fy.test%2F%3Fsid%3Dabc",
     "https://x.test/p?next=https%3A%2F%2Fy.test%2F%3Fsid%3D%255Bremoved%255D"),
])
def test_url_rule(url: str, expected: str | None) -> None:
    assert strip_url(url) == (expected or url)


def test_value_and_header_rules() -> None:
    assert is_secret_value(JWT) and not is_secret_value("a" * 40) and not is_secret_value(
        "1" * 40)
    found: set[str] = set()
    assert clean_header("X-Auth-Token", "abc", found) == "[removed]"
    assert clean_header("Cookie", "sid=1", found) == "[removed]"
    assert clean_header("Referer", "https://x.test/?token=abc", found) == (
        "https://x.test/?token=%5Bremoved%5D")
    assert clean_header("Accept", "text/html", found) == "text/html"
    assert found == {"cookies", "token-headers", "url-secrets"}
    record = {"requested_url": "https://x.test/?code=1", "title": "see https://x.test/?sid=2",
              "response": {"headers": [["Set-Cookie", "a=b"], ["Server", "x"]]}}
    assert strip_json_value(record) == {
        "requested_url": "https://x.test/?code=%5Bremoved%5D",
        "title": "see https://x.test/?sid=%5Bremoved%5D",
        "response": {"headers": [["Set-Cookie", "[removed]"], ["Server", "x"]]}}


def test_mhtml_headers_lose_secret_urls_and_bodies_stay() -> None:
    mhtml = (b'From: <Saved by Blink>\r\nSnapshot-Content-Location: https://x.test/?token=T1\r\n'
             b'Content-Type: multipart/related; boundary="----B"\r\n\r\n------B\r\n'
             b'Content-Location: https://x.test/?token=T1\r\n\r\n'
             b'Body: https://x.test/?token=T1 stays\r\n------B--\r\n')
    copy = export_copy("page.mhtml", mhtml)
    assert copy.removed == ("url-secrets",)
    assert copy.data.count(b"T1") == 1 and b"Body: https://x.test/?token=T1 stays" in copy.data
    assert strip_mhtml(b"no headers at all") == b"no headers at all"


def test_which_files_are_stripped() -> None:
    from spoorvast.capture.strip import needs_stripping
    from spoorvast.model import instant
    from spoorvast.model.records import Artifact, ArtifactRole

    def art(role: ArtifactRole, name: str) -> Artifact:
        return Artifact(None, None, role, "x", 1, "0" * 64, name,
                        instant.now("Europe/Brussels"))

    assert needs_stripping(art(ArtifactRole.WACZ, "capture.wacz"), "whatsapp")
    assert needs_stripping(art(ArtifactRole.ATTACHMENT, "x.har"), None)
    assert needs_stripping(art(ArtifactRole.ANALYSIS, "capture.json"), "capture")
    assert needs_stripping(art(ArtifactRole.MHTML, "page.mhtml"), "capture")
    assert not needs_stripping(art(ArtifactRole.ORIGINAL, "api.json"), "capture")  # a body
    assert not needs_stripping(art(ArtifactRole.ANALYSIS, "analysis.json"), "email")
    assert not needs_stripping(art(ArtifactRole.DOM, "dom.html"), "capture")


def _page(path: str, headers: dict[str, str]) -> tuple[int, str, bytes, dict[str, str]]:
    if path.startswith("/img/"):
        return 200, "image/png", png(20, 20, "red"), {}
    body = b"<html><title>Secret page</title><p>public text</p><img src='/img/a.png'></html>"
    return 200, "text/html; charset=utf-8", body, {
        "Set-Cookie": f"sid={COOKIE.decode()}; Path=/", "X-Auth-Token": HEADER.decode()}


def _members(name: str, data: bytes, depth: int = 0) -> Iterator[tuple[str, bytes]]:
    """The bytes of a file and of everything packed inside it (ZIP, WACZ, gzip, PDF text)."""
    yield name, data
    if depth > 4:
        return
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                yield from _members(f"{name}!{member}", archive.read(member), depth + 1)
    elif data[:2] == b"\x1f\x8b":
        yield from _members(f"{name}!gz", gzip.decompress(data), depth + 1)
    elif data[:5] == b"%PDF-":
        from pypdf import PdfReader

        text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
        yield f"{name}!text", text.encode("utf-8")


def _leaks(name: str, data: bytes) -> list[str]:
    return [f"{where}: {c.decode()}" for where, inner in _members(name, data)
            for c in CANARIES if c in inner]


@pytest.mark.slow
def test_no_secret_in_any_exported_byte(tmp_path: Path) -> None:
    server = _serve(_page)
    url = (f"http://127.0.0.1:{server.server_address[1]}/post?token={QUERY.decode()}"
           f"&id=42")
    root = tmp_path / "vault"
    try:
        with vaultlib.create(root, PASSPHRASE, FAST_KDF) as vault:
            case = cases.create_case(vault, "Secrets", "en", "Europe/Brussels")
            options = CaptureOptions(allow_private_network=True, timeout_seconds=20,
                                     load_timeout_seconds=10, settle_seconds=0.5)
            [outcome] = capture_all(vault, case, options, [url])
            assert not isinstance(outcome, Failed)
            item = next(i for i in vault.store.items(case.id or 0))
            artifacts = vault.store.artifacts(item.id or 0)
            wacz = next(a for a in artifacts if a.name == "capture.wacz")
            sealed = vault.blobs.read_bytes(wacz.sha256)
            assert all(c in b"".join(d for _n, d in _members("w", sealed)) for c in CANARIES)
            result = make_dossier(vault, case, DossierOptions("en"), tmp_path / "out")
    finally:
        server.shutdown()
        server.server_close()
    exported = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert result.zip in exported and len(exported) > 10
    assert [leak for p in exported for leak in _leaks(p.name, p.read_bytes())] == []
    manifest = json.loads((result.folder / "manifest.json").read_bytes())
    files = {f["path"].rsplit("/", 1)[-1]: f for i in manifest["items"]
             for a in i["artifacts"] for f in a["files"]}
    assert files["capture.wacz"]["transform"] == "session-secrets-removed"
    assert set(files["capture.wacz"]["removed"]) == {"cookies", "token-headers",
                                                     "url-secrets"}
    _web_downloads(root, [(a.name, a.sha256) for a in artifacts], item.label, case.id or 0)


def _web_downloads(root: Path, artifacts: list[tuple[str, str]], label: str,
                   case_id: int) -> None:
    live = serve(root)
    client = Browserish(live)
    try:
        client.unlock()
        leaks = []
        for name, sha in artifacts:
            got = client.http.get(f"/c/{case_id}/items/{label}/file/{sha}")
            assert got.status_code == 200, name
            assert int(got.headers["content-length"]) == len(got.content)
            leaks += _leaks(name, got.content)
        assert leaks == []
    finally:
        client.close()
        live.stop()


def test_an_older_capture_with_secrets_in_its_record_is_exported_without_them(
        tmp_path: Path) -> None:
    """A capture sealed before the record was cleaned: URL in its title, its capture.json
    and its MHTML. The sealed files stay; the dossier's copies and texts lose the value."""
    from tests.dossier.builder import _artifact, _item

    secret = "OLDCANARY0042"
    url = f"https://example.invalid/post?token={secret}"
    record = json.dumps({"schema": "spoorvast.capture-record/1", "requested_url": url,
                         "final_url": url, "status": 200}).encode()
    mhtml = (f"Snapshot-Content-Location: {url}\r\nContent-Type: multipart/related; "
             f'boundary="B"\r\n\r\n--B\r\nContent-Location: {url}\r\n\r\n<p>x</p>\r\n'
             "--B--\r\n").encode()
    with vaultlib.create(tmp_path / "vault", PASSPHRASE, FAST_KDF) as vault:
        case = cases.create_case(vault, "Old", "en", "Europe/Brussels")
        from spoorvast.model.records import ArtifactRole, ItemKind

        _item(vault, case.id or 0, ItemKind.CAPTURE, url, "capture", [
            _artifact(vault, ArtifactRole.ANALYSIS, "capture.json", "application/json",
                      record),
            _artifact(vault, ArtifactRole.MHTML, "page.mhtml", "multipart/related", mhtml)])
        result = make_dossier(vault, case, DossierOptions("en", make_zip=False),
                              tmp_path / "out")
        assert secret.encode() in vault.blobs.read_bytes(_sha(record))  # sealed: unchanged
    leaks = {p.name for p in result.folder.rglob("*") if p.is_file() and any(
        secret.encode() in inner for _n, inner in _members(p.name, p.read_bytes()))}
    # custody.jsonl is hash-chained: its lines are exported as they were written
    assert leaks == {"custody.jsonl"}
    manifest = json.loads((result.folder / "manifest.json").read_bytes())
    removed = {f["path"].rsplit("/", 1)[-1]: f["removed"] for i in manifest["items"]
               for a in i["artifacts"] for f in a["files"]}
    assert removed == {"capture.json": ["url-secrets"], "page.mhtml": ["url-secrets"]}


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
