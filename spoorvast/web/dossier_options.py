"""The dossier form's choices: the dossier's language (the case's by default), names of
third parties blacked out, location data (GPS) of your own photos left in or out, and
whether two public time-stamp authorities may be asked over the internet (unticked: no
network at all)."""

from __future__ import annotations

from spoorvast.dossier.bundle_stamps import default_urls
from spoorvast.dossier.model import DossierOptions
from spoorvast.errors import UserError
from spoorvast.i18n import LANGUAGES, _
from spoorvast.model.records import Case


def chosen(case: Case, language: str, redact: str, gps: str,
           timestamp: str = "") -> DossierOptions:
    language = language or case.language
    if language not in LANGUAGES:
        raise UserError(_("Choose the dossier's language from the list."))
    return DossierOptions(language, redact_third_parties=bool(redact), include_gps=bool(gps),
                          tsa_urls=default_urls() if timestamp else ())


def choices(case: Case) -> dict[str, object]:
    return {"languages": LANGUAGES, "default": case.language}
