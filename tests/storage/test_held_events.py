"""A bulk transaction holds back custody rows and the events of its new items and writes
them many at a time: it stores exactly what writing them one at a time stores (rows,
ids, bases, counts, index, custody payloads and links), reads through the store see
them, and a rollback leaves nothing."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spoorvast.model import custody as chainlib
from spoorvast.model.conversation import EventQuery
from spoorvast.model.instant import Instant, OffsetSource, Precision
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    Event,
    Identifier,
    IdentifierKind,
    Item,
    ItemKind,
    Location,
)
from spoorvast.storage import sqlite_events
from spoorvast.storage.base import case_chain
from spoorvast.storage.sqlite import SqliteStore, SqliteTransaction
from spoorvast.storage.sqlite_event_columns import ColumnsDigest, event_columns

T0 = datetime(2026, 3, 3, 21, 15, tzinfo=UTC)


def _instant(minutes: int, micro: int = 0, zone: str | None = "Europe/Brussels"
             ) -> Instant:
    return Instant(T0 + timedelta(minutes=minutes, microseconds=micro), 3600,
                   OffsetSource.EXPLICIT, Precision.SECOND, zone, f"raw {minutes}")


def _sha(n: int) -> str:
    return f"{n:064x}"


def _event(n: int, sha: str | None, **changes: object) -> Event:
    values: dict[str, object] = dict(
        id=None, case_id=0, item_id=None, kind="email", instant=_instant(n),
        text=f"bericht {n} over de afspraak", actor=f"email:p{n % 3}@example.org",
        location=Location(sha, line=n, byte_start=0, byte_end=10 + n),
        details=(("subject", f"onderwerp {n}"),))
    values.update(changes)
    return Event(**values)  # type: ignore[arg-type]


INSTANTS = st.one_of(st.none(), st.builds(
    Instant, st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1),
                          timezones=st.just(UTC)),
    st.integers(-50400, 50400), st.sampled_from(OffsetSource),
    st.sampled_from(Precision), st.one_of(st.none(), st.text(max_size=5)),
    st.one_of(st.none(), st.text(max_size=5))))
LOCATIONS = st.one_of(st.none(), st.builds(
    Location, st.one_of(st.none(), st.just(_sha(1))), st.one_of(st.none(), st.integers(0, 9)),
    st.one_of(st.none(), st.integers(0, 9)), st.none(), st.one_of(st.none(), st.text(max_size=3)),
    st.one_of(st.none(), st.tuples(*[st.integers(0, 99)] * 4))))
EVENTS = st.builds(
    Event, st.none(), st.just(4), st.just(9), st.sampled_from(["email", "message", "call"]),
    INSTANTS, st.text(max_size=6), st.one_of(st.none(), st.integers(1, 5)), LOCATIONS,
    st.just(False), st.one_of(st.none(), st.text(max_size=4)),
    st.lists(st.just(_sha(2)), max_size=2).map(tuple),
    st.lists(st.tuples(st.text(max_size=3), st.text(max_size=3)), max_size=2).map(tuple))


@settings(max_examples=60, deadline=None)
@given(st.lists(EVENTS, min_size=1, max_size=6))
def test_short_columns_are_event_columns(events: list[Event]) -> None:
    assert sqlite_events.short_columns(events, 4, 9) == event_columns(events, 4, 9, 1)


@settings(max_examples=60, deadline=None)
@given(st.lists(EVENTS, min_size=1, max_size=6))
def test_columns_digest_is_the_incremental_digest(events: list[Event]) -> None:
    columns = event_columns(events, 4, 9, 1)[2:]
    digest = ColumnsDigest(len(columns))
    digest.add_columns(columns)
    assert sqlite_events.columns_digest(columns) == digest.result()


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[SqliteStore, SqliteStore]]:
    made = [SqliteStore(tmp_path / name, secrets.token_bytes(32)) for name in ("a", "b")]
    for store in made:
        with store.transaction() as tx:
            tx.add_case(Case(None, "zaak", "nl", "Europe/Brussels", _instant(0)))
    yield made[0], made[1]
    for store in made:
        store.close()


def _items(tx: SqliteTransaction, store: SqliteStore) -> list[int]:
    """A mix: held (one event, a few, bases shared between items and with a basis
    stored before), and the ordinary way (NUL text, marked, long, lazy, empty, the
    case's own), each with custody entries between; counts read inside the
    transaction."""
    seen: list[int] = []
    specs: list[tuple[str, list[Event] | Iterator[Event]]] = [
        ("one", [_event(1, _sha(1))]),
        ("few", [_event(n, _sha(2)) for n in range(2, 5)]),
        ("same artifact as one", [_event(5, _sha(1)), _event(6, None, instant=None)]),
        ("nul", [_event(7, _sha(3), text="a\x00b")]),
        ("after nul", [_event(8, _sha(3))]),
        ("marked", [_event(9, _sha(4)), _event(10, _sha(4), marked=True)]),
        ("long", [_event(n, _sha(5)) for n in range(20)]),
        ("lazy", iter([_event(30, _sha(6)), _event(31, _sha(6))])),
        ("empty", []),
        ("late", [_event(60 * 24 * 400, _sha(8), instant=_instant(60 * 24 * 400, 7))]),
    ]
    for n, (title, events) in enumerate(specs):
        sha = _sha(n % 8 + 1)
        item = tx.add_item(Item(None, 1, 0, ItemKind.EMAIL if n % 2 else
                                ItemKind.CONVERSATION, title, _instant(0), "test"),
                           [Artifact(None, None, ArtifactRole.ORIGINAL, "message/rfc822",
                                     10, sha, f"{title}.eml", _instant(0))])
        tx.add_events(item, [_with_case(e) for e in events] if isinstance(events, list)
                      else (_with_case(e) for e in events))
        tx.add_identifier(Identifier(None, 1, IdentifierKind.EMAIL, f"p{n}@example.org",
                                     item_id=item.id, location=Location(sha, line=n)))
        assert item.id is not None
        seen.append(store.count_events(EventQuery(1, item_ids=(item.id,))))
        if n == 4:
            tx.add_events(None, [_with_case(_event(40, None))])  # the case's own
    return seen


def _with_case(event: Event) -> Event:
    return Event(**{**{f: getattr(event, f) for f in event.__slots__}, "case_id": 1})  # type: ignore[attr-defined]


TABLES = ("items", "artifacts", "identifiers", "event_rows", "event_bases", "event_counts",
          "findings")


def _contents(store: SqliteStore) -> dict[str, object]:
    found: dict[str, object] = {
        table: store.conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        for table in TABLES}
    found["custody"] = store.conn.execute(
        "SELECT chain, seq, actor, action, subject, payload FROM custody ORDER BY rowid"
    ).fetchall()
    found["fts"] = store.conn.execute(
        "SELECT rowid FROM events_fts WHERE events_fts MATCH 'afspraak' ORDER BY rowid"
    ).fetchall()
    found["fts rows"] = store.conn.execute("SELECT count(*) FROM events_fts").fetchall()
    return found


def test_a_bulk_transaction_stores_what_one_at_a_time_stores(
        stores: tuple[SqliteStore, SqliteStore], monkeypatch: pytest.MonkeyPatch) -> None:
    bulk, plain = stores
    with bulk.transaction(bulk=True) as tx:
        tx.add_events(None, [_with_case(_event(0, None))])  # a basis stored before
        held_counts = _items(tx, bulk)
    with plain.transaction() as tx:
        tx.add_events(None, [_with_case(_event(0, None))])
        plain_counts = _items(tx, plain)
    assert held_counts == plain_counts == [1, 3, 2, 1, 1, 2, 20, 2, 0, 1]
    assert _contents(bulk) == _contents(plain)
    entries = bulk.custody(case_chain(1))
    assert list(chainlib.check_chain(entries)) == []
    assert bulk.chain_head(case_chain(1)) == (entries[-1].seq, entries[-1].hash)
    last = {e.payload["id"]: e.payload["data"] for e in entries  # as verify reads them
            if e.payload.get("record") == "events"}
    assert len(last) == 10
    for item_id, data in last.items():
        assert sqlite_events.stored_digest(bulk.conn, 1, item_id) == data  # type: ignore[arg-type]


def test_held_rows_are_written_in_batches(stores: tuple[SqliteStore, SqliteStore],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``HELD_ROWS`` the held events are written during the transaction."""
    bulk, plain = stores
    monkeypatch.setattr(sqlite_events, "HELD_ROWS", 2)
    for opened in (bulk.transaction(bulk=True), plain.transaction()):
        with opened as tx:
            for n in range(7):
                item = tx.add_item(Item(None, 1, 0, ItemKind.EMAIL, f"m{n}", _instant(0),
                                        "test"), [])
                tx.add_events(item, [_with_case(_event(n, _sha(n % 3)))])
    assert _contents(bulk) == _contents(plain)


def test_a_rollback_leaves_no_held_row(stores: tuple[SqliteStore, SqliteStore]) -> None:
    bulk, _plain = stores
    before = _contents(bulk)
    with pytest.raises(RuntimeError), bulk.transaction(bulk=True) as tx:
        item = tx.add_item(Item(None, 1, 0, ItemKind.EMAIL, "m", _instant(0), "test"), [])
        tx.add_events(item, [_with_case(_event(1, _sha(1)))])
        raise RuntimeError("stop")
    assert _contents(bulk) == before
    with bulk.transaction() as tx:  # and the next transaction starts clean
        item = tx.add_item(Item(None, 1, 0, ItemKind.EMAIL, "m", _instant(0), "test"), [])
        assert tx.add_events(item, [_with_case(_event(1, _sha(1)))]) == 1
    assert len(bulk.events(1, item.id)) == 1
