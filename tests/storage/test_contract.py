"""The storage contract: every metadata backend must pass these tests.

The ``store`` fixture runs each test on the embedded SQLCipher backend and on the
PostgreSQL backend (a real server on loopback; those runs are slow-marked).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.model import instant
from spoorvast.model.conversation import EventQuery
from spoorvast.model.custody import GENESIS, check_chain
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    Event,
    FileFacts,
    Identifier,
    IdentifierKind,
    Item,
    ItemKind,
    Location,
    MediaFacts,
    Party,
    PartyRole,
    Problem,
    Severity,
)
from spoorvast.storage.base import MetadataStore, case_chain
from spoorvast.storage.postgres import PostgresStore
from spoorvast.storage.sqlite import SqliteStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.slow)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MetadataStore]:
    """Each backend in turn: SQLCipher in a fresh file, PostgreSQL in a fresh database
    (a copy of a migrated template, see ``metadata_url`` in tests/conftest.py)."""
    backend: SqliteStore | PostgresStore
    if request.param == "postgres":
        backend = PostgresStore(request.getfixturevalue("metadata_url"))
    else:
        backend = SqliteStore(tmp_path / "db", secrets.token_bytes(32))
    yield backend
    backend.close()


def a_case(store: MetadataStore) -> Case:
    with store.transaction() as tx:
        return tx.add_case(Case(None, "Synthetic case", "nl", "Europe/Brussels",
                                instant.now("Europe/Brussels")))


def an_item(case: Case, sha: str = "ab" * 32) -> tuple[Item, list[Artifact]]:
    at = instant.now(case.time_zone)
    item = Item(None, case.id or 0, 0, ItemKind.IMAGE, "shot.png", at, "file",
                FileFacts("shot.png", 10, "image/png", at, at),
                MediaFacts(width=10, height=20, codecs=("PNG",), gps_present=False))
    return item, [Artifact(None, None, ArtifactRole.ORIGINAL, "image/png", 10, sha,
                           "shot.png", at)]


def test_case_round_trip_and_custody(store: MetadataStore) -> None:
    case = a_case(store)
    assert case.id is not None
    assert store.case(case.id) == case
    assert store.cases() == [case]
    entries = store.custody(case_chain(case.id))
    assert [e.action for e in entries] == ["case.created"]
    assert entries[0].prev_hash == GENESIS
    assert store.chain_head(case_chain(case.id)) == (1, entries[0].hash)


def test_items_are_numbered_per_case_and_round_trip(store: MetadataStore) -> None:
    first, second = a_case(store), a_case(store)
    with store.transaction() as tx:
        a = tx.add_item(*an_item(first))
        b = tx.add_item(*an_item(first, "cd" * 32))
        c = tx.add_item(*an_item(second))
    assert (a.number, b.number, c.number) == (1, 2, 1)
    assert a.label == "E-0001"
    assert store.item(first.id or 0, 2) == b
    assert store.items(first.id or 0) == [a, b]
    assert store.item_by_id(c.id or 0) == c
    stored = store.artifacts(a.id or 0)
    assert [x.sha256 for x in stored] == ["ab" * 32] and stored[0].item_id == a.id


def test_item_with_original_finds_duplicates_within_a_case(store: MetadataStore) -> None:
    case, other = a_case(store), a_case(store)
    with store.transaction() as tx:
        item = tx.add_item(*an_item(case))
    assert store.item_with_original(case.id or 0, "ab" * 32) == item
    assert store.item_with_original(other.id or 0, "ab" * 32) is None


def test_failed_transaction_leaves_nothing(store: MetadataStore) -> None:
    case = a_case(store)
    head = store.chain_head(case_chain(case.id or 0))
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.add_item(*an_item(case))
        raise RuntimeError("boom")
    assert store.items(case.id or 0) == []
    assert store.chain_head(case_chain(case.id or 0)) == head
    assert len(store.custody(case_chain(case.id or 0))) == 1


def test_findings_parties_identifiers_events(store: MetadataStore) -> None:
    case = a_case(store)
    cid = case.id or 0
    problem = Problem(Severity.WARNING, "media.image-unreadable", (("reason", "X"),),
                      Location(field="DateTimeOriginal", byte_start=3, byte_end=9))
    with store.transaction() as tx:
        item = tx.add_item(*an_item(case), problems=[problem])
        party = tx.add_party(Party(None, cid, PartyRole.SUSPECT, "X"))
        ident = tx.add_identifier(Identifier(None, cid, IdentifierKind.PHONE, "+32470123456",
                                             party_id=party.id, item_id=item.id))
        moment = instant.from_epoch(1_770_000_000, "Europe/Brussels")
        tx.add_events(item, [Event(None, cid, item.id, "message", moment, "hello",
                                   ident.id, Location(line=3))])
    finding = store.findings(cid, item.id)[0]
    assert (finding.code, finding.params, finding.location) == (
        problem.code, problem.params, problem.location)
    assert store.parties(cid) == [party]
    assert store.identifiers(cid) == [ident]
    events = store.events(cid, item.id)
    assert [(e.text, e.instant, e.location) for e in events] == [
        ("hello", moment, Location(line=3))]
    assert store.event_by_id(events[0].id or 0) == events[0]
    assert store.event_by_id((events[0].id or 0) + 1000) is None


def test_every_row_matches_its_last_custody_state(store: MetadataStore) -> None:
    case = a_case(store)
    with store.transaction() as tx:
        tx.add_item(*an_item(case), problems=[Problem(Severity.INFO, "x")])
    entries = store.custody(case_chain(case.id or 0))
    assert list(check_chain(entries)) == []
    logged = {(e.payload["record"], e.payload["id"]): e.payload["data"]
              for e in entries if "record" in e.payload}
    for record, record_id, data in store.record_rows():
        assert logged[(record, record_id)] == data


def test_settings(store: MetadataStore) -> None:
    assert store.setting("current_case") is None
    with store.transaction() as tx:
        tx.set_setting("current_case", "3")
    assert store.setting("current_case") == "3"


def test_events_search_marks_and_counts(store: MetadataStore) -> None:
    from spoorvast.model.conversation import EventQuery

    case = a_case(store)
    cid = case.id or 0
    moment = instant.from_epoch(1_770_000_000, "Europe/Brussels")
    later = instant.from_epoch(1_770_090_000, "Europe/Brussels")
    with store.transaction() as tx:
        item = tx.add_item(*an_item(case))
        tx.add_events(item, [
            Event(None, cid, None, "message", moment, "Waar is mijn géld", actor="name:x:Jan",
                  location=Location(line=1), details=(("edited", "1"),), attachments=("ab",)),
            Event(None, cid, None, "message", later, "niets", actor="name:x:Anna"),
            Event(None, cid, None, "call", later, "", actor="phone:+32470123456")])
    hits = store.search_events(EventQuery(cid, text="GELD"))
    assert [(h.event.text, h.event.seq, str(h.ref)) for h in hits] == [
        ("Waar is mijn géld", 1, "E-0001:m1")]
    assert hits[0].event.details == (("edited", "1"),) and hits[0].event.attachments == ("ab",)
    assert store.count_events(EventQuery(cid, actors=("name:x:Anna",))) == 1
    assert store.count_events(EventQuery(cid, since=later.utc)) == 2
    assert store.count_events(EventQuery(cid, kinds=("call",))) == 1
    event = store.event_by_ref(cid, 1, 2)
    assert event is not None and event.text == "niets"
    with store.transaction() as tx:
        assert tx.set_event_marks(cid, [event.id or 0], True) == 1
        assert tx.set_event_marks(cid, [event.id or 0], True) == 0
    assert [h.event.seq for h in store.search_events(EventQuery(cid, marked_only=True))] == [2]
    assert {(c.actor, c.count) for c in store.actor_counts(cid)} == {
        ("name:x:Jan", 1), ("name:x:Anna", 1), ("phone:+32470123456", 1)}
    assert sum(d.count for d in store.day_counts(cid)) == 3
    logged = {(e.payload["record"], e.payload["id"]): e.payload["data"]
              for e in store.custody(case_chain(cid)) if "record" in e.payload}
    for record, record_id, data in store.record_rows():
        assert logged[(record, record_id)] == data


def test_a_word_newest_first(store: MetadataStore) -> None:
    """``newest_first``: a word's hits by time, newest first, undated last, ties by id
    (a common word: not ranked), a page at a time."""
    case = a_case(store)
    cid = case.id or 0
    times = (5, None, 9, 1, 9, None, 3)
    with store.transaction() as tx:
        item = tx.add_item(*an_item(case))
        tx.add_events(item, [Event(None, cid, None, "message", None if t is None else
                                   instant.from_epoch(1_770_000_000 + t, "Europe/Brussels"),
                                   f"geld {n}") for n, t in enumerate(times)]
                      + [Event(None, cid, None, "message", None, "niets")])
    query = EventQuery(cid, text="geld", limit=3, newest_first=True)
    pages = [[h.event.text for h in store.search_events(EventQuery(
        cid, text="geld", limit=3, offset=n, newest_first=True))] for n in (0, 3, 6)]
    assert pages == [["geld 4", "geld 2", "geld 0"], ["geld 6", "geld 3", "geld 5"],
                     ["geld 1"]]
    assert store.count_events(query, cap=3) == 4


def test_event_kinds_by_item(store: MetadataStore) -> None:
    """Which items hold messages, calls or system lines (the checklist asks), including
    the case's own typed calls (item 0)."""
    case = a_case(store)
    cid = case.id or 0
    moment = instant.from_epoch(1_770_000_000, "Europe/Brussels")
    with store.transaction() as tx:
        chat = tx.add_item(*an_item(case, "01" * 32))
        calls = tx.add_item(*an_item(case, "02" * 32))
        tx.add_events(chat, [Event(None, cid, None, "system", moment, "aangemaakt"),
                             *(Event(None, cid, None, "message", moment, f"m{n}")
                               for n in range(50))])
        tx.add_events(calls, [Event(None, cid, None, "call", moment, "") for _ in range(3)])
        tx.add_events(None, [Event(None, cid, None, "call", moment, "getypt")])
    wanted = ("message", "call", "system")
    assert store.event_kinds_by_item(cid, wanted) == {
        chat.id: {"message", "system"}, calls.id: {"call"}, 0: {"call"}}
    assert store.event_kinds_by_item(cid, ("message",)) == {chat.id: {"message"}}
    assert store.count_events(EventQuery(cid, kinds=("call", "system"))) == 5
    assert store.count_events(EventQuery(cid, kinds=("message",))) == 50


