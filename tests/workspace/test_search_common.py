"""Search of a common word (#32): past the cap its hits come newest first (not ranked: bm25
scores every hit), with an honest "more than" count; a rare word keeps its relevance
order. Checked against a plain computation on the small case of ``test_readside`` (with
withdrawn, restored, corrected and replaced items, and undated events)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from spoorvast.model.conversation import EventQuery
from spoorvast.model.records import Case
from spoorvast.services import events as event_service
from spoorvast.storage import sqlite_events
from spoorvast.storage.vault import Vault
from tests.workspace.conftest import Builder
from tests.workspace.test_readside import _fill, _plain_ranked


def _plain_newest(vault: Vault, case: Case, word: str) -> list[int]:
    """The shown events with the word, newest first (undated last), ties by id."""
    ranked = set(_plain_ranked(vault, case, word))
    shown = [e for e in vault.store.events(case.id or 0) if e.id in ranked]
    return [e.id or 0 for e in sorted(shown, reverse=True, key=lambda e: (
        e.instant is not None, e.instant.utc if e.instant else datetime.min, e.id))]


@pytest.mark.parametrize("thin", [sqlite_events.THIN, 0])
def test_a_common_word_pages_its_hits_newest_first(vault: Vault, case: Case, build: Builder,
                                                   thin: int,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Both ways of reading them (hits sorted one by one, or the time index checked
    against the hits) give the plain order, page by page."""
    monkeypatch.setattr(sqlite_events, "THIN", thin)
    _fill(vault, case, build)
    plain = _plain_newest(vault, case, "geld")
    assert len(plain) > 40
    query = EventQuery(case.id or 0, text="geld", limit=7, newest_first=True)
    pages = [h.event.id for n in range(0, len(plain) + 7, 7)
             for h in vault.store.search_events(replace(query, offset=n))]
    assert pages == plain
    items = {e.id: e.item_id for e in vault.store.events(case.id or 0)}
    only_item = replace(query, item_ids=(3,), limit=1000)
    assert [h.event.id for h in vault.store.search_events(only_item)] == [
        i for i in plain if items[i] == 3]


def test_past_the_cap_a_word_says_more_than_and_shows_the_newest(vault: Vault, case: Case,
                                                                 build: Builder) -> None:
    _fill(vault, case, build)
    plain = _plain_newest(vault, case, "geld")
    query = EventQuery(case.id or 0, text="geld", limit=10)
    found = event_service.search(vault, case, query, page=2, cap=20)
    assert found.capped and found.total == 21 and found.order == "newest"
    assert [h.event.id for h in found.hits] == plain[10:20]


def test_under_the_cap_a_word_keeps_its_relevance_order(vault: Vault, case: Case,
                                                        build: Builder) -> None:
    _fill(vault, case, build)
    plain = _plain_ranked(vault, case, "niemand")
    query = EventQuery(case.id or 0, text="niemand", limit=500)
    found = event_service.search(vault, case, query)
    assert not found.capped and found.total == len(plain) and found.order == "relevance"
    assert [h.event.id for h in found.hits] == plain
    assert plain != _plain_newest(vault, case, "niemand")  # the two orders differ here


def test_without_words_a_capped_count_keeps_time_order(vault: Vault, case: Case,
                                                       build: Builder) -> None:
    _fill(vault, case, build)
    found = event_service.search(vault, case, EventQuery(case.id or 0, limit=5), cap=20)
    assert found.capped and found.order == "time" and not found.newest_first
