"""What is odd about an input is said when it is added, in the user's language, and the
item carries the finding (#24.4): an empty file, content that does not match the name's
extension. A duplicate is said too (and stored once)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spoorvast.model.records import Severity
from spoorvast.services.oddities import oddities
from tests.conftest import Cli, png_bytes

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.mark.parametrize(("name", "size", "media_type", "code"), [
    ("leeg.png", 0, "application/x-empty", "intake.empty"),
    ("clip.mp4", 10, "application/pdf", "intake.type-mismatch"),
    ("CLIP.MP4", 10, "text/plain", "intake.type-mismatch"),
    ("foto.jpg", 10, "application/pdf", "intake.type-mismatch"),
    ("foto.jpg", 10, "application/octet-stream", "intake.type-mismatch"),
    ("clip.mp4", 10, "video/mp4", None),
    ("voice.m4a", 10, "audio/x-m4a", None),
    ("foto.jpeg", 10, "image/png", None),  # a picture all the same
    ("chat.txt", 10, "application/pdf", None),  # text formats are not checked
    ("noextension", 10, "application/pdf", None),
])
def test_oddities(name: str, size: int, media_type: str, code: str | None) -> None:
    found = oddities(name, size, media_type)
    assert [p.code for p in found] == ([code] if code else [])
    assert all(p.severity is Severity.WARNING for p in found)


def test_the_cli_says_what_is_odd_in_the_users_language(case_vault: Path, tmp_path: Path,
                                                        cli: Cli) -> None:
    empty, clip, photo = tmp_path / "leeg.txt", tmp_path / "opname.mp4", tmp_path / "foto.jpg"
    empty.write_bytes(b"")
    clip.write_bytes(PDF)
    photo.write_bytes(png_bytes())
    result = cli("--lang", "nl", "add", str(empty), str(clip), str(photo))
    assert result.code == 0, result.err
    said = result.out + result.err
    assert "Dit bestand is leeg (0 bytes)" in said
    assert "eindigt op .mp4, wat meestal een video is" in said and "application/pdf" in said
    assert "foto.jpg" in said and "eindigt op .jpg" not in said  # a PNG is a picture
    again = cli("--lang", "nl", "add", str(clip))
    assert again.code == 0 and "E-0002" in again.out + again.err
    items = json.loads(cli("items", "--json").out)
    assert len(items) == 3  # the duplicate was not added again
    shown = cli("--lang", "nl", "show", "E-0002").out
    assert "eindigt op .mp4" in shown
