"""The fast read paths (#32) against a straightforward computation on a small case:
keyset pages of the timeline, ranked search and capped counts, and pattern counts kept per
ten minutes — with withdrawn and restored items, a correction, corrected (superseded)
events and replaced events; zones whose offset is no whole hour; an existing vault's
migration (the counts are filled from its rows)."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from spoorvast.model import instant
from spoorvast.model.conversation import EventQuery, Position
from spoorvast.model.records import Case, Event, Item, ItemKind
from spoorvast.services import patterns, timeline, withdrawals
from spoorvast.services.timeline import TimelineFilter
from spoorvast.storage import sqlite_events
from spoorvast.storage.sqlite_schema import migrate
from spoorvast.storage.vault import Vault
from tests.conftest import Cli
from tests.workspace.conftest import Builder

ACTORS = ("phone:+32470000001", "phone:+32470000002", None)
KINDS = ("message", "message", "call", "email", "system", "observation")
WORDS = ("geld", "morgen", "waar", "school", "geld geld", "niemand")


def _events(case: Case, item: Item, count: int, seed: int) -> list[Event]:
    rng = random.Random(seed)
    start = datetime(2026, 3, 28, 20, 0, tzinfo=UTC)  # over the switch to summer time
    found = []
    for n in range(count):
        at = None if n % 23 == 0 else instant.from_epoch(
            int((start + timedelta(minutes=rng.randint(0, 3000))).timestamp()), case.time_zone)
        found.append(Event(None, case.id or 0, item.id, rng.choice(KINDS), at,
                           f"{rng.choice(WORDS)} {rng.choice(WORDS)} {n}",
                           actor=rng.choice(ACTORS)))
    return found


def _fill(vault: Vault, case: Case, build: Builder) -> dict[str, Item]:
    items = {name: build.item(ItemKind.CONVERSATION) for name in
             ("kept", "withdrawn", "restored", "old", "replaced", "shot")}
    with vault.store.transaction() as tx:
        for seed, item in enumerate(items.values()):
            tx.add_events(item, _events(case, item, 60, seed))
    withdrawals.withdraw(vault, case, items["withdrawn"], "wrong chat")
    withdrawals.withdraw(vault, case, items["restored"], "mistake")
    withdrawals.restore(vault, case, items["restored"], "right after all")
    newer = build.item(ItemKind.CONVERSATION)
    with vault.store.transaction() as tx:
        tx.add_events(newer, _events(case, newer, 40, 99))
        tx.add_correction(newer, items["old"], "a better export",
                          instant.now(case.time_zone))
        tx.replace_events(items["replaced"], _events(case, items["replaced"], 50, 7),
                          "read again")
    shot = items["shot"]
    old = vault.store.events(case.id or 0, shot.id)[:3]
    for event in old:  # three events of a picture corrected (read wrong)
        with vault.store.transaction() as tx:
            tx.add_events(shot, [replace(event, id=None, seq=None, text="corrected geld")])
            new = vault.store.events(case.id or 0, shot.id)[-1]
            tx.add_event_correction(new, event, "misread", instant.now(case.time_zone))
    with vault.store.transaction() as tx:  # the case's own events (no item), a few at a time
        tx.add_events(None, _events(case, shot, 5, 5)[:5])
        tx.add_events(None, [replace(e, item_id=None) for e in _events(case, shot, 4, 6)])
    return items


def _plain_order(vault: Vault, case: Case) -> list[int]:
    """Every shown event in time order, undated first, computed the plain way."""
    shown = vault.store.events(case.id or 0)
    return [e.id or 0 for e in sorted(shown, key=lambda e: (
        e.instant is not None, e.instant.utc if e.instant else datetime.min, e.id))]


@pytest.mark.parametrize("zone", [
    "Asia/Kathmandu", pytest.param("Europe/Brussels", marks=pytest.mark.slow),
    pytest.param("Asia/Kolkata", marks=pytest.mark.slow)])
def test_pattern_counts_equal_a_count_of_every_row(vault: Vault, build: Builder,
                                                   zone: str) -> None:
    case = build.case = replace(build.case, time_zone=zone)
    _fill(vault, case, build)
    assert patterns.compute(vault, case) == patterns.compute_rows(vault, case)
    suspect = {ACTORS[0]}
    assert patterns.compute(vault, case, suspect, skip=("call",)) == patterns.compute_rows(
        vault, case, suspect, skip=("call",))
    assert patterns.compute(vault, case).total > 100


@pytest.mark.slow
def test_counts_follow_withdraw_and_restore(vault: Vault, case: Case, build: Builder) -> None:
    items = _fill(vault, case, build)
    withdrawals.withdraw(vault, case, items["kept"], "not this one")
    assert patterns.compute(vault, case) == patterns.compute_rows(vault, case)
    withdrawals.restore(vault, case, items["kept"], "it was")
    assert patterns.compute(vault, case) == patterns.compute_rows(vault, case)


def test_an_existing_vault_gets_its_counts_from_its_rows(vault: Vault, case: Case,
                                                         build: Builder) -> None:
    _fill(vault, case, build)
    before = vault.store.event_buckets(case.id or 0)
    conn = vault.store.conn
    with vault.store.transaction():  # as a vault from before the migration
        conn.execute("DROP TABLE event_counts")
        conn.execute("DELETE FROM migrations WHERE name = '0008_readside_event_counts'")
    with vault.store.transaction():
        assert migrate(conn) == ["0008_readside_event_counts"]
    assert vault.store.event_buckets(case.id or 0) == before
    assert patterns.compute(vault, case) == patterns.compute_rows(vault, case)


def test_keyset_pages_walk_the_plain_order(vault: Vault, case: Case, build: Builder) -> None:
    _fill(vault, case, build)
    plain = _plain_order(vault, case)
    walked, page = [], timeline.page(vault, case, TimelineFilter(), limit=17)
    while True:
        assert page.start == len(walked) and page.total == len(plain)
        walked += [r.event.id for r in page.rows]
        if not page.has_later:
            break
        page = timeline.page(vault, case, TimelineFilter(), limit=17, after=page.last)
    assert walked == plain
    back: list[int | None] = []
    while page.has_earlier:  # and back, page by page
        page = timeline.page(vault, case, TimelineFilter(), limit=17, before=page.first)
        back = [r.event.id for r in page.rows] + back
    assert back == plain[:len(back)] and page.start == 0
    for offset in (0, 1, 17, 50, len(plain) - 3):  # a page number: the same rows
        by_offset = timeline.page(vault, case, TimelineFilter(), offset=offset, limit=17)
        assert [r.event.id for r in by_offset.rows] == plain[offset:offset + 17]
        assert by_offset.start == offset


@pytest.mark.slow
def test_keyset_pages_keep_bursts_gaps_and_filters(vault: Vault, case: Case,
                                                   build: Builder) -> None:
    _fill(vault, case, build)
    whole = timeline.page(vault, case, TimelineFilter(kinds=("message",)), limit=10_000)
    paged, page = [], timeline.page(vault, case, TimelineFilter(kinds=("message",)), limit=9)
    while True:
        paged += page.rows
        if not page.has_later:
            break
        page = timeline.page(vault, case, TimelineFilter(kinds=("message",)), limit=9,
                             after=page.last)
    assert paged == whole.rows


def test_positions_read_back_from_their_tokens() -> None:
    moment = datetime(2026, 3, 12, 20, 6, 7, 123456, tzinfo=UTC)
    for position in (Position(moment, 42), Position(None, 7),
                     Position(datetime(1901, 1, 1, tzinfo=UTC), 1)):
        assert Position.parse(position.token) == position
    assert Position.parse("nonsense") is None and Position.parse("1_") is None


def _plain_ranked(vault: Vault, case: Case, words: str) -> list[int]:
    """Every hit of the shown events with its bm25 score, sorted (score, id)."""
    shown = {e.id for e in vault.store.events(case.id or 0)}
    expression = sqlite_events.match_expression(words)
    scored = vault.store.conn.execute(
        "SELECT rowid, bm25(events_fts) FROM events_fts WHERE events_fts MATCH ?",
        (expression,)).fetchall()
    return [i for i, _score in sorted(scored, key=lambda r: (r[1], r[0])) if i in shown]


@pytest.mark.parametrize("words", [
    "geld morgen", *(pytest.param(w, marks=pytest.mark.slow) for w in
                     ("geld", "niemand", "corrected"))])
def test_ranked_search_and_capped_count_equal_the_plain_ones(vault: Vault, case: Case,
                                                             build: Builder,
                                                             words: str) -> None:
    _fill(vault, case, build)
    plain = _plain_ranked(vault, case, words)
    query = EventQuery(case.id or 0, text=words, limit=10)
    pages = [h.event.id for n in range(0, len(plain) + 10, 10)
             for h in vault.store.search_events(replace(query, offset=n))]
    assert pages == plain and plain
    assert vault.store.count_events(query) == len(plain)
    assert vault.store.count_events(query, cap=5) == min(6, len(plain))
    assert vault.store.count_events(query, cap=10_000) == len(plain)


def test_search_in_a_vault_of_one_case_skips_no_filter(vault: Vault, case: Case,
                                                       build: Builder) -> None:
    """Without hidden items, events or filters the index is read alone (no join): the
    same hits as with a filter that keeps everything."""
    item = build.item(ItemKind.CONVERSATION)
    with vault.store.transaction() as tx:
        tx.add_events(item, _events(case, item, 80, 3))
    query = EventQuery(case.id or 0, text="geld", limit=500)
    alone = [h.event.id for h in vault.store.search_events(query)]
    every_kind = replace(query, kinds=tuple(set(KINDS)))
    assert alone == [h.event.id for h in vault.store.search_events(every_kind)]
    assert alone == _plain_ranked(vault, case, "geld")


@pytest.mark.slow
def test_the_cli_timeline_pages_by_position(case_vault: Path, cli: Cli) -> None:
    for n in range(5):
        assert cli("note", "add", "--at", f"2026-03-0{n + 1} 21:00", f"note {n}").code == 0
    first = json.loads(cli("timeline", "--json", "--limit", "2").out)
    assert first["start"] == 0 and first["before"] is None and first["total"] == 5
    second = json.loads(cli("timeline", "--json", "--limit", "2", "--after",
                            first["after"]).out)
    by_page = json.loads(cli("timeline", "--json", "--limit", "2", "--page", "2").out)
    assert second["rows"] == by_page["rows"] and second["start"] == 2
    back = json.loads(cli("timeline", "--json", "--limit", "2", "--before",
                          second["before"]).out)
    assert back["rows"] == first["rows"]
    assert [r["text"] for r in first["rows"] + second["rows"]] == ["note 0", "note 1",
                                                                    "note 2", "note 3"]
    shown = cli("timeline", "--limit", "2", "--page", "2")
    assert f"--after {second['after']}" in shown.out
    bad = cli("timeline", "--after", "x_y")
    assert bad.code == 2 and "x_y" in bad.err

