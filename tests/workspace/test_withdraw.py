"""Withdraw and correct, never delete: every listing leaves out withdrawn and superseded
items, the sealed originals stay, every step is in the custody log, verify checks it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spoorvast.dossier.gather import gather
from spoorvast.dossier.model import DossierOptions
from spoorvast.errors import UserError
from spoorvast.model.conversation import EventQuery
from spoorvast.model.records import Case, IdentifierKind, Item, ItemKind, PartyRole
from spoorvast.services import checklist, patterns, timeline, withdrawals
from spoorvast.services import events as event_service
from spoorvast.services.notes import Note, NoteKind, add_note, correct_note, notes, read_note
from spoorvast.services.timeline import TimelineFilter
from spoorvast.services.verify import verify
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault
from tests.conftest import Cli
from tests.workspace.conftest import Builder


def _chat(vault: Vault, case: Case, build: Builder) -> tuple[Item, Item]:
    """Two conversations by one suspect: the first is later withdrawn."""
    suspect = build.party(PartyRole.SUSPECT, "X")
    phone = build.ident(IdentifierKind.PHONE, "+32470999999", suspect)
    wrong, kept = build.item(ItemKind.CONVERSATION), build.item(ItemKind.CONVERSATION)
    build.events(wrong, [("message", "2026-03-01 10:00", phone.id),
                         ("call", "2026-03-01 11:00", phone.id)])
    build.events(kept, [("message", "2026-03-02 10:00", phone.id)])
    return wrong, kept


def test_withdrawn_item_leaves_every_listing(vault: Vault, case: Case,
                                            build: Builder) -> None:
    wrong, kept = _chat(vault, case, build)
    cid = case.id or 0
    withdrawals.withdraw(vault, case, wrong, "  wrong chat, not this suspect ")
    assert [i.label for i in withdrawals.current_items(vault, case)] == [kept.label]
    assert [i.label for i in vault.store.items(cid)] == [wrong.label, kept.label]  # register
    # timeline
    rows = timeline.page(vault, case, TimelineFilter()).rows
    assert [r.item_label for r in rows] == [kept.label]
    assert timeline.page(vault, case, TimelineFilter()).total == 1
    # search
    found = event_service.search(vault, case, EventQuery(cid, text="text"))
    assert [h.event.item_id for h in found.hits] == [kept.id]
    # patterns and day/actor counts
    assert patterns.compute(vault, case).total == 1
    assert sum(d.count for d in vault.store.day_counts(cid)) == 1
    assert sum(a.count for a in vault.store.actor_counts(cid)) == 1
    assert len(vault.store.events(cid)) == 1
    # checklist: the withdrawn chat's call no longer counts
    assert wrong.id not in vault.store.event_kinds_by_item(cid, ("message", "call"))
    elements = {e.id: e for e in checklist.compute(vault, case)}
    assert all(wrong.label not in e.items for e in elements.values())
    # the item's own events are still there, by name
    assert len(vault.store.events(cid, wrong.id)) == 2
    assert vault.store.count_events(EventQuery(cid, item_ids=(wrong.id or 0,))) == 2
    # the record and custody
    (withdrawal,) = vault.store.withdrawals(cid)
    assert withdrawal.reason == "wrong chat, not this suspect"
    actions = [e.action for e in vault.store.custody_for(case_chain(cid), wrong.label)]
    assert actions[-1] == "item.withdrawn"
    assert verify(vault).ok


def test_restore_brings_it_back_and_both_steps_are_logged(vault: Vault, case: Case,
                                                         build: Builder) -> None:
    wrong, _kept = _chat(vault, case, build)
    cid = case.id or 0
    withdrawals.withdraw(vault, case, wrong, "mistake")
    withdrawals.restore(vault, case, wrong, "it was the right chat after all")
    assert len(withdrawals.current_items(vault, case)) == 2
    assert patterns.compute(vault, case).total == 3
    assert vault.store.withdrawals(cid) == []
    actions = [e.action for e in vault.store.custody_for(case_chain(cid), wrong.label)]
    assert actions[-2:] == ["item.withdrawn", "item.restored"]
    assert verify(vault).ok
    with pytest.raises(UserError, match="not withdrawn"):
        withdrawals.restore(vault, case, wrong)


def test_withdraw_refuses_what_makes_no_sense(vault: Vault, case: Case,
                                             build: Builder) -> None:
    wrong, _kept = _chat(vault, case, build)
    with pytest.raises(UserError, match="reason"):
        withdrawals.withdraw(vault, case, wrong, "   ")
    with pytest.raises(UserError, match="too long"):
        withdrawals.withdraw(vault, case, wrong, "x" * 2001)
    withdrawals.withdraw(vault, case, wrong, "mistake")
    with pytest.raises(UserError, match="already withdrawn"):
        withdrawals.withdraw(vault, case, wrong, "again")
    assert len(vault.store.withdrawals(case.id or 0)) == 1


def _note(text: str) -> Note:
    from spoorvast.model import instant

    return Note(NoteKind.OBSERVATION, text, instant.from_user_text("2026-03-04 21:00",
                                                                   "Europe/Brussels"))


def test_corrected_note_shows_the_latest_and_keeps_the_first(vault: Vault, case: Case) -> None:
    first = add_note(vault, case, _note("I saw the psot"))
    second = correct_note(vault, case, first, _note("I saw the post"), "typo")
    cid = case.id or 0
    assert [(i.label, n.text) for i, n in notes(vault, case)] == [(second.label, "I saw the post")]
    assert read_note(vault, first).text == "I saw the psot"  # still sealed
    assert [r.item_label for r in timeline.page(vault, case, TimelineFilter()).rows] == [
        second.label]
    state = withdrawals.standing(vault, case)
    assert state.earlier(second.id or 0) == [first.id]
    assert state.latest(first.id or 0) == second.id
    entry = vault.store.custody_for(case_chain(cid), second.label)[-1]
    assert entry.action == "item.corrected" and entry.payload["supersedes"] == first.label
    with pytest.raises(UserError, match="already corrected"):
        correct_note(vault, case, first, _note("again"), "typo")
    with pytest.raises(UserError, match="corrected by"):
        withdrawals.withdraw(vault, case, first, "no")
    third = correct_note(vault, case, second, _note("I saw the post at 21:00"), "time")
    assert withdrawals.standing(vault, case).earlier(third.id or 0) == [second.id, first.id]
    assert verify(vault).ok


def test_dossier_leaves_out_withdrawn_and_says_an_earlier_version_exists(
        vault: Vault, case: Case) -> None:
    gone = add_note(vault, case, _note("Written in the wrong case"))
    first = add_note(vault, case, _note("I saw the psot"))
    second = correct_note(vault, case, first, _note("I saw the post"), "typo")
    withdrawals.withdraw(vault, case, gone, "wrong case")
    dossier = gather(vault, case, DossierOptions("en"), lambda _step: None)
    assert [v.item.label for v in dossier.items] == [second.label]
    assert any(first.label in f and "earlier version" in f for f in dossier.items[0].findings)
    assert len(dossier.notes) == 1
    actions = [e.action for e in dossier.custody]
    assert "item.withdrawn" in actions and "item.corrected" in actions


def test_typed_call_can_be_corrected(vault: Vault, case: Case) -> None:
    wrong = event_service.add_call(vault, case, "0470 12 34 56", "2026-03-04 22:15", "in")
    right = event_service.add_call(vault, case, "0470 12 34 57", "2026-03-04 22:15", "in",
                                   corrects=wrong, reason="one digit wrong")
    calls = event_service.calls(vault, case)
    assert [c.number for c in calls] == ["+32470123457"]
    elements = {e.id: e for e in checklist.compute(vault, case)}
    assert all("+32470123456" not in e.identifiers for e in elements.values())
    assert withdrawals.standing(vault, case).earlier(right.id or 0) == [wrong.id]
    with pytest.raises(UserError, match="not a typed call"):
        note = add_note(vault, case, _note("x"))
        event_service.add_call(vault, case, "0470 12 34 58", "2026-03-04 22:15", "in",
                               corrects=note, reason="r")
    assert verify(vault).ok


def test_verify_sees_a_withdrawal_without_custody(vault: Vault, case: Case,
                                                 build: Builder) -> None:
    wrong, _kept = _chat(vault, case, build)
    from spoorvast.model import instant
    from spoorvast.storage.sqlite_rows import dumps

    vault.store.conn.execute("INSERT INTO withdrawals VALUES (?, ?, ?, ?)",
                             (wrong.id, case.id, dumps(instant.now("UTC")), "hidden quietly"))
    codes = {(p.code, p.subject) for p in verify(vault).problems}
    assert ("row-without-custody", f"withdrawal #{wrong.id}") in codes


def test_verify_sees_a_restore_without_custody(vault: Vault, case: Case,
                                              build: Builder) -> None:
    wrong, _kept = _chat(vault, case, build)
    withdrawals.withdraw(vault, case, wrong, "mistake")
    vault.store.conn.execute("DELETE FROM withdrawals")
    codes = {(p.code, p.subject) for p in verify(vault).problems}
    assert ("row-missing", f"withdrawal #{wrong.id}") in codes


def test_verify_sees_a_changed_reason_and_a_bent_correction(vault: Vault, case: Case) -> None:
    first = add_note(vault, case, _note("one"))
    second = correct_note(vault, case, first, _note("two"), "typo")
    later = add_note(vault, case, _note("three"))
    withdrawals.withdraw(vault, case, second, "all of it was wrong")
    vault.store.conn.execute("UPDATE withdrawals SET reason = 'something else'")
    vault.store.conn.execute("UPDATE corrections SET supersedes = ?", (later.id,))
    codes = {(p.code, p.subject) for p in verify(vault).problems}
    assert ("row-changed", f"withdrawal #{second.id}") in codes
    assert ("row-changed", f"correction #{second.id}") in codes
    assert ("correction-inconsistent", second.label) in codes


def test_verify_sees_withdrawals_out_of_order(vault: Vault, case: Case,
                                             build: Builder) -> None:
    wrong, _kept = _chat(vault, case, build)
    with vault.store.transaction() as tx:  # a restore logged for an item never withdrawn
        tx.log(case_chain(case.id or 0), "item.restored", wrong.label,
               {"record": "withdrawal", "id": wrong.id, "data": None})
    found = [(p.code, p.subject) for p in verify(vault).problems]
    assert found == [("withdrawal-out-of-order", wrong.label)]


@pytest.mark.slow
def test_cli_withdraw_restore_and_items_all(case_vault: Path, cli: Cli) -> None:
    assert cli("note", "add", "--at", "2026-03-04 21:00", "Wrong case note").code == 0
    assert cli("note", "add", "--at", "2026-03-05 21:00", "Kept note").code == 0
    refused = cli("withdraw", "E-0001", "--reason", " ")
    assert refused.code == 2 and "reason" in refused.err
    done = cli("withdraw", "E-0001", "--reason", "written in the wrong case")
    assert done.code == 0 and "E-0001" in done.out, done.err
    assert [i["item"] for i in json.loads(cli("items", "--json").out)] == ["E-0002"]
    listed = cli("items")
    assert "E-0001" not in listed.out and "items --all" in listed.err
    every = json.loads(cli("items", "--all", "--json").out)
    assert [(i["item"], i["state"]["status"]) for i in every] == [
        ("E-0001", "withdrawn"), ("E-0002", "current")]
    assert every[0]["state"]["reason"] == "written in the wrong case"
    assert "withdrawn" in cli("items", "--all").out
    shown = cli("show", "E-0001")
    assert "Withdrawn" in shown.out and "written in the wrong case" in shown.out
    timeline = json.loads(cli("timeline", "--json").out)
    assert [r["item"] for r in timeline["rows"]] == ["E-0002"]
    assert cli("verify").code == 0
    assert cli("restore", "E-0001", "--reason", "it was right").code == 0
    assert len(json.loads(cli("items", "--json").out)) == 2
    again = cli("restore", "E-0001")
    assert again.code == 2 and "not withdrawn" in again.err
    custody = json.loads(cli("show", "E-0001", "--json").out)["custody"]
    assert [c["action"] for c in custody][-2:] == ["item.withdrawn", "item.restored"]
    assert cli("verify").code == 0


def test_cli_note_and_call_correct(case_vault: Path, cli: Cli) -> None:
    assert cli("note", "add", "--at", "2026-03-04 21:00", "--reference", "PV 12",
               "I saw the psot").code == 0
    fixed = cli("note", "correct", "E-0001", "I saw the post", "--reason", "typo")
    assert fixed.code == 0 and "E-0002" in fixed.out, fixed.err
    listed = json.loads(cli("note", "list", "--json").out)
    assert [(n["item"], n["text"], n["reference"], n["at"]) for n in listed] == [
        ("E-0002", "I saw the post", "PV 12", "2026-03-04T21:00+01:00")]
    shown = cli("show", "E-0002")
    assert "E-0001" in shown.out and "earlier version" in shown.out
    assert "E-0002" in cli("show", "E-0001").out
    twice = cli("note", "correct", "E-0001", "again", "--reason", "typo")
    assert twice.code == 2 and "E-0002" in twice.err
    assert cli("call", "add", "--number", "0470 12 34 56", "--at", "2026-03-04 22:15",
               "--direction", "in").code == 0
    not_a_note = cli("note", "correct", "E-0003", "x", "--reason", "r")
    assert not_a_note.code == 2
    call = cli("call", "correct", "E-0003", "--number", "0470 12 34 57", "--at",
               "2026-03-04 22:15", "--direction", "in", "--reason", "one digit wrong")
    assert call.code == 0, call.err
    calls = json.loads(cli("calls", "--json").out)
    assert [c["number"] for c in calls] == ["+32470123457"]
    assert cli("verify").code == 0


def _picture(vault: Vault, case: Case, n: int) -> Item:
    from spoorvast.model import instant
    from spoorvast.model.records import Artifact, ArtifactRole
    from tests.conftest import png_bytes

    blob = vault.blobs.ingest_bytes(png_bytes(text_seed=n))
    at = instant.now(case.time_zone)
    with vault.store.transaction() as tx:
        return tx.add_item(Item(None, case.id or 0, 0, ItemKind.IMAGE, f"shot{n}.png", at,
                                "test"),
                           [Artifact(None, None, ArtifactRole.ORIGINAL, "image/png", blob.size,
                                     blob.sha256, f"shot{n}.png", at)])


def test_ocr_text_search_and_review_leave_out_withdrawn_pictures(vault: Vault,
                                                                case: Case) -> None:
    from datetime import date

    from spoorvast.analysis.ocr import analyse
    from spoorvast.services import ocr, ocr_review
    from tests.ocr.test_units import chat_page

    shots = [_picture(vault, case, n) for n in (1, 2)]
    for task in ocr.pending(vault, case):
        ocr.store(vault, case, task, analyse(chat_page(), "test", date(2024, 3, 12), "BE"))
    assert [i.id for i, _text in ocr.ocr_texts(vault, case)] == [s.id for s in shots]
    before = ocr_review.proposals(vault, case)
    assert {p.item.id for p in before} == {s.id for s in shots}
    withdrawals.withdraw(vault, case, shots[0], "not from this person")
    assert [i.id for i, _text in ocr.ocr_texts(vault, case)] == [shots[1].id]
    assert {p.item.id for p in ocr_review.proposals(vault, case)} == {shots[1].id}
    assert ocr_review.proposals(vault, case, shots[0])  # by name, still reviewable
    third = _picture(vault, case, 3)
    withdrawals.withdraw(vault, case, third, "wrong picture")
    assert ocr.pending(vault, case) == []  # a withdrawn picture is not read


@pytest.mark.slow
def test_dossier_bundle_without_the_withdrawn_item_still_verifies(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    import subprocess

    assert cli("note", "add", "--at", "2026-03-04 21:00", "Wrong case note").code == 0
    assert cli("note", "add", "--at", "2026-03-05 21:00", "I saw the psot").code == 0
    assert cli("withdraw", "E-0001", "--reason", "wrong case").code == 0
    assert cli("note", "correct", "E-0002", "I saw the post", "--reason", "typo").code == 0
    done = cli("dossier", "--lang", "en", "--out", str(tmp_path / "out"))
    assert done.code == 0, done.err
    (folder,) = [p for p in (tmp_path / "out").iterdir() if p.is_dir()]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [i["label"] for i in manifest["items"]] == ["E-0003"]
    assert any("earlier version" in f and "E-0002" in f
               for f in manifest["items"][0]["findings"])
    text = subprocess.run(["pdftotext", "DOSSIER.pdf", "-"], cwd=folder, capture_output=True,
                          text=True, check=True).stdout
    assert "Wrong case note" not in text and "I saw the psot" not in text
    assert "I saw the post" in text
    checked = cli("verify-bundle", str(folder))
    assert checked.code == 0, checked.err
