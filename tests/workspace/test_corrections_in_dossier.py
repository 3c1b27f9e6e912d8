"""The dossier shows the latest version and says that an earlier one exists (#24 item 5):
for a corrected identifier (beside its source) and for a picture whose confirmed text was
corrected (among the item's notices)."""

from __future__ import annotations

from spoorvast.dossier.gather import gather
from spoorvast.dossier.model import DossierOptions
from spoorvast.i18n import set_language
from spoorvast.model.records import Case, IdentifierKind, PartyRole
from spoorvast.services import identifier_corrections, identities
from spoorvast.storage.vault import Vault
from tests.workspace.conftest import Builder
from tests.workspace.test_event_corrections import _corrected


def test_corrected_identifier_and_reading_are_said_in_the_dossier(
        vault: Vault, case: Case, build: Builder) -> None:
    suspect = build.party(PartyRole.SUSPECT, "X")
    wrong = identities.add_identifier(vault, case, suspect, IdentifierKind.PHONE,
                                      "+32470999990")
    identifier_corrections.correct(vault, case, wrong.id or 0, "+32470999999", "typo")
    _old, new = _corrected(vault, case, build)
    set_language("nl")
    try:
        dossier = gather(vault, case, DossierOptions("nl"), lambda _step: None)
    finally:
        set_language("en")
    [party] = [p for p in dossier.parties if p.role == "suspect"]
    [ident] = party.identifiers
    assert ident.value == "+32470999999"
    assert "verbetert een eerdere waarde" in ident.source and "typo" in ident.source
    picture = next(v for v in dossier.items
                   if any("verbeterd" in notice for notice in v.findings))
    notice = next(n for n in picture.findings if "verbeterd" in n)
    assert notice.startswith("1 tekst") and "misread" in notice and new


def test_no_correction_no_notice(vault: Vault, case: Case, build: Builder) -> None:
    suspect = build.party(PartyRole.SUSPECT, "X")
    identities.add_identifier(vault, case, suspect, IdentifierKind.PHONE, "+32470999990")
    dossier = gather(vault, case, DossierOptions("en"), lambda _step: None)
    [party] = [p for p in dossier.parties if p.role == "suspect"]
    assert "earlier" not in party.identifiers[0].source
    assert not any("corrected" in n for v in dossier.items for n in v.findings)
