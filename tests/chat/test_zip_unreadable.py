"""An archive entry that cannot be read (damaged, encrypted, compressed in a way not
supported) is said as such, naming the entry, not as "too large" (#24, "none left");
entries past the limit of entries looked at are said, not skipped in silence."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from spoorvast.findings import render
from spoorvast.importers.chat.shared import zipsafe
from spoorvast.importers.chat.shared.zipsafe import SafeZip
from spoorvast.importers.chat.whatsapp.importer import WhatsAppImporter
from spoorvast.model.records import Finding
from tests.chat.helpers import codes, run

CHAT = ("[01/02/2024, 10:00:00] Alice: hallo\n"
        "[01/02/2024, 10:01:00] Bob: IMG-0001.jpg <attached: IMG-0001.jpg>\n")
PHOTO = b"synthetic photo bytes " * 400


def _archive(path: Path, change: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_chat.txt", CHAT)
        archive.writestr("IMG-0001.jpg", PHOTO)
    raw = bytearray(path.read_bytes())
    local = raw.find(b"PK\x03\x04", 1)  # the photo's local header (the chat's is first)
    central = raw.rfind(b"PK\x01\x02")  # the photo's central directory record
    if change == "encrypted":
        raw[local + 6] |= 1
        raw[central + 8] |= 1
    elif change == "method":
        raw[local + 8:local + 10] = (99).to_bytes(2, "little")
        raw[central + 10:central + 12] = (99).to_bytes(2, "little")
    else:  # damaged: the compressed bytes changed
        name_len = int.from_bytes(raw[local + 26:local + 28], "little")
        start = local + 30 + name_len
        raw[start + 5:start + 25] = bytes(20)
    path.write_bytes(bytes(raw))
    return path


def _said(archive: SafeZip) -> list[tuple[str, dict[str, str]]]:
    return [(p.code, dict(p.params)) for p in archive.problems]


@pytest.mark.parametrize(("change", "reason"), [
    ("encrypted", "encrypted: a password is needed"),
    ("method", "compressed in a way that is not supported"),
    ("damaged", "damaged"),
])
def test_an_unreadable_entry_is_said_with_its_name_and_why(tmp_path: Path, change: str,
                                                           reason: str) -> None:
    path = _archive(tmp_path / "WhatsApp Chat - Bob.zip", change)
    archive = SafeZip(path, "0" * 64)
    assert archive.read("IMG-0001.jpg") is None
    assert _said(archive) == [("chat.zip-entry-unreadable",
                               {"name": "IMG-0001.jpg", "reason": reason})]
    assert archive.read("_chat.txt") == CHAT.encode()  # the rest is read


def test_through_the_importer_the_finding_names_the_photo(tmp_path: Path) -> None:
    draft, sealed = run(WhatsAppImporter(), _archive(tmp_path / "WhatsApp Chat - Bob.zip",
                                                     "encrypted"))
    assert "chat.zip-entry-unreadable" in codes(draft)
    assert "chat.zip-too-big" not in codes(draft)
    finding = next(p for p in draft.problems if p.code == "chat.zip-entry-unreadable")
    shown = render(Finding(None, 1, None, finding.severity, finding.code, finding.params,
                           finding.location))
    assert "IMG-0001.jpg" in shown and "password" in shown
    assert "IMG-0001.jpg" not in sealed.files


def test_entries_past_the_limit_are_said(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for n in range(5):
            archive.writestr(f"f{n}.txt", b"x")
    monkeypatch.setattr(zipsafe, "MAX_ENTRIES", 3)
    archive = SafeZip(path, "0" * 64)
    assert len(archive.names()) == 3
    archive.names()
    assert _said(archive) == [("chat.zip-too-many-entries", {"count": "5", "limit": "3"})]
