"""Previews made at intake: a picture added gets its reduced copy for the dossier sealed
beside it (role ``dossier-preview``), with the very bytes the dossier would make; the
dossier decrypts it instead of decoding the picture, makes (and then seals) one that is
missing, damaged or made with other parameters, and never lists it as evidence."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from spoorvast.analysis import picture_preview
from spoorvast.dossier import pdf, thumbs
from spoorvast.dossier.build import make_dossier
from spoorvast.dossier.model import DossierOptions
from spoorvast.importers.registry import builtin_registry
from spoorvast.model import instant
from spoorvast.model.records import Artifact, ArtifactRole, Case, Item, ItemKind, Severity
from spoorvast.services.cases import create_case
from spoorvast.services.intake import add_paths
from spoorvast.storage.vault import Vault, create
from tests.conftest import PASSPHRASE
from tests.storage.tamper import flip_byte

PREVIEW = ArtifactRole.DOSSIER_PREVIEW


def _screenshot(width: int, height: int, seed: int, kind: str = "PNG") -> bytes:
    image = Image.new("RGB", (width, height), (240, 240, 240))
    for row in range(0, height, 40):
        for x in range(20, width - 20 - (row * 7 + seed * 13) % (width // 2), 3):
            image.putpixel((x, row + 10), (30, 60, 200))
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    with create(tmp_path / "vault", PASSPHRASE) as opened:
        yield opened


@pytest.fixture
def case(vault: Vault) -> Case:
    return create_case(vault, "Synthetic case", "nl", "Europe/Brussels")


def _add(vault: Vault, case: Case, folder: Path, files: dict[str, bytes]) -> list[Item]:
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    add_paths(vault, case, [folder / name for name in files], builtin_registry())
    return vault.store.items(case.id or 0)


def _of(vault: Vault, item: Item, role: ArtifactRole) -> list[Artifact]:
    return [a for a in vault.store.artifacts(item.id or 0) if a.role is role]


@pytest.mark.slow  # the intake (libmagic, imagehash with numpy and SciPy): seconds here
def test_intake_seals_the_preview_the_dossier_would_make(vault: Vault, case: Case,
                                                         tmp_path: Path) -> None:
    files = {"tall.png": _screenshot(270, 600, 1), "wide.jpg": _screenshot(900, 300, 2, "JPEG"),
             "note.txt": b"Synthetic note.\n"}
    by_title = {i.title: i for i in _add(vault, case, tmp_path / "in", files)}
    tall, wide, note = by_title["tall.png"], by_title["wide.jpg"], by_title["note.txt"]
    for item, name in ((tall, "tall.png"), (wide, "wide.jpg")):
        [original], [preview] = _of(vault, item, ArtifactRole.ORIGINAL), _of(vault, item, PREVIEW)
        made = picture_preview.from_bytes(files[name])  # as the dossier makes it
        assert vault.blobs.read_bytes(preview.sha256) == made.data
        assert preview.derived_from == original.sha256
        assert preview.media_type == "image/jpeg" and preview.name == made.name
    assert picture_preview.cropped_by_name(_of(vault, tall, PREVIEW)[0].name) is True
    assert picture_preview.cropped_by_name(_of(vault, wide, PREVIEW)[0].name) is False
    assert _of(vault, note, PREVIEW) == []
    with Image.open(io.BytesIO(vault.blobs.read_bytes(_of(vault, wide, PREVIEW)[0].sha256))) as im:
        assert im.size == (800, 267) and not im.getexif()  # scaled; no EXIF carried over


@pytest.mark.slow  # the intake, as above
def test_a_preview_that_fails_is_a_finding_never_a_lost_item(
        vault: Vault, case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(image: Image.Image) -> picture_preview.Made:
        raise OSError("synthetic encoder failure")

    monkeypatch.setattr(picture_preview, "_made", broken)
    [item] = _add(vault, case, tmp_path / "in", {"shot.png": _screenshot(100, 200, 3)})
    assert item.kind is ItemKind.IMAGE and item.media is not None
    assert item.media.perceptual_hash  # the picture itself was read as before
    assert len(_of(vault, item, ArtifactRole.ORIGINAL)) == 1 and _of(vault, item, PREVIEW) == []
    [finding] = vault.store.findings(case.id or 0, item.id or 0)
    assert finding.code == "media.preview-failed" and finding.severity is Severity.INFO
    assert dict(finding.params) == {"reason": "OSError"}  # the kind of error, no content


def _previews(vault: Vault, case: Case, scratch: Path) -> dict[int, thumbs.Preview]:
    scratch.mkdir()
    items = vault.store.items(case.id or 0)
    with pdf.previews_started(vault, items, scratch) as started:
        return pdf.collect(started)


def test_the_dossier_decrypts_a_stored_preview_without_decoding_the_picture(
        vault: Vault, case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    picture = _screenshot(300, 500, 4)
    made = picture_preview.from_bytes(picture)  # as the intake seals it (tested above)
    blob = vault.blobs.ingest_bytes(made.data)
    item = _item_with(vault, case, picture, Artifact(
        None, None, PREVIEW, "image/jpeg", blob.size, blob.sha256, made.name,
        instant.now("UTC")))
    [stored] = _of(vault, item, PREVIEW)

    def no_decoding(data: bytes) -> picture_preview.Made:
        raise AssertionError("the dossier decoded the picture")

    monkeypatch.setattr(picture_preview, "from_bytes", no_decoding)
    found = _previews(vault, case, tmp_path / "scratch")
    preview = found[item.id or 0]
    assert preview.made is None and preview.cropped is False
    assert (tmp_path / "scratch" / preview.path).read_bytes() == vault.blobs.read_bytes(
        stored.sha256)


def _item_with(vault: Vault, case: Case, picture: bytes, preview: Artifact | None) -> Item:
    """An image item as an older vault holds it (its preview, if any, given here)."""
    at = instant.now(case.time_zone)
    blob = vault.blobs.ingest_bytes(picture)
    artifacts = [Artifact(None, None, ArtifactRole.ORIGINAL, "image/png", blob.size,
                          blob.sha256, "old.png", at)]
    if preview is not None:
        artifacts.append(Artifact(None, None, PREVIEW, "image/jpeg", preview.size,
                                  preview.sha256, preview.name, at, blob.sha256))
    with vault.store.transaction() as tx:
        return tx.add_item(Item(None, case.id or 0, 0, ItemKind.IMAGE, "old.png", at, "file"),
                           artifacts)


def _jpeg(vault: Vault, name: str, seed: int) -> Artifact:
    blob = vault.blobs.ingest_bytes(_screenshot(80 + seed, 80, seed, "JPEG"))
    return Artifact(None, None, PREVIEW, "image/jpeg", blob.size, blob.sha256, name,
                    instant.now("UTC"))


def test_missing_outdated_or_damaged_previews_are_made_again(vault: Vault, case: Case,
                                                             tmp_path: Path) -> None:
    pictures = [_screenshot(200, 300 + n, n) for n in range(4)]
    damaged = _jpeg(vault, picture_preview.name_for(False), 5)
    where = vault.blobs.location(damaged.sha256)  # packed or loose: a byte in the middle
    assert where is not None
    flip_byte(where.pack, where.offset + where.length // 2)
    items = [_item_with(vault, case, pictures[0], None),  # an older vault: none
             _item_with(vault, case, pictures[1], _jpeg(vault, "dossier-preview-v0-1100x1100"
                                                        "-q85.jpg", 6)),  # other parameters
             _item_with(vault, case, pictures[2], damaged),
             _item_with(vault, case, pictures[3], _jpeg(vault, picture_preview.name_for(True),
                                                        7))]  # current, but cropped: kept
    found = _previews(vault, case, tmp_path / "scratch")
    for item, picture in zip(items[:3], pictures, strict=False):
        preview = found[item.id or 0]
        assert preview.made == picture_preview.from_bytes(picture).data
        assert (tmp_path / "scratch" / preview.path).read_bytes() == preview.made
    assert found[items[3].id or 0].made is None and found[items[3].id or 0].cropped is True
    kept = thumbs.keep(vault, items, found, case.time_zone)
    assert [item.id for item, _a in kept] == [i.id for i in items[:3]]
    for (_item, artifact), picture in zip(kept, pictures, strict=False):
        assert artifact.role is PREVIEW and artifact.name == picture_preview.name_for(False)
        assert artifact.derived_from == hashlib.sha256(picture).hexdigest()
        assert vault.blobs.read_bytes(artifact.sha256) == picture_preview.from_bytes(picture).data


@pytest.mark.slow  # builds two PDFs
def test_the_dossier_shows_the_pictures_and_lists_no_preview_as_evidence(
        vault: Vault, case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"shot-{n}.png": _screenshot(300, 700, n) for n in range(3)}
    items = _add(vault, case, tmp_path / "in", files)
    old = _item_with(vault, case, _screenshot(250, 400, 9), None)  # made, then sealed
    previews = {a.sha256 for i in items for a in _of(vault, i, PREVIEW)}
    assert len(previews) == 3
    result = make_dossier(vault, case, DossierOptions("nl"), tmp_path / "out")
    reader = PdfReader(result.pdf)
    shown = [image for page in reader.pages for image in page.images]
    assert len(shown) == 4  # every picture, the one of the older item too
    sums = (result.folder / "SHA256SUMS").read_text("utf-8")
    listed = {line.split()[0] for line in sums.splitlines()}
    [made] = _of(vault, vault.store.item_by_id(old.id or 0) or old, PREVIEW)  # sealed after
    assert not (previews | {made.sha256}) & listed and "dossier-preview" not in sums
    manifest = json.loads((result.folder / "manifest.json").read_text("utf-8"))
    roles = {a["role"] for i in manifest["items"] for a in i["artifacts"]}
    assert roles == {"original"}
    assert not any("dossier-preview" in p.as_posix() for p in result.folder.rglob("*"))

    def no_decoding(data: bytes) -> picture_preview.Made:
        raise AssertionError("the dossier decoded a picture")

    monkeypatch.setattr(picture_preview, "from_bytes", no_decoding)  # all sealed now
    again = make_dossier(vault, case, DossierOptions("nl"), tmp_path / "again")
    assert sum(len(page.images) for page in PdfReader(again.pdf).pages) == 4
