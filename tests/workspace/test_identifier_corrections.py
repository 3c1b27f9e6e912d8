"""Correcting an identifier is a new record, never an edit (#24): the earlier one stays
(status corrected, in custody), every listing shows the new one, verify checks the link."""

from __future__ import annotations

from pathlib import Path

import pytest

from spoorvast.errors import UserError
from spoorvast.model.records import Case, IdentifierKind, IdentifierStatus, PartyRole
from spoorvast.services import identifier_corrections, identities, parties, withdrawals
from spoorvast.services.verify import verify
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault
from tests.conftest import Cli
from tests.workspace.conftest import Builder


def test_a_correction_is_a_new_record_and_listings_show_it(vault: Vault, case: Case,
                                                          build: Builder) -> None:
    suspect = build.party(PartyRole.SUSPECT, "X")
    wrong = identities.add_identifier(vault, case, suspect, IdentifierKind.PHONE,
                                      "+32470999990")
    new = identifier_corrections.correct(vault, case, wrong.id or 0, "+32 470 99 99 99",
                                         " typo in the last digit ")
    assert new.id != wrong.id and new.value == "+32470999999"
    assert new.status is IdentifierStatus.CONFIRMED and new.party_id == suspect.id
    cid = case.id or 0
    assert [i.value for i in vault.store.identifiers(cid)] == ["+32470999999"]
    assert [i.value for i in withdrawals.listed_identifiers(vault, case)] == ["+32470999999"]
    assert [i.value for i in parties.identifiers_of(vault, case, suspect)] == [
        "+32470999999"]
    every = {i.id: i for i in vault.store.identifiers(cid, with_corrected=True)}
    assert every[wrong.id].status is IdentifierStatus.CORRECTED
    assert every[wrong.id].value == "+32470999990"  # the earlier version stays
    actions = [e.action for e in vault.store.custody(case_chain(cid))]
    assert actions[-3:] == ["identifier.added", "identifier.updated",
                            identifier_corrections.ACTION]
    assert identifier_corrections.corrections(vault, case) == [
        identifier_corrections.IdentifierCorrection(new.id or 0, wrong.id or 0,
                                                    "typo in the last digit")]
    assert verify(vault).ok


def test_what_cannot_be_corrected_says_why(vault: Vault, case: Case, build: Builder) -> None:
    suspect = build.party(PartyRole.SUSPECT, "X")
    typed = identities.add_identifier(vault, case, suspect, IdentifierKind.EMAIL,
                                      "x@example.invalid")
    with pytest.raises(UserError, match="Say why"):
        identifier_corrections.correct(vault, case, typed.id or 0, "y@example.invalid", " ")
    with pytest.raises(UserError, match="same"):
        identifier_corrections.correct(vault, case, typed.id or 0, "x@example.invalid", "r")
    new = identifier_corrections.correct(vault, case, typed.id or 0, "y@example.invalid", "r")
    with pytest.raises(UserError, match=f"already corrected by I-{new.id}"):
        identifier_corrections.correct(vault, case, typed.id or 0, "z@example.invalid", "r")
    proposed = build.ident(IdentifierKind.EMAIL, "p@example.invalid")  # found, not decided
    with pytest.raises(UserError, match="not confirmed"):
        identifier_corrections.correct(vault, case, proposed.id or 0, "q@example.invalid", "r")


def test_verify_finds_a_correction_that_does_not_hold(vault: Vault, case: Case,
                                                      build: Builder) -> None:
    suspect = build.party(PartyRole.SUSPECT, "X")
    typed = identities.add_identifier(vault, case, suspect, IdentifierKind.EMAIL,
                                      "x@example.invalid")
    other = identities.add_identifier(vault, case, suspect, IdentifierKind.EMAIL,
                                      "o@example.invalid")
    identifier_corrections.correct(vault, case, typed.id or 0, "y@example.invalid", "r")
    with vault.store.transaction() as tx:  # a second, forged link to the same version
        tx.log(case_chain(case.id or 0), identifier_corrections.ACTION,
               f"identifier-{other.id}", {"supersedes": typed.id, "reason": "forged"})
    codes = {(p.code, p.subject) for p in verify(vault).problems}
    assert codes == {("identifier-correction-inconsistent", f"identifier-{typed.id}")}


def test_identifier_correct_in_the_cli(case_vault: Path, cli: Cli) -> None:
    assert cli("party", "add", "suspect", "X").code == 0
    assert cli("party", "id", "add", "X", "--phone", "+32470999990").code == 0
    result = cli("party", "id", "correct", "1", "+32470999999", "--reason", "typo")
    assert result.code == 0, result.err
    assert "corrects I-1" in result.out
    listed = cli("identifiers").out
    assert "+32470999999" in listed and "+32470999990" not in listed
    assert cli("verify").code == 0
    again = cli("party", "id", "correct", "1", "+32470999998", "--reason", "typo")
    assert again.code != 0 and "already corrected" in again.err


def test_platform_without_an_account_is_refused_not_dropped(case_vault: Path,
                                                             cli: Cli) -> None:
    assert cli("party", "add", "suspect", "X").code == 0
    result = cli("party", "id", "add", "X", "--phone", "+32470999990",
                 "--platform", "Instagram")
    assert result.code != 0 and "--account" in result.err
    assert "+32470999990" not in cli("identifiers").out  # nothing half-added


def test_a_merge_moves_earlier_versions_too(vault: Vault, case: Case, build: Builder) -> None:
    keep = build.party(PartyRole.SUSPECT, "X")
    absorb = build.party(PartyRole.SUSPECT, "X (second account)")
    typed = identities.add_identifier(vault, case, absorb, IdentifierKind.EMAIL,
                                      "x@example.invalid")
    identifier_corrections.correct(vault, case, typed.id or 0, "y@example.invalid", "r")
    assert identities.merge(vault, case, keep, absorb) == 2
    every = vault.store.identifiers(case.id or 0, with_corrected=True)
    assert {i.party_id for i in every} == {keep.id}
    assert verify(vault).ok
