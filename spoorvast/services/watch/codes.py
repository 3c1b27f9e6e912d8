"""Finding codes of watched pages (messages translated when shown)."""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_

register_codes({
    "watch.edited": N_(
        "Compared with {before} (the last capture where the page was there), the page's "
        "words changed: {removed} word(s) gone, {added} word(s) new."),
    "watch.media": N_(
        "Compared with {before}, {count} picture(s) on the page changed (perceptual hash)."),
    "watch.renamed": N_(
        "The account's name changed from {old} to {new}; its stable ID ({stable_id}) "
        "is the same, so it is the same account."),
    "watch.restricted": N_(
        "The page is now behind a login or private; in {before} it was open."),
    "watch.reopened": N_("The page is open again (it was behind a login or private)."),
    "watch.gone-once": N_(
        "The page was not there at this capture ({first_seen}). This is a first sighting: "
        "it counts as removed only when the next run sees the same."),
    "watch.removed": N_(
        "The page is gone: first seen gone on {first_seen} ({first_label}), confirmed by "
        "this capture. It was last seen there in {last_there}."),
    "watch.flapped": N_(
        "The page is back: it was not there on {first_seen} ({label}), so that was not a "
        "removal."),
    "watch.back": N_(
        "The page is back after it was confirmed removed (first seen gone on "
        "{first_seen})."),
})
