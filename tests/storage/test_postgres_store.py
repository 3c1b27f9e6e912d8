"""The PostgreSQL metadata store against the embedded one: the same operations give the
same custody entries (all but time and hashes, which depend on the time), the same event
digests and the same events read back, whatever the values (U+0000, which PostgreSQL's
text cannot hold, quotes, emoji, runs of messages cut into chunks anywhere)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.errors import UserError
from spoorvast.model import instant
from spoorvast.model.conversation import EventQuery
from spoorvast.model.custody import check_chain
from spoorvast.model.message_run import each_event
from spoorvast.model.records import (
    Artifact,
    Case,
    Event,
    Identifier,
    IdentifierKind,
    Item,
    Party,
    PartyRole,
    Problem,
    Severity,
)
from spoorvast.storage import sqlite_events
from spoorvast.storage.base import MetadataStore, case_chain
from spoorvast.storage.postgres import PostgresStore
from spoorvast.storage.sqlite import SqliteStore
from tests.storage.test_contract import an_item
from tests.storage.test_message_runs import runs, single

ZONE = "Europe/Brussels"


@pytest.fixture
def both(metadata_url: str, tmp_path: Path) -> Iterator[tuple[SqliteStore, PostgresStore]]:
    embedded = SqliteStore(tmp_path / "db", secrets.token_bytes(32))
    server = PostgresStore(metadata_url)
    yield embedded, server
    embedded.close()
    server.close()


AT = instant.from_epoch(1_770_000_000, ZONE)


def fixed_item(case: Case, sha: str = "ab" * 32) -> tuple[Item, list[Artifact]]:
    """:func:`an_item` at a fixed time (so both backends log the same values)."""
    item, artifacts = an_item(case, sha)
    file = replace(item.file, modified_at=AT, changed_at=AT) if item.file else None
    return (replace(item, acquired_at=AT, file=file),
            [replace(a, created_at=AT) for a in artifacts])


def _same_operations(store: MetadataStore) -> None:
    at = AT
    with store.transaction() as tx:
        case = tx.add_case(Case(None, "Synthetic 'case'", "nl", ZONE, at, "é\U0001f642"))
        cid = case.id or 0
        item = tx.add_item(*fixed_item(case), problems=[Problem(Severity.WARNING, "x",
                                                             (("line", "3"),))])
        party = tx.add_party(Party(None, cid, PartyRole.OTHER, "Jan", ""))
        ident = tx.add_identifier(Identifier(None, cid, IdentifierKind.PHONE, "+32470000000",
                                             party.id))
        tx.add_events(item, [Event(None, cid, None, "message", at, f"m{n} a\x00b", actor=a)
                             for n, a in enumerate(["name:x:Jan", None, "name:x:Anna"] * 3)])
        tx.add_events(None, [Event(None, cid, None, "call", at, "", actor="phone:+32")])
        tx.add_events(item, [Event(None, cid, None, "message", at, "later")])
    with store.transaction() as tx:
        events = store.events(cid, item.id)
        tx.set_event_marks(cid, [events[1].id or 0, events[4].id or 0], True)
        tx.set_event_marks(cid, [events[1].id or 0], False)
        tx.update_identifier(ident)
        later = tx.add_item(*fixed_item(case, "cd" * 32))
        tx.withdraw_item(later, "by mistake", at)
        tx.restore_item(later, "not a mistake")
        tx.set_setting("current_case", str(cid))


def _comparable(store: MetadataStore) -> list[tuple[object, ...]]:
    """Every chain's entries without their time and hashes (which depend on the time)."""
    found: list[tuple[object, ...]] = []
    for chain in store.chains():
        entries = store.custody(chain)
        assert list(check_chain(entries)) == []
        assert store.chain_head(chain) == (entries[-1].seq, entries[-1].hash)
        found.extend((e.chain, e.seq, e.actor, e.action, e.subject, e.payload)
                     for e in entries)
    return found


def test_the_same_operations_log_the_same_entries(
        both: tuple[SqliteStore, PostgresStore]) -> None:
    embedded, server = both
    for store in both:
        _same_operations(store)
    assert _comparable(embedded) == _comparable(server)
    assert list(embedded.record_rows()) == list(server.record_rows())
    for store in both:
        logged = {(e.payload["record"], e.payload["id"]): e.payload["data"]
                  for chain in store.chains() for e in store.custody(chain)
                  if "record" in e.payload}
        assert all(logged[(r, i)] == data for r, i, data in store.record_rows())
    assert embedded.events(1) == server.events(1)
    assert [e.text for e in server.events(1, 1)][:1] == ["m0 a\x00b"]
    assert embedded.actor_counts(1) == server.actor_counts(1)
    assert embedded.day_counts(1) == server.day_counts(1)
    assert list(embedded.event_rows(1)) == list(server.event_rows(1))
    assert embedded.settings_under("current") == server.settings_under("current")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(runs(), single()), min_size=1, max_size=8), st.integers(1, 9))
