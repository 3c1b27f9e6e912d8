"""The time stamps of SHA256SUMS as the template reads them (see :mod:`bundle_stamps`)."""

from __future__ import annotations

from datetime import date

from spoorvast.dossier.bundle_stamps import BundleStamp, Trust
from spoorvast.dossier.pdf_text import breakable
from spoorvast.dossier.when import day_text, local_text
from spoorvast.i18n import _, ngettext


def trust_text(trust: Trust, language: str) -> str:
    if trust.status == "not-checked" or not trust.source or not trust.checked:
        return _("not checked against the EU Trusted List")
    when = day_text(date.fromisoformat(trust.checked), language)
    if trust.status == "qualified":
        return _("qualified according to the EU Trusted List ({source}, checked on "
                 "{date})").format(source=trust.source, date=when)
    return _("not listed as qualified in the EU Trusted List ({source}, checked on "
             "{date})").format(source=trust.source, date=when)


def row(stamp: BundleStamp, language: str) -> dict[str, str]:
    if stamp.token is None:
        return {"authority": breakable(stamp.url),
                "signer": _("no token: the authority did not answer or its answer did "
                            "not check out ({error})").format(error=stamp.error or "?"),
                "time": "—", "trust": trust_text(stamp.trust, language), "file": "—"}
    return {"authority": breakable(stamp.url), "signer": breakable(stamp.signer or "?"),
            "time": local_text(stamp.time, language, True) if stamp.time else "?",
            "trust": trust_text(stamp.trust, language), "file": stamp.token}


def stamps_json(stamps: list[BundleStamp], language: str) -> dict[str, object]:
    return {"title": _("Time stamps of SHA256SUMS (RFC 3161)"),
            "note": _("Each authority signed the SHA-256 of SHA256SUMS, and so every file "
                      "of the bundle, at the time given. Under eIDAS (art. 41) a qualified "
                      "electronic time stamp is presumed accurate in every member state; "
                      "whether an authority is qualified is shown only as recorded from the "
                      "EU Trusted List, never assumed."),
            "head": [_("Authority"), _("Signed by (signer certificate)"), _("Time"),
                     _("Qualified (eIDAS)"), _("Token")],
            "rows": [row(s, language) for s in stamps]}


def cover_line(stamps: list[BundleStamp]) -> str | None:
    """One line for the first pages: how many authorities time-stamped the bundle."""
    if not stamps:
        return None
    done = sum(1 for s in stamps if s.token is not None)
    return ngettext("{done} of {n} authority time-stamped this bundle",
                    "{done} of {n} authorities time-stamped this bundle",
                    len(stamps)).format(done=done, n=len(stamps))
