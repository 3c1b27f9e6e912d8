"""Notes are sealed items with an event at the time the user gave."""

from __future__ import annotations

import json
from pathlib import Path

from spoorvast.model.instant import OffsetSource, Precision
from spoorvast.services.notes import NoteKind, notes
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli


def test_note_add_list_and_verify(case_vault: Path, cli: Cli) -> None:
    added = cli("note", "add", "--kind", "observation", "--at", "2026-03-04 21:00",
                "--url", "https://social.example/p/1", "I saw the synthetic post")
    assert added.code == 0, added.err
    assert "E-0001" in added.out
    action = cli("note", "add", "--kind", "requested-action", "--at", "05/03/2026 10:30",
                 "--amount", "150,50", "--currency", "EUR", "--to-account", "BE00 0000",
                 "--images-sent", "I paid what was asked")
    assert action.code == 0, action.err
    listed = json.loads(cli("note", "list", "--json").out)
    assert [(n["item"], n["kind"], n["at"]) for n in listed] == [
        ("E-0001", "observation", "2026-03-04T21:00+01:00"),
        ("E-0002", "requested-action", "2026-03-05T10:30+01:00")]
    with open_vault(case_vault, PASSPHRASE, writable=False) as vault:
        case = vault.store.cases()[0]
        (_, note), = notes(vault, case, NoteKind.REQUESTED_ACTION)
        assert (note.amount, note.currency, note.images_sent) == ("150,50", "EUR", True)
        event = vault.store.events(case.id or 0)[0]
        assert event.instant is not None
        assert (event.instant.source, event.instant.precision) == (OffsetSource.USER,
                                                                  Precision.MINUTE)
    assert cli("verify").code == 0
    timeline = json.loads(cli("timeline", "--json").out)
    assert [r["kind"] for r in timeline["rows"]] == ["observation", "requested-action"]


def test_bad_input_is_refused_clearly(case_vault: Path, cli: Cli) -> None:
    bad_time = cli("note", "add", "--at", "yesterday-ish", "text")
    assert bad_time.code == 2 and "yesterday-ish" in bad_time.err
    bad_amount = cli("note", "add", "--kind", "requested-action", "--amount", "lots", "x")
    assert bad_amount.code == 2 and "lots" in bad_amount.err
    empty = cli("note", "add", "  ")
    assert empty.code == 2
    assert json.loads(cli("items", "--json").out) == []
