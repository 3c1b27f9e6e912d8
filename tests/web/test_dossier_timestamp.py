"""The dossier form asks the time-stamp authorities only when the box is ticked: unticked,
the dossier is made with no network at all (#33 item 7)."""

from __future__ import annotations

from spoorvast.dossier.bundle_stamps import default_urls
from spoorvast.model import instant
from spoorvast.model.records import Case
from spoorvast.web.dossier_options import chosen


def test_no_authority_unless_the_box_is_ticked() -> None:
    case = Case(1, "Berichten van X", "nl", "Europe/Brussels", instant.now("Europe/Brussels"))
    assert chosen(case, "", "", "").tsa_urls == ()
    ticked = chosen(case, "fr", "", "", "1")
    assert ticked.tsa_urls == default_urls() and len(ticked.tsa_urls) == 2
    assert ticked.language == "fr"
