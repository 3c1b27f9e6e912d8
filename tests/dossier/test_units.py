"""Units on hostile input: bundle names, custody lines, metadata stripping (hypothesis),
and verify-bundle on things that are not bundles."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from spoorvast.dossier import custody_log
from spoorvast.dossier.disclosure import NotStrippable, strip_metadata
from spoorvast.dossier.names import NameSpace, safe_name
from spoorvast.dossier.sections import may_hold_email
from spoorvast.dossier.verify import safe_rel, verify_bundle
from spoorvast.model import instant
from spoorvast.model.custody import chain_next
from spoorvast.model.records import Artifact, ArtifactRole


@given(st.text(max_size=300))
def test_safe_name_is_one_plain_component(name: str) -> None:
    safe = safe_name(name)
    assert safe and "/" not in safe and "\\" not in safe and "\n" not in safe
    assert not safe.startswith(".") and len(safe.encode()) <= 120


def test_names_never_collide() -> None:
    names = NameSpace()
    got = {names.claim("originals/E-0001", n) for n in ("a.png", "A.png", "a.png", "a/png")}
    assert len(got) == 4


@given(st.binary(max_size=600))
@settings(max_examples=300)
def test_custody_checker_never_crashes(data: bytes) -> None:
    list(custody_log.check_lines(data))


def test_custody_lines_round_trip_and_detect_reordering() -> None:
    entries, head = [], None
    for n in range(4):
        head = chain_next(head, "case-1", "x", f"s{n}", {"v": n, "f": 1.5, "hash": "in payload"},
                          "test")
        entries.append(head)
    data = custody_log.write_lines(entries)
    assert list(custody_log.check_lines(data)) == []
    lines = data.splitlines(keepends=True)
    swapped = b"".join([lines[0], lines[2], lines[1], lines[3]])
    assert {p.code for p in custody_log.check_lines(swapped)} >= {"broken-link", "gap"}


@given(st.binary(max_size=2000))
@settings(max_examples=300)
def test_strip_metadata_never_crashes(data: bytes) -> None:
    for media_type in ("image/jpeg", "image/png"):
        try:
            strip_metadata(b"\xff\xd8" + data, media_type)
            strip_metadata(b"\x89PNG\r\n\x1a\n" + data, media_type)
        except NotStrippable:
            pass


def test_png_text_chunks_are_dropped_pixels_kept() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "synthetic location 50.8N")
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(buffer, "PNG", pnginfo=info)
    stripped = strip_metadata(buffer.getvalue(), "image/png")
    assert b"synthetic location" not in stripped.data and stripped.removed == ("text",)
    with Image.open(io.BytesIO(stripped.data)) as image:
        assert image.size == (20, 10)


def test_unsafe_paths_are_refused() -> None:
    assert safe_rel("derived/E-0001/analysis/capture.json")
    for bad in ("../x", "/etc/passwd", "-in", "a/../../b"):
        assert not safe_rel(bad)


def test_verify_bundle_on_non_bundles(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert [p.code for p in verify_bundle(tmp_path / "empty").problems] == ["no-sums"]
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("b/SHA256SUMS", "0" * 64 + "  ../../etc/passwd\nnot a line\n")
    codes = sorted(p.code for p in verify_bundle(archive).problems)
    assert codes == ["bad-line", "missing", "missing", "missing"]


def test_only_items_that_can_hold_an_email_report_ask_for_one() -> None:
    """``email_report`` loads the e-mail analysis for its mbox branch: the dossier asks
    it only for a stored JSON analysis or a message taken from an mbox."""
    at = instant.from_epoch(1_772_400_000, "Europe/Brussels")

    def art(role: ArtifactRole, media: str, name: str, source: str | None = None
            ) -> Artifact:
        return Artifact(None, 1, role, media, 10, "ab" * 32, name, at, source)

    picture = art(ArtifactRole.ORIGINAL, "image/png", "a.png")
    assert not may_hold_email((picture, art(ArtifactRole.OCR_TEXT, "text/plain", "a.txt")))
    assert not may_hold_email((art(ArtifactRole.ORIGINAL, "message/rfc822", "a.eml"),))
    assert may_hold_email((picture, art(ArtifactRole.ANALYSIS, "application/json",
                                        "headers.json")))
    assert may_hold_email((art(ArtifactRole.ORIGINAL, "message/rfc822", "1.eml",
                               "cd" * 32),))
