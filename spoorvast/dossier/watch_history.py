"""The "watch history" of a watched page, shown in the dossier with its first capture:
when each version was seen (the capture's own time), what changed against the one
before, and the SHA-256 of the screenshot and of the capture record of each version.
Every version is a sealed item of its own; this section only ties them together."""

from __future__ import annotations

from spoorvast.dossier.model import InfoSection
from spoorvast.dossier.when import instant_text
from spoorvast.i18n import _
from spoorvast.model.records import Item
from spoorvast.services import cases as case_service
from spoorvast.services.watch import schedule, sentences, store, views
from spoorvast.services.watch.model import Watch
from spoorvast.storage.vault import Vault

SHOWN = ("full-page.png", "capture.json")


def watch_sections(vault: Vault, item: Item, language: str) -> list[InfoSection]:
    """A section per watch whose first capture is ``item`` (none for other items)."""
    return [_section(vault, item, w, language) for w in store.watches(vault, item.case_id)
            if w.first == item.label]


def _section(vault: Vault, item: Item, watch: Watch, language: str) -> InfoSection:
    rows = []
    for row in views.history(vault, watch):
        seen = vault.store.item(item.case_id, case_service.parse_label(row.label))
        changes = ", ".join(sentences.detail(c) for c in row.changes)
        hashes = " · ".join(f"{name} SHA-256 {sha}" for name, sha in row.hashes
                            if name in SHOWN)
        rows.append((instant_text(seen.acquired_at if seen else None, language),
                     f"{row.label}: {changes}. {hashes}"))
    lines = (_("Captured again every {every} since {since}; this first capture is kept "
               "unchanged. Each row is a sealed capture of its own (see its item). A page "
               "is called removed only when two captures in a row found it gone; the "
               "time it was first found gone is kept.").format(
        every=schedule.every_text(watch.every),
        since=instant_text(item.acquired_at, language)),)
    return InfoSection(_("Watch history: {url}").format(url=watch.url), tuple(rows), lines)
