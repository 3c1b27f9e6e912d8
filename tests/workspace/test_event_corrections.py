"""Event corrections at the storage seam (#24): the superseded event leaves every
case-wide read, stays stored, and verify notices a link the custody log never saw."""

from __future__ import annotations

from dataclasses import replace

from spoorvast.model import instant
from spoorvast.model.conversation import EventQuery
from spoorvast.model.records import Case, ItemKind
from spoorvast.services import timeline
from spoorvast.services.timeline import TimelineFilter
from spoorvast.services.verify import verify
from spoorvast.storage.vault import Vault
from tests.workspace.conftest import Builder


def _corrected(vault: Vault, case: Case, build: Builder) -> tuple[int, int]:
    shot = build.item(ItemKind.IMAGE)
    build.events(shot, [("message", "2026-03-01 10:00", None)])
    cid = case.id or 0
    old = vault.store.events(cid, shot.id)[0]
    with vault.store.transaction() as tx:
        tx.add_events(shot, [replace(old, id=None, seq=None, text="corrected words")])
        new = vault.store.events(cid, shot.id)[-1]
        tx.add_event_correction(new, old, "misread", instant.now(case.time_zone))
    return old.id or 0, new.id or 0


def test_a_superseded_event_leaves_every_listing(vault: Vault, case: Case,
                                                build: Builder) -> None:
    old, new = _corrected(vault, case, build)
    cid = case.id or 0
    assert [e.id for e in vault.store.events(cid)] == [new] and old != new
    assert timeline.page(vault, case, TimelineFilter()).total == 1
    assert len(timeline.page(vault, case, TimelineFilter()).rows) == 1
    hits = vault.store.search_events(EventQuery(cid))
    assert [h.event.id for h in hits] == [new]
    assert vault.store.count_events(EventQuery(cid)) == 1
    assert sum(d.count for d in vault.store.day_counts(cid)) == 1
    assert sum(a.count for a in vault.store.actor_counts(cid)) == 1
    item_ids = tuple({e.item_id for e in vault.store.events(cid)} - {None})
    in_item = vault.store.search_events(EventQuery(cid, item_ids=item_ids))  # type: ignore[arg-type]
    assert [h.event.id for h in in_item] == [new]
    assert len(vault.store.events(cid, item_ids[0])) == 2  # both stay stored
    assert verify(vault).ok


def test_verify_finds_a_correction_the_log_never_saw(vault: Vault, case: Case,
                                                     build: Builder) -> None:
    _old, new = _corrected(vault, case, build)
    vault.store.conn.execute("UPDATE event_corrections SET reason = 'changed' "
                             "WHERE event_id = ?", (new,))
    vault.store.conn.commit()
    codes = {p.code for p in verify(vault).problems}
    assert "row-changed" in codes
