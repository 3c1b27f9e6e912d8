"""With redaction on, phone numbers and e-mail addresses found in free text and not
attributed to the victim or a suspect are replaced, even when no identifier records
them; the victim's and suspects' own stay; one number keeps one pseudonym however it
is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from spoorvast.dossier.gather import gather
from spoorvast.dossier.model import DossierOptions
from spoorvast.dossier.redact import Redactor
from spoorvast.i18n import in_language
from spoorvast.model.records import (
    Identifier,
    IdentifierKind,
    IdentifierStatus,
    Party,
    PartyRole,
)
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli

VICTIM, SUSPECT, WITNESS = 1, 2, 3


def redactor(enabled: bool = True) -> Redactor:
    parties = {VICTIM: Party(VICTIM, 1, PartyRole.VICTIM, "Anna Synthetic"),
               SUSPECT: Party(SUSPECT, 1, PartyRole.SUSPECT, "Xavier Synthetic"),
               WITNESS: Party(WITNESS, 1, PartyRole.WITNESS, "Wendy Synthetic")}
    idents = [Identifier(1, 1, IdentifierKind.PHONE, "+32470555444", VICTIM),
              Identifier(2, 1, IdentifierKind.EMAIL, "X@example.invalid", SUSPECT,
                         status=IdentifierStatus.CONFIRMED),
              Identifier(3, 1, IdentifierKind.PHONE, "+32470999888", WITNESS)]
    return Redactor(enabled, parties, idents, region="BE")


def test_unattributed_numbers_and_addresses_are_replaced() -> None:
    r = redactor()
    with in_language("en"):
        text = r.text("Ring 0470 12 34 56 or +32 470 12-34-56, mail eve@example.invalid; "
                      "me: 0470 55 54 44, him: x@example.invalid, Wendy: 0470/99.98.88")
    assert "12 34 56" not in text and "12-34-56" not in text
    assert "eve@example.invalid" not in text and "99.98.88" not in text
    assert "0470 55 54 44" in text and "x@example.invalid" in text  # victim's, suspect's
    pseudonyms = [part.split("]")[0] for part in text.split("[")[1:]]
    assert len(pseudonyms) == 4
    assert pseudonyms[0] == pseudonyms[1]  # one number, two spellings, one person
    # the witness's number, written another way: the witness's own pseudonym
    assert pseudonyms[3] == r.party_name(r.parties[WITNESS])
    assert r.replaced_identifiers == 4


def test_nothing_changes_without_redaction() -> None:
    text = "Ring 0470 12 34 56, mail eve@example.invalid"
    assert redactor(enabled=False).text(text) == text


@pytest.mark.slow
def test_a_note_in_a_redacted_dossier_hides_an_unknown_number(case_vault: Path,
                                                            cli: Cli) -> None:
    for argv in (("party", "add", "victim", "Anna Synthetic"),
                 ("party", "id", "add", "Anna Synthetic", "--phone", "+32470555444"),
                 ("note", "add", "--kind", "observation",
                  "He gave my number +32470555444 to 0470 11 22 33 and to eve@example.invalid")):
        assert cli(*argv).code == 0, argv
    with open_vault(case_vault, PASSPHRASE) as vault, in_language("en"):
        case = vault.store.cases()[0]
        shown = gather(vault, case, DossierOptions("en", redact_third_parties=True),
                       lambda _what: None)
        plain = gather(vault, case, DossierOptions("en"), lambda _what: None)
    note = shown.notes[0].text
    assert "11 22 33" not in note and "eve@example.invalid" not in note
    assert "+32470555444" in note and "[third party" in note
    assert "0470 11 22 33" in plain.notes[0].text
    rows = [v for view in shown.items for s in view.sections for _k, v in s.rows]
    assert not any("11 22 33" in v for v in rows)