def test_streams_store_the_same_on_both(both: tuple[SqliteStore, PostgresStore],
                                        monkeypatch: pytest.MonkeyPatch,
                                        stream: list[object], chunk: int) -> None:
    digests, read = [], []
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_events, "CHUNK", chunk)
        for store in both:
            with store.transaction() as tx:
                case = tx.add_case(Case(None, "Synthetic", "nl", ZONE, instant.now(ZONE)))
                item = tx.add_item(*an_item(case))
                tx.add_events(item, stream)  # type: ignore[arg-type]
                tx.add_events(item, list(each_event(stream))[:2])  # type: ignore[arg-type]
            entries = [e.payload["data"] for e in store.custody(case_chain(case.id or 0))
                       if e.payload.get("record") == "events"]
            digests.append(entries)
            read.append([(e.seq, e.kind, e.instant, e.text, e.actor, e.location, e.marked,
                          e.attachments, e.details) for e in store.events(case.id or 0,
                                                                          item.id)])
            assert all(dict(entries and [(item.id, entries[-1])]).get(i, data) == data
                       for r, i, data in store.record_rows() if r == "events")
    assert digests[0] == digests[1]
    assert read[0] == read[1]


@pytest.mark.parametrize(("words", "found"), [
    ("GELD", 1), ("geld", 1), ("géld", 1), ("gel*", 1), ("ge*", 2), ("example", 1),
    ("anna@example.org", 1), ("EXAMPLE.ORG", 1), ("mijn geld", 1), ("geld niets", 0),
    ("\"geld\"", 1), ("!!!", 0), ("'", 0), ("o'brien", 1), ("back\\slash", 1),
    ("привет", 1), ("ПРИВЕТ", 1), ("straße", 1), ("zz*", 0)])
def test_words_find_the_same_events_on_both(both: tuple[SqliteStore, PostgresStore],
                                            words: str, found: int) -> None:
    at = instant.from_epoch(1_770_000_000, ZONE)
    texts = ["Waar is mijn géld", "niets gezien", "mail anna@example.org", "O'Brien",
             "back\\slash", "Привет мир", "Straße"]
    for store in both:
        with store.transaction() as tx:
            case = tx.add_case(Case(None, "Synthetic", "nl", ZONE, at))
            item = tx.add_item(*an_item(case))
            tx.add_events(item, [Event(None, 1, None, "message", at, t) for t in texts])
    counts = [store.count_events(EventQuery(1, text=words)) for store in both]
    hits = [[h.event.text for h in store.search_events(EventQuery(1, text=words))]
            for store in both]
    assert counts == [found, found]
    assert sorted(hits[0]) == sorted(hits[1]) and len(hits[1]) == found


def test_a_database_without_the_store_is_not_made_one_unasked(postgres: object,
                                                             metadata_url: str) -> None:
    from tests.servers import Postgres

    assert isinstance(postgres, Postgres)
    empty = postgres.create_database("spoorvast_empty_" + secrets.token_hex(4))
    with pytest.raises(UserError):
        PostgresStore(empty, create=False)
    PostgresStore(empty).close()  # made on request
    PostgresStore(empty, create=False).close()


def test_a_server_that_is_not_there_is_a_clear_error() -> None:
    from tests.servers import free_port

    with pytest.raises(UserError, match="cannot be reached") as raised:
        PostgresStore(f"postgresql://nobody:secret-pw@127.0.0.1:{free_port()}/x")
    assert "secret-pw" not in str(raised.value)


def test_a_writer_waits_at_most_as_long_as_asked(metadata_url: str) -> None:
    first, second = PostgresStore(metadata_url), PostgresStore(metadata_url)
    try:
        with first.transaction() as tx:
            tx.set_setting("k", "1")
            with pytest.raises(UserError, match="busy"), second.waiting_at_most(50), \
                    second.transaction() as other:
                other.set_setting("k", "2")
        assert second.setting("k") == "1"
        with second.transaction() as other:  # the usual wait again afterwards
            other.set_setting("k", "3")
        assert first.setting("k") == "3"
    finally:
        first.close()
        second.close()


def test_two_writers_at_once_never_fork_the_chain(metadata_url: str) -> None:
    """Two connections (as two processes would) adding items at the same time: one writer
    at a time (the advisory lock), so item numbers and custody entries never collide."""
    import threading

    stores = [PostgresStore(metadata_url), PostgresStore(metadata_url)]
    try:
        with stores[0].transaction() as tx:
            case = tx.add_case(Case(None, "Synthetic", "nl", ZONE, AT))
        failures: list[BaseException] = []

        def add(store: PostgresStore) -> None:
            try:
                for _ in range(15):
                    with store.transaction() as tx:
                        tx.add_item(*fixed_item(case))
            except BaseException as exc:  # reported below
                failures.append(exc)

        threads = [threading.Thread(target=add, args=(s,)) for s in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        entries = stores[1].custody(case_chain(case.id or 0))
        assert list(check_chain(entries)) == [] and len(entries) == 1 + 30 * 2
        assert [i.number for i in stores[1].items(case.id or 0)] == list(range(1, 31))
    finally:
        for store in stores:
            store.close()


def test_u0000_in_a_query_or_a_title(metadata_url: str) -> None:
    store = PostgresStore(metadata_url)
    try:
        with store.transaction() as tx:
            case = tx.add_case(Case(None, "Synthetic", "nl", ZONE, AT))
            tx.add_events(None, [Event(None, case.id or 0, None, "message", AT, "x",
                                       actor="name:x:a\x00b")])
        assert store.count_events(EventQuery(case.id or 0, actors=("name:x:a\x00b",))) == 1
        assert store.count_events(EventQuery(case.id or 0, text="a\x00b")) == 0
        with pytest.raises(UserError, match="U\\+0000"), store.transaction() as tx:
            tx.add_case(Case(None, "a\x00b", "nl", ZONE, AT))
        assert len(store.cases()) == 1
    finally:
        store.close()