def test_withdrawn_and_superseded_items_leave_case_wide_event_reads(
        store: MetadataStore) -> None:
    case = a_case(store)
    cid = case.id or 0
    at = instant.from_user_text("2026-03-04 21:00", case.time_zone)
    with store.transaction() as tx:
        one = tx.add_item(*an_item(case, "01" * 32))
        two = tx.add_item(*an_item(case, "02" * 32))
        three = tx.add_item(*an_item(case, "03" * 32))
        for item in (one, two, three):
            tx.add_events(item, [Event(None, cid, item.id, "call", at, item.label,
                                       actor="phone:+32470000000")])
        tx.add_events(None, [Event(None, cid, None, "call", at, "typed, no item")])
    with store.transaction() as tx:
        tx.withdraw_item(one, "wrong", at)
        tx.add_correction(three, two, "typo", at)
    assert store.hidden_item_ids(cid) == (one.id, two.id)
    assert sorted(e.text for e in store.events(cid)) == ["E-0003", "typed, no item"]
    assert store.count_events(EventQuery(cid)) == 2
    assert sorted(h.event.text for h in store.search_events(EventQuery(cid))) == [
        "E-0003", "typed, no item"]
    assert store.count_events(EventQuery(cid, item_ids=(one.id or 0,))) == 1  # by name
    assert sum(c.count for c in store.actor_counts(cid)) == 2
    assert sum(c.count for c in store.actor_counts(cid, one.id)) == 1
    assert sum(d.count for d in store.day_counts(cid)) == 2
    assert len(list(store.event_rows(cid))) == 2
    assert set(store.event_kinds_by_item(cid, ("call",))) == {three.id, 0}
    assert len(store.items(cid)) == 3  # the register keeps every item
    with store.transaction() as tx:
        tx.restore_item(one, "right after all")
    assert store.withdrawals(cid) == [] and store.hidden_item_ids(cid) == (two.id,)
    with store.leaving_out(frozenset({one.id or 0})):  # a dossier without E-0001
        assert store.hidden_item_ids(cid) == (one.id, two.id)
        assert sorted(e.text for e in store.events(cid)) == ["E-0003", "typed, no item"]
    assert store.hidden_item_ids(cid) == (two.id,)
    with pytest.raises(ValueError), store.transaction() as tx:
        tx.restore_item(one, "twice")
    (correction,) = store.corrections(cid)
    assert (correction.item_id, correction.supersedes, correction.reason) == (
        three.id, two.id, "typo")
    actions = [e.action for e in store.custody(case_chain(cid))]
    assert actions.count("item.withdrawn") == 1 and actions.count("item.restored") == 1
    assert actions.count("item.corrected") == 1


