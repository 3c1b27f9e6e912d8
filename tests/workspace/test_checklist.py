"""The checklist is computed from the case's data: empty, partial, complete."""

from __future__ import annotations

import json
from pathlib import Path

from spoorvast.model.records import ArtifactRole, IdentifierKind, ItemKind, PartyRole
from spoorvast.services import checklist
from spoorvast.services.checklist import ELEMENTS, Status
from spoorvast.services.notes import Note, NoteKind, add_note
from spoorvast.services.verify import verify
from spoorvast.storage.vault import Vault
from tests.conftest import Cli
from tests.workspace.conftest import Builder


def statuses(vault: Vault, case: object) -> dict[str, Status]:
    return {e.id: e.status for e in checklist.compute(vault, case)}  # type: ignore[arg-type]


def test_empty_case_misses_everything(vault: Vault, case: object) -> None:
    assert statuses(vault, case) == dict.fromkeys(ELEMENTS, Status.MISSING)


def test_partial_case(vault: Vault, case: object, build: Builder) -> None:
    build.item(ItemKind.IMAGE)
    build.item(ItemKind.AUDIO)
    add_note(vault, case, Note(NoteKind.OBSERVATION, "synthetic observation"))  # type: ignore[arg-type]
    present = {k for k, v in statuses(vault, case).items() if v is Status.PRESENT}
    assert present == {"screenshot", "traces", "recordings", "observed-at"}


def test_complete_case(vault: Vault, case: object, build: Builder) -> None:
    victim, suspect = build.party(PartyRole.VICTIM, "Me"), build.party(PartyRole.SUSPECT, "X")
    build.ident(IdentifierKind.EMAIL, "me@example.org", victim)
    my_phone = build.ident(IdentifierKind.PHONE, "+32470000001", victim)
    build.ident(IdentifierKind.EMAIL, "x@example.net", suspect)
    their_phone = build.ident(IdentifierKind.PHONE, "+32470999999", suspect)
    build.ident(IdentifierKind.ACCOUNT, "@x.synthetic", suspect, stable_id="1234567")
    build.ident(IdentifierKind.URL, "https://social.example/x.synthetic")
    capture = build.item(ItemKind.CAPTURE, ArtifactRole.SCREENSHOT)
    build.item(ItemKind.IMAGE)
    build.item(ItemKind.AUDIO)
    build.item(ItemKind.EMAIL)
    build.item(ItemKind.CONVERSATION)
    calls = build.item(ItemKind.CALL_LOG)
    build.events(calls, [("call", "2026-03-04 22:15", their_phone.id),
                         ("call", "2026-03-05 23:00", my_phone.id)])
    add_note(vault, case, Note(NoteKind.REQUESTED_ACTION, "sent money", amount="50",  # type: ignore[arg-type]
                               currency="EUR"))
    found = {e.id: e for e in checklist.compute(vault, case)}  # type: ignore[arg-type]
    assert {k: e.status for k, e in found.items()} == dict.fromkeys(ELEMENTS, Status.PRESENT)
    assert found["url"].items == (capture.label,)
    assert found["url"].identifiers == ("https://social.example/x.synthetic",)
    assert found["account-id"].identifiers == ("@x.synthetic",)
    assert found["suspect-phones"].identifiers == ("+32470999999",)
    assert found["victim-email"].identifiers == ("me@example.org",)
    assert found["calls"].items == (calls.label,)
    assert verify(vault).ok


def test_account_without_stable_id_is_not_enough(vault: Vault, case: object,
                                                 build: Builder) -> None:
    build.ident(IdentifierKind.ACCOUNT, "@only.a.handle")
    assert statuses(vault, case)["account-id"] is Status.MISSING


def test_the_victims_own_account_is_not_the_account_concerned(
        vault: Vault, case: object, build: Builder) -> None:
    """A capture made logged in proposes the viewer's account as the victim's: it must
    not tick "account-id" (the account concerned is the suspect's)."""
    victim = build.party(PartyRole.VICTIM, "Me")
    build.ident(IdentifierKind.ACCOUNT, "anna.viewer", victim, stable_id="1111111111")
    assert statuses(vault, case)["account-id"] is Status.MISSING
    build.ident(IdentifierKind.ACCOUNT, "bram.subject", stable_id="4815162342")
    assert statuses(vault, case)["account-id"] is Status.PRESENT


def test_not_applicable_through_the_cli_and_custody(case_vault: Path, cli: Cli) -> None:
    assert cli("checklist", "na", "recordings", "--reason", "no calls were made").code == 0
    rows = {r["element"]: r for r in json.loads(cli("checklist", "--json").out)}
    assert rows["recordings"]["status"] == "not-applicable"
    assert rows["recordings"]["reason"] == "no calls were made"
    assert rows["calls"]["status"] == "missing" and rows["calls"]["howto"]
    assert cli("checklist", "applicable", "recordings").code == 0
    rows = {r["element"]: r for r in json.loads(cli("checklist", "--json").out)}
    assert rows["recordings"]["status"] == "missing"
    assert cli("checklist", "na", "nonsense", "--reason", "x").code == 2
    assert cli("verify").code == 0
    text = cli("checklist").out
    assert "0 of 15 elements present" in text and "spoorvast capture" in text


def test_checklist_in_dutch(case_vault: Path, cli: Cli) -> None:
    text = cli("--lang", "nl", "checklist").out
    assert "0 van 15" in text


def test_guidance_per_language(vault_dir: Path, cli: Cli) -> None:
    english = cli("guidance").out
    assert "1712" in english and "0800 30 030" in english and "112" in english
    assert "Instagram" in english
    french = cli("--lang", "fr", "guidance").out
    assert "0800 30 030" in french and "1712" not in french
    dutch = cli("--lang", "nl", "guidance").out
    assert "1712" in dutch and "0800 30 030" not in dutch
