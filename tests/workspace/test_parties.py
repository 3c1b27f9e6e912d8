"""Parties and identifiers: typed, normalised, proposed → confirmed/rejected, merge, split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spoorvast.analysis.phones import phone_facts
from spoorvast.errors import UserError
from spoorvast.model.records import Identifier, IdentifierKind, IdentifierStatus, Location
from spoorvast.services import identities
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli


@pytest.mark.parametrize(("kind", "typed", "stored"), [
    (IdentifierKind.PHONE, "0470 12 34 56", "+32470123456"),
    (IdentifierKind.PHONE, "+31 6 12345678", "+31612345678"),
    (IdentifierKind.PHONE, "0032 2 123 45 67", "+3221234567"),
    (IdentifierKind.EMAIL, "X.Synthetic@Example.ORG", "X.Synthetic@example.org"),
    (IdentifierKind.IP, "2001:db8::0:1", "2001:db8::1"),
    (IdentifierKind.URL, "https://social.example/x", "https://social.example/x"),
])
def test_normalisation(kind: IdentifierKind, typed: str, stored: str) -> None:
    assert identities.normalize(kind, typed, "Europe/Brussels") == stored


@pytest.mark.parametrize(("kind", "typed"), [
    (IdentifierKind.PHONE, "call me maybe"), (IdentifierKind.EMAIL, "no-at-sign"),
    (IdentifierKind.IP, "300.1.1.1"), (IdentifierKind.URL, "javascript:alert(1)"),
    (IdentifierKind.NAME, "   "),
])
def test_bad_identifiers_are_refused(kind: IdentifierKind, typed: str) -> None:
    with pytest.raises(UserError):
        identities.normalize(kind, typed, "Europe/Brussels")


def test_phone_facts() -> None:
    facts = phone_facts("+32470123456")
    assert facts is not None and (facts.region, facts.kind) == ("BE", "mobile")
    assert identities.region_for_zone("Europe/Brussels") == "BE"


@pytest.mark.slow
def test_party_flow_through_the_cli(case_vault: Path, cli: Cli) -> None:
    assert cli("party", "add", "suspect", "X").code == 0
    assert cli("party", "add", "suspect", "Y (second account)").code == 0
    assert cli("party", "add", "victim", "Me").code == 0
    assert cli("party", "add", "suspect", "X").code == 2  # names are unique
    added = cli("party", "id", "add", "X", "--phone", "0470 12 34 56", "--email",
                "x@Example.net", "--account", "@x.synthetic", "--platform", "Instagram",
                "--id", "1234567")
    assert added.code == 0, added.err
    assert cli("party", "id", "add", "Y (second account)", "--phone", "0499 99 99 99").code == 0
    assert cli("party", "id", "add", "Me", "--email", "me@example.org").code == 0
    shown = json.loads(cli("party", "show", "X", "--json").out)
    assert [(i["kind"], i["value"], i["status"], i["source"]) for i in shown["identifiers"]] == [
        ("email", "x@example.net", "confirmed", "typed"),
        ("phone", "+32470123456", "confirmed", "typed"),
        ("account", "@x.synthetic", "confirmed", "typed")]
    assert shown["identifiers"][1]["phone_type"] == "mobile"
    assert shown["identifiers"][2]["stable_id"] == "1234567"
    merged = cli("party", "merge", "X", "Y (second account)")
    assert merged.code == 0 and "1 identifiers moved" in merged.out
    assert [p["name"] for p in json.loads(cli("party", "list", "--json").out)] == ["X", "Me"]
    split = cli("party", "split", "X", "--ids", "4", "--new", "Z")
    assert split.code == 0, split.err
    z = json.loads(cli("party", "show", "Z", "--json").out)
    assert [i["value"] for i in z["identifiers"]] == ["+32499999999"]
    assert cli("party", "split", "X", "--ids", "5", "--new", "W").code == 2  # not X's
    checklist = {r["element"]: r["status"] for r in json.loads(cli("checklist", "--json").out)}
    assert checklist["suspect-phones"] == checklist["suspect-emails"] == "present"
    assert checklist["victim-email"] == checklist["account-id"] == "present"
    assert cli("verify").code == 0


def test_proposed_identifier_confirm_and_reject(case_vault: Path, cli: Cli) -> None:
    cli("party", "add", "suspect", "X")
    with open_vault(case_vault, PASSPHRASE) as vault, vault.store.transaction() as tx:
        for value in ("+32470555555", "+32470666666"):
            tx.add_identifier(Identifier(None, 1, IdentifierKind.PHONE, value,
                                         location=Location(line=12)))
    proposed = json.loads(cli("identifiers", "--proposed", "--json").out)
    assert [(i["value"], i["place"]) for i in proposed] == [
        ("+32470555555", "line 12"), ("+32470666666", "line 12")]
    assert cli("party", "id", "confirm", str(proposed[0]["id"]), "--party", "X").code == 0
    assert cli("party", "id", "reject", str(proposed[1]["id"])).code == 0
    listed = {i["value"]: i for i in json.loads(cli("identifiers", "--json").out)}
    assert listed["+32470555555"]["status"] == IdentifierStatus.CONFIRMED.value
    assert listed["+32470555555"]["party_id"] == 1
    assert listed["+32470666666"]["status"] == "rejected"
    assert cli("identifiers", "--proposed", "--json").out.strip() == "[]"
    assert cli("verify").code == 0