def test_chain_heads_entry_hashes_and_pages(store: MetadataStore) -> None:
    case = a_case(store)
    chain = case_chain(case.id or 0)
    heads = store.chain_heads()
    assert heads == {c: store.chain_head(c) for c in store.chains()} and chain in heads
    assert store.entry_hash(chain, 1) == store.custody(chain)[0].hash
    assert store.entry_hash(chain, 99) is None and store.entry_hash("no-chain", 1) is None
    assert store.damaged_pages() == 0


def test_keyset_positions_capped_counts_and_buckets(store: MetadataStore) -> None:
    """#32: pages by position (undated first, then time, then id), a count that stops
    after ``cap + 1``, the position at an offset, and counts per ten minutes (or hour)."""
    from spoorvast.model.conversation import Position

    case = a_case(store)
    cid = case.id or 0
    times = [None, 1_770_000_000, 1_770_000_000, 1_770_000_300, 1_770_003_900]
    with store.transaction() as tx:
        item = tx.add_item(*an_item(case))
        tx.add_events(item, [
            Event(None, cid, None, "message" if n % 2 else "call",
                  instant.from_epoch(t, "Europe/Brussels") if t else None, f"geld {n}",
                  actor="name:x:Jan") for n, t in enumerate(times)])
    ordered = [h.event for h in store.search_events(EventQuery(cid))]
    assert [e.seq for e in ordered] == [1, 2, 3, 4, 5]
    at = [Position(e.instant.utc if e.instant else None, e.id or 0) for e in ordered]
    after = store.search_events(EventQuery(cid, after=at[1], limit=2))
    assert [h.event.seq for h in after] == [3, 4]
    before = store.search_events(EventQuery(cid, before=at[3], limit=10))
    assert [h.event.seq for h in before] == [1, 2, 3]
    assert [h.event.seq for h in store.search_events(EventQuery(cid, after=at[0]))] == [
        2, 3, 4, 5]
    assert store.count_events(EventQuery(cid, before=at[4])) == 4
    assert store.event_position(EventQuery(cid, offset=2)) == at[2]
    assert store.event_position(EventQuery(cid, offset=5)) is None
    assert store.count_events(EventQuery(cid, text="geld"), cap=2) == 3
    assert store.count_events(EventQuery(cid, text="geld"), cap=10) == 5
    tens = store.event_buckets(cid)
    assert [(b.start.hour, b.start.minute, b.kind, b.count) for b in tens] == [
        (2, 40, "call", 1), (2, 40, "message", 2), (3, 40, "call", 1)]
    hours = store.event_buckets(cid, minutes=60)
    assert sum(b.count for b in hours) == 4 and {b.start.minute for b in hours} == {0}
    assert all(b.item_id == item.id for b in hours)
    rows = list(store.event_rows(cid, since=tens[0].start, until=tens[2].start))
    assert len(rows) == 3
