"""The OCR job end to end through the CLI: read, propose, confirm, reject, verify;
harmful pictures blurred inside the vault; near-duplicates."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageFilter, ImageStat

from spoorvast.model.records import ArtifactRole, IdentifierKind, IdentifierStatus
from spoorvast.services import cases as case_service
from spoorvast.services.ocr import ocr_texts
from spoorvast.storage import vault as vaultlib
from tests.conftest import PASSPHRASE, Cli, files_under
from tests.ocr.accuracy import accuracy
from tests.ocr.chats import FR, NL
from tests.ocr.render import render

pytestmark = pytest.mark.slow


def save(path: Path, image: Image.Image, kind: str, **options: object) -> Path:
    image.save(path, kind, **options)
    return path


@pytest.fixture
def screenshots(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "shots"
    folder.mkdir()
    nl = render(NL.chat)
    paths = [save(folder / "a-nl.png", nl, "PNG"),
             save(folder / "b-nl.jpg", nl, "JPEG", quality=85),
             save(folder / "c-fr.png", render(FR.chat), "PNG")]
    cut = paths[0].read_bytes()
    (folder / "d-cut.png").write_bytes(cut[: len(cut) // 2])
    (folder / "e-notes.txt").write_text("not a picture\n")
    return [*paths, folder / "d-cut.png", folder / "e-notes.txt"]


def as_json(cli: Cli, *argv: str) -> object:
    result = cli(*argv, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_ocr_job_proposals_and_decisions(case_vault: Path, cli: Cli,
                                         screenshots: list[Path]) -> None:
    assert cli("add", *map(str, screenshots), "--no-read").code == 0
    read = as_json(cli, "ocr")
    assert [(r["item"], r["messages"], r["identifiers"], r["refused"]) for r in read] == [
        ("E-0001", 5, 5, None), ("E-0002", 5, 5, None), ("E-0003", 4, 5, None),
        ("E-0004", 0, 0, "unreadable")]
    assert as_json(cli, "ocr") == []

    listed = as_json(cli, "proposals", "E-0001")
    messages = [p for p in listed if p["kind"] == "message"]
    assert [m["side"] for m in messages] == [b.side for b in NL.chat.bubbles()]
    assert [m["at"] for m in messages][:2] == ["2024-03-12T21:03+01:00", None] or all(
        m["at"] and m["at"].endswith(("+01:00", "+02:00")) for m in messages)
    assert all(m["shown_time"].startswith("Vandaag ") for m in messages)
    observed = next(p for p in listed if p["kind"] == "observed-at")
    assert observed["ref"] == "E-0001:t" and observed["shown_time"] == "14:32"
    assert observed["file_time"] is not None and observed["at"].split("T")[1][:5] == "14:32"
    idents = {p["identifier_kind"]: p for p in listed if p["kind"] == "identifier"}
    assert {k: p["text"] for k, p in idents.items()} == {
        "phone": "+32470123456", "email": "sam.peeters@example.be",
        "account": "@sampeeters88", "url": "https://example.org/p/12345",
        "name": "Sam Peeters"}
    assert all(p["provenance"].startswith("read from screenshot E-0001, region x=")
               for p in listed)

    phone = idents["phone"]["ref"]
    assert cli("confirm", "E-0001:p3", phone).code == 0
    assert cli("reject", "E-0001:p1", idents["name"]["ref"]).code == 0
    refused = cli("reject", "e-1:P3")
    assert refused.code == 2 and "already confirmed" in refused.err
    assert cli("confirm", "E-0001:p9").code == 6
    assert cli("confirm", "nonsense").code == 6

    states = {p["ref"]: p["state"] for p in as_json(cli, "proposals", "E-0001", "--all")}
    assert states["E-0001:p1"] == "rejected" and states["E-0001:p3"] == "confirmed"
    assert states[phone] == "confirmed" and states[idents["name"]["ref"]] == "rejected"
    assert states["E-0001:p2"] == "proposed" and states["E-0001:t"] == "proposed"

    assert cli("confirm", "E-0001").code == 0  # every open proposal of the picture
    assert {p["ref"] for p in as_json(cli, "proposals", "E-0001")} == set()
    assert cli("verify").code == 0

    with vaultlib.open_vault(case_vault, PASSPHRASE, writable=False) as vault:
        case = case_service.current_case(vault)
        item = case_service.find_item(vault, case, "E-0001")
        events = vault.store.events(case.id or 0, item.id)
        identifiers = vault.store.identifiers(case.id or 0)
        texts = dict((i.label, t) for i, t in ocr_texts(vault, case))
    kinds = sorted(e.kind for e in events)
    assert kinds == ["message"] * 4 + ["observed-at"]
    third = next(e for e in events if dict(e.details).get("proposal") == "p3")
    assert accuracy(third.text, NL.chat.bubbles()[2].text) >= 0.9
    assert third.instant is not None and third.instant.raw == "Vandaag 21:06"
    assert third.location is not None and third.location.region is not None
    assert dict(third.details)["screenshot"] == "E-0001"
    assert dict(third.details)["side"] == "left"
    statuses = {(i.kind, i.value): i.status for i in identifiers if i.item_id == item.id}
    assert statuses[(IdentifierKind.PHONE, "+32470123456")] is IdentifierStatus.CONFIRMED
    assert statuses[(IdentifierKind.NAME, "Sam Peeters")] is IdentifierStatus.REJECTED
    assert set(texts) == {"E-0001", "E-0002", "E-0003"}
    assert accuracy(texts["E-0003"], FR.chat.expected_text()) >= 0.9

    shown = as_json(cli, "show", "E-0004")
    assert "ocr.image-unreadable" in {f["code"] for f in shown["findings"]}
    assert "ocr-text" in {a["role"] for a in shown["artifacts"]}
    text = cli("ocr-text", "E-0003")
    assert text.code == 0 and "camille.d@example.fr" in text.out


def test_harmful_pictures_get_a_blurred_preview_inside_the_vault(
        case_vault: Path, cli: Cli, screenshots: list[Path], tmp_path: Path) -> None:
    assert cli("add", str(screenshots[0]), str(screenshots[3]), "--no-read").code == 0
    for label in ("E-0001", "E-0002"):
        result = cli("harmful", label)
        assert result.code == 0 and "marked harmful" in result.out
    assert cli("harmful", "E-0001").code == 0  # once is enough: the same preview
    with vaultlib.open_vault(case_vault, PASSPHRASE, writable=False) as vault:
        case = case_service.current_case(vault)
        previews = []
        for label in ("E-0001", "E-0002"):
            item = case_service.find_item(vault, case, label)
            found = [a for a in vault.store.artifacts(item.id or 0)
                     if a.role is ArtifactRole.BLURRED_PREVIEW]
            assert len(found) == 1
            previews.append(Image.open(io.BytesIO(vault.blobs.read_bytes(found[0].sha256))))
        custody = vault.store.custody_for(f"case-{case.id}", "E-0001")
    assert [e.action for e in custody].count("item.marked-harmful") == 1
    blurred, placeholder = previews
    assert max(blurred.size) == 320 and blurred.size[0] < blurred.size[1]
    original = render(NL.chat)
    original.thumbnail((320, 320))
    assert _edges(blurred) < _edges(original) / 5  # no legible text is left
    assert placeholder.getcolors() == [(320 * 320, (128, 128, 128))]
    assert cli("verify").code == 0
    outside = [p for p in files_under(tmp_path) if p.suffix == ".png"
               and not p.is_relative_to(tmp_path / "shots")]
    assert outside == []


def _edges(image: Image.Image) -> float:
    edges = image.convert("L").filter(ImageFilter.FIND_EDGES)
    return float(ImageStat.Stat(edges).mean[0])


def test_near_duplicates(case_vault: Path, cli: Cli, screenshots: list[Path]) -> None:
    assert cli("add", *map(str, screenshots[:3]), "--no-read").code == 0
    assert as_json(cli, "duplicates") == [["E-0001", "E-0002"]]
    assert cli("ocr").code == 0
    assert as_json(cli, "duplicates") == [["E-0001", "E-0002"]]
    result = cli("duplicates")
    assert result.out.strip() == "E-0001 is also shown by E-0002"
