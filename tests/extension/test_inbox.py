"""The host side without a browser: messages as the extension sends them go into the
inbox encrypted, and the next unlock seals them as a capture item (hashes as received,
the account bound, the viewer recognised, secrets out of the export copies)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.capture.secrets import export_copy
from spoorvast.errors import IntegrityError
from spoorvast.model.records import Case, IdentifierKind, PartyRole
from spoorvast.services import browser_capture, cases
from spoorvast.services.browser_host import EXTENSION_ID, Receiver
from spoorvast.services.parties import create_party
from spoorvast.services.verify import verify
from spoorvast.storage import inbox
from spoorvast.storage import vault as vaultlib
from tests.capture.conftest import FAST_KDF
from tests.extension.pages import IG_A, IG_B, PNG, PROFILE, SECRET

URL = "http://127.0.0.1:8765/bram.subject/"


@pytest.fixture
def root(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "vault"
    with vaultlib.create(path, "synthetic passphrase", FAST_KDF) as vault:
        case = cases.create_case(vault, "Berichten van X", "nl", "Europe/Brussels")
        create_party(vault, case, PartyRole.VICTIM, "Anna")
        inbox.ensure_keys(vault.root, vault.keyring)
    yield path


def _stream(receiver: Receiver, sid: str, fields: dict[str, object], data: bytes) -> None:
    assert receiver.handle({"type": "open", "id": sid, **fields}) is None
    for start in range(0, len(data), 1000):
        chunk = base64.b64encode(data[start:start + 1000]).decode()
        assert receiver.handle({"type": "chunk", "id": sid, "data": chunk}) is None
    closed = receiver.handle({"type": "close", "id": sid,
                              "sha256": hashlib.sha256(data).hexdigest()})
    assert closed == {"type": "closed", "id": sid}


def send_capture(root: Path, case: str = "Berichten van X") -> dict[str, object]:
    receiver = Receiver(root)
    ready = receiver.handle({"type": "hello"})
    assert ready is not None and ready["type"] == "ready" and "innerText" in str(ready["probe"])
    meta = {"url": URL, "title": "Bram (@bram.subject)", "captured_at": 1_765_000_000_000,
            "fidelity": "chromium-debugger-reload", "reloaded": True, "case": case,
            "note": "one line", "checklist": "suspect-profile",
            "browser": {"user_agent": "Synthetic", "version": "Chromium 156"},
            "extension": {"id": EXTENSION_ID, "version": "0.1.0", "sha256": "0" * 64},
            "viewport": {"width": 1280, "captured_height": 16384, "page_height": 20000},
            "settle": {"loaded": True, "pending": 2, "waited": 11.04, "load_timeout": 30},
            "notes": ["pdf: Printing is not available"],
            "probe": {"text": "Bram Synthetic profile", "elements": 9, "text_length": 22,
                      "overlay": 0, "passwords": 0, "overflow_hidden": False}}
    assert receiver.handle({"type": "begin", "meta": meta}) == {"type": "begun"}
    _stream(receiver, "r1", {"kind": "response", "url": URL, "method": "GET", "status": 200,
                             "status_text": "OK", "http_version": "HTTP/1.1",
                             "request_headers": [["Cookie", f"sessionid={SECRET}"]],
                             "response_headers": [["Content-Type", "text/html"]],
                             "server_ip": "127.0.0.1", "started": "2025-12-06T05:46:40Z",
                             "resource_type": "Document", "body_encoding": "text"}, PROFILE)
    _stream(receiver, "f1", {"kind": "file", "name": "viewport.png"}, PNG)
    _stream(receiver, "f2", {"kind": "file", "name": "evil.exe"}, b"MZ")
    done = receiver.handle({"type": "end"})
    assert done is not None and done["type"] == "done" and done["where"] in ("inbox", "sealed")
    return done


def _case(vault: vaultlib.Vault) -> Case:
    return vault.store.cases()[0]


def test_inbox_entry_is_ciphertext_and_sealed_at_unlock(root: Path) -> None:
    send_capture(root)
    [entry] = inbox.entries(root)
    raw = entry.read_bytes()
    assert SECRET.encode() not in raw and b"bram.subject" not in raw
    with vaultlib.open_vault(root, "synthetic passphrase") as vault:
        drained = browser_capture.drain(vault)
        [sealed] = drained.sealed
        assert (sealed.label, sealed.account, sealed.viewer) == ("E-0001", "bram.subject", IG_A)
        case = _case(vault)
        item = vault.store.item(case.id or 0, 1)
        assert item is not None
        files = {a.name: a for a in vault.store.artifacts(item.id or 0)}
        assert set(files) == {"page.html", "viewport.png", "capture.wacz",
                              "capture.json"}  # the host's names only: no evil.exe
        assert files["page.html"].sha256 == hashlib.sha256(PROFILE).hexdigest()
        assert files["viewport.png"].sha256 == hashlib.sha256(PNG).hexdigest()
        accounts = [(i.stable_id, i.party_id is not None)
                    for i in vault.store.identifiers(case.id or 0)
                    if i.kind is IdentifierKind.ACCOUNT]
        assert accounts == [(IG_B, False), (IG_A, True)]  # Bram captured; Anna the victim
        record = json.loads(vault.blobs.read_bytes(files["capture.json"].sha256))
        assert record["fidelity"]["path"] == "chromium-debugger-reload"
        assert SECRET not in json.dumps(record)
        wacz = vault.blobs.read_bytes(files["capture.wacz"].sha256)
        assert SECRET.encode() in _warc(wacz)  # kept, encrypted, in the vault
        assert SECRET.encode() not in _warc(export_copy("capture.wacz", wacz).data)
        logged = [e for e in vault.store.custody(f"case-{case.id}")
                  if e.action == "capture.browser-sealed"]
        assert logged and logged[0].payload["captured_at"].startswith("2025-12-06T05:46:40")
        codes = [f.code for f in vault.store.findings(case.id or 0, item.id)]
        assert {"capture.extension-reloaded", "capture.height-capped",
                "capture.extension-text-bodies", "capture.unsettled-requests",
                "capture.step-failed"} <= set(codes)
        assert "capture.load-timeout" not in codes
        assert record["text_bodies"] == [URL]
        assert verify(vault).ok
    assert inbox.entries(root) == []


def _warc(wacz: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(wacz)) as archive:
        return gzip.decompress(archive.read("archive/data.warc.gz"))


def test_a_new_case_title_starts_a_case(root: Path) -> None:
    send_capture(root, case="Nieuwe zaak")
    with vaultlib.open_vault(root, "synthetic passphrase") as vault:
        [sealed] = browser_capture.drain(vault).sealed
        titles = {c.id: c.title for c in vault.store.cases()}
        assert titles[sealed.case_id] == "Nieuwe zaak"


def test_a_damaged_or_cut_off_entry_is_set_aside_unchanged(root: Path) -> None:
    send_capture(root)
    [entry] = inbox.entries(root)
    data = bytearray(entry.read_bytes())
    data[200] ^= 1
    entry.write_bytes(bytes(data))
    with vaultlib.open_vault(root, "synthetic passphrase") as vault:
        drained = browser_capture.drain(vault)
        assert drained.sealed == () and len(drained.set_aside) == 1
        assert drained.set_aside[0].read_bytes() == bytes(data)
        assert vault.store.items(_case(vault).id or 0) == []


def test_out_of_order_messages_leave_nothing(root: Path) -> None:
    receiver = Receiver(root)
    assert receiver.handle({"type": "chunk", "id": "x", "data": ""}) == {
        "type": "error", "code": "out-of-order"}
    receiver.handle({"type": "begin", "meta": {"url": URL}})
    assert receiver.handle({"type": "open", "id": "a", "kind": "nonsense"})["code"] == (  # type: ignore[index]
        "out-of-order")
    assert list((root / inbox.FOLDER).iterdir()) == []


def test_a_swapped_public_key_is_seen_at_unlock(root: Path) -> None:
    content = json.loads((root / inbox.KEY_FILE).read_bytes())
    content["public_key"] = base64.b64encode(bytes(32)).decode()
    (root / inbox.KEY_FILE).write_text(json.dumps(content))
    with vaultlib.open_vault(root, "synthetic passphrase") as vault, \
            pytest.raises(IntegrityError):
        inbox.ensure_keys(vault.root, vault.keyring)


def test_an_entry_whose_host_died_is_removed_after_a_day(root: Path) -> None:
    part = root / inbox.FOLDER / ("0" * 32 + inbox.PART)  # its host was killed writing
    part.write_bytes(b"ciphertext")
    with vaultlib.open_vault(root, "synthetic passphrase") as vault:
        browser_capture.drain(vault)
        assert part.exists()  # it may still be written
        old = part.stat().st_mtime - inbox.PART_MAX_AGE - 1
        os.utime(part, (old, old))
        browser_capture.drain(vault)
        assert not part.exists()


def test_a_rekeyed_vault_gets_new_inbox_keys(root: Path) -> None:
    before = inbox.public_key(root)
    vaultlib.rekey_vault(root, "synthetic passphrase", "another synthetic passphrase")
    with vaultlib.open_vault(root, "another synthetic passphrase") as vault:
        inbox.ensure_keys(vault.root, vault.keyring)  # no error: rotated
        assert bytes(inbox.public_key(root)) != bytes(before)
    send_capture(root)
    with vaultlib.open_vault(root, "another synthetic passphrase") as vault:
        assert len(browser_capture.drain(vault).sealed) == 1


def test_facts_known_only_at_the_end_are_added_and_may_update_the_page(root: Path) -> None:
    from spoorvast.capture import extension_entry

    receiver = Receiver(root)
    early = {"url": URL, "title": "before", "fidelity": "firefox-webrequest-reload",
             "case": "Berichten van X"}
    assert receiver.handle({"type": "begin", "meta": early}) == {"type": "begun"}
    _stream(receiver, "f-viewport.png", {"kind": "file", "name": "viewport.png"}, PNG)
    late = {"url": URL + "?after", "title": "after", "settle": {"loaded": True},
            "fidelity": "chromium-debugger-reload", "case": "another"}  # not late facts
    done = receiver.handle({"type": "end", "meta": late})
    assert done is not None and done["where"] == "inbox"
    assert receiver.handle({"type": "begin", "meta": early}) == {"type": "begun"}
    refused = receiver.handle({"type": "end", "meta": ["not", "facts"]})
    assert refused == {"type": "error", "code": "out-of-order"}
    [entry] = inbox.entries(root)
    with vaultlib.open_vault(root, "synthetic passphrase") as vault:
        received = extension_entry.read(entry, inbox.private_key(vault.root, vault.keyring))
    assert received.meta["title"] == "after" and received.meta["url"] == URL + "?after"
    assert received.meta["settle"] == {"loaded": True}
    assert received.meta["fidelity"] == "firefox-webrequest-reload"
    assert received.meta["case"] == "Berichten van X"
