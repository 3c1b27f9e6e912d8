"""An observation time read from a picture (``E-0001:t``), confirmed, is corrected like a
message read from it (#24): a new event with the typed time, the earlier one stays
stored and in custody, verify checks the link, the dossier says an earlier reading
exists. The OCR document is built directly (no Tesseract: the reading is not tested
here, the correction is)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from spoorvast.analysis.ocr import clock, document
from spoorvast.analysis.ocr.chat import ChatReading
from spoorvast.analysis.ocr.model import OcrPage
from spoorvast.dossier.gather import _corrected_readings, gather
from spoorvast.dossier.model import DossierOptions
from spoorvast.errors import UserError
from spoorvast.model import instant
from spoorvast.model.records import Artifact, ArtifactRole, Case, Item, ItemKind
from spoorvast.services import ocr_corrections, ocr_review
from spoorvast.services.verify import verify
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault
from tests.workspace.conftest import Builder


def _screenshot(vault: Vault, case: Case, build: Builder) -> Item:
    shot = build.item(ItemKind.IMAGE)
    reading = document.OcrDocument(
        "tesseract test", OcrPage(1080, 2400, (), "eng"),
        ChatReading(clock.ClockTime(14, 32, "14:32", 0, 5), (10, 10, 80, 30)), ())
    blob = vault.blobs.ingest_bytes(document.encode(reading))
    with vault.store.transaction() as tx:
        tx.add_artifact(shot, Artifact(None, shot.id, ArtifactRole.OCR_TEXT,
                                       document.MEDIA_TYPE, blob.size, blob.sha256,
                                       "ocr.json", instant.now(case.time_zone)))
    return shot


def _confirmed(vault: Vault, case: Case, build: Builder) -> Item:
    shot = _screenshot(vault, case, build)
    proposal = ocr_review.find(vault, case, f"{shot.label}:t")
    assert proposal.kind is ocr_review.Kind.OBSERVED
    ocr_review.confirm(vault, case, proposal)
    return shot


def _observed(vault: Vault, case: Case) -> list[Any]:
    return [e for e in vault.store.events(case.id or 0) if e.kind == "observed-at"]


def test_an_observation_time_is_corrected_as_a_new_event(vault: Vault, case: Case,
                                                         build: Builder) -> None:
    shot = _confirmed(vault, case, build)
    [before] = _observed(vault, case)
    assert before.instant is not None and before.instant.local.strftime("%H:%M") == "14:32"
    new = ocr_corrections.correct(vault, case, f"{shot.label}:t", "2024-03-12 14:37",
                                  "the clock was read wrong")
    [listed] = _observed(vault, case)
    assert listed.id == new.id != before.id
    assert listed.instant is not None
    assert listed.instant.local.replace(tzinfo=None) == datetime(2024, 3, 12, 14, 37)
    assert listed.instant.source is instant.OffsetSource.USER
    assert dict(listed.details)["read_as"] == before.instant.isoformat()
    assert dict(listed.details)["proposal"] == "t"
    stored = vault.store.events(case.id or 0, shot.id)
    assert [e.id for e in stored] == [before.id, new.id]  # the earlier one stays
    [fix] = vault.store.event_corrections(case.id or 0)
    assert (fix.event_id, fix.supersedes, fix.reason) == (new.id, before.id,
                                                          "the clock was read wrong")
    actions = [e.action for e in vault.store.custody(case_chain(case.id or 0))]
    assert actions[-1] == "event.corrected"
    assert verify(vault).ok


def test_a_time_correction_is_refused_when_it_changes_nothing_or_is_no_time(
        vault: Vault, case: Case, build: Builder) -> None:
    shot = _confirmed(vault, case, build)
    [before] = _observed(vault, case)
    assert before.instant is not None
    same = before.instant.local.strftime("%Y-%m-%d %H:%M")
    with pytest.raises(UserError, match="same"):
        ocr_corrections.correct(vault, case, f"{shot.label}:t", same, "why")
    with pytest.raises(UserError, match="not a date"):
        ocr_corrections.correct(vault, case, f"{shot.label}:t", "half past two", "why")
    assert len(vault.store.events(case.id or 0, shot.id)) == 1


def test_an_unconfirmed_time_cannot_be_corrected(vault: Vault, case: Case,
                                                 build: Builder) -> None:
    shot = _screenshot(vault, case, build)
    with pytest.raises(UserError, match="not confirmed"):
        ocr_corrections.correct(vault, case, f"{shot.label}:t", "2024-03-12 14:37", "why")


def test_verify_finds_a_time_correction_linking_another_picture(
        vault: Vault, case: Case, build: Builder) -> None:
    shot = _confirmed(vault, case, build)
    new = ocr_corrections.correct(vault, case, f"{shot.label}:t", "2024-03-12 14:37", "x")
    other = build.item(ItemKind.IMAGE)
    vault.store.conn.execute("UPDATE event_rows SET item_id = ? WHERE id = ?",
                             (other.id, new.id))
    vault.store.conn.commit()
    assert "event-correction-inconsistent" in {p.code for p in verify(vault).problems}


def test_the_dossier_says_an_earlier_time_reading_exists(vault: Vault, case: Case,
                                                         build: Builder) -> None:
    shot = _confirmed(vault, case, build)
    ocr_corrections.correct(vault, case, f"{shot.label}:t", "2024-03-12 14:37", "misread")
    dossier = gather(vault, case, DossierOptions("en"), lambda _step: None)
    view = next(v for v in dossier.items if v.item.id == shot.id)
    assert any("observation time read from this picture was corrected" in n
               and "misread" in n for n in view.findings)


def test_corrected_readings_look_events_up_by_id_only(vault: Vault, case: Case,
                                                      build: Builder,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The dossier's notice no longer reads every event of the case (item 4)."""
    shot = _confirmed(vault, case, build)
    ocr_corrections.correct(vault, case, f"{shot.label}:t", "2024-03-12 14:37", "one")
    ocr_corrections.correct(vault, case, f"{shot.label}:t", "2024-03-12 14:38", "two")
    reads: list[int | None] = []
    store_events = vault.store.events

    def counted(case_id: int, item_id: int | None = None) -> list[Any]:
        reads.append(item_id)
        return store_events(case_id, item_id)

    monkeypatch.setattr(vault.store, "events", counted)
    notices = _corrected_readings(vault, case.id or 0)
    assert reads == []
    [said] = notices[shot.id or 0]
    assert "two" in said and "one" not in said  # corrected twice: the latest counts
