"""The dossier form's choices: the dossier's language (the case's by default), names of
third parties blacked out, location data (GPS) of your own photos left in or out, and
whether two public time-stamp authorities may be asked over the internet (unticked: no
network at all), and which items go in (all ticked; an unticked one is left out, as the
CLI's ``--leave-out``, and the dossier says so)."""

from __future__ import annotations

from spoorvast.dossier.bundle_stamps import default_urls
from spoorvast.dossier.model import DossierOptions
from spoorvast.errors import UserError
from spoorvast.i18n import LANGUAGES, _
from spoorvast.model.records import Case
from spoorvast.services import withdrawals
from spoorvast.storage.vault import Vault


def chosen(case: Case, language: str, redact: str, gps: str,
           timestamp: str = "", left_out: tuple[str, ...] = ()) -> DossierOptions:
    language = language or case.language
    if language not in LANGUAGES:
        raise UserError(_("Choose the dossier's language from the list."))
    return DossierOptions(language, redact_third_parties=bool(redact), include_gps=bool(gps),
                          tsa_urls=default_urls() if timestamp else (), left_out=left_out)


def left_out(vault: Vault, case: Case, listed: str, included: list[str]) -> tuple[str, ...]:
    """The current items whose box was unticked (``listed``: the form showed the boxes;
    a form without them leaves nothing out)."""
    if not listed:
        return ()
    kept = set(included)
    out = tuple(item.label for item in withdrawals.current_items(vault, case)
                if item.label not in kept)
    if len(out) == len(withdrawals.current_items(vault, case)) and out:
        raise UserError(_("Tick at least one item for the dossier."))
    return out


def choices(case: Case, vault: Vault | None = None) -> dict[str, object]:
    items = withdrawals.current_items(vault, case) if vault is not None else []
    return {"languages": LANGUAGES, "default": case.language,
            "items": [(item.label, item.title, item.kind.value) for item in items]}
