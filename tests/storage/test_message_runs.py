"""A stream in which runs of messages come as columns (:class:`MessageRun`) between
single events stores exactly the rows, marks and digest its events one by one store,
wherever the chunks are cut."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.model import instant
from spoorvast.model.instant import OffsetSource, Precision
from spoorvast.model.message_run import MessageRun, each_event
from spoorvast.model.records import Case, Event, Location
from spoorvast.storage import sqlite_events
from spoorvast.storage.base import case_chain
from spoorvast.storage.sqlite import SqliteStore
from tests.storage.test_contract import an_item

ZONE = "Europe/Brussels"
SHA = "cd" * 32
TEXT = st.one_of(st.text(max_size=6), st.sampled_from(["'", "é🙂", "\u202f", "a\x00b"]))
ACTOR = st.sampled_from([None, "account:telegram:user1", "name:telegram:Jan 'x'"])


@st.composite
def runs(draw: st.DrawFn) -> MessageRun:
    """Telegram's shape (JSON pointers, the chat as context, a message number) or
    WhatsApp's (lines, a non-contact detail of its own, wall times of the case zone)."""
    count = draw(st.integers(1, 6))
    stamps = draw(st.lists(st.integers(0, 4_102_444_800), min_size=count, max_size=count))
    offsets = [instant.from_epoch(s, ZONE).offset_seconds for s in stamps]
    raws = draw(st.lists(st.text(max_size=4), min_size=count, max_size=count))
    texts = draw(st.lists(TEXT, min_size=count, max_size=count))
    actors = draw(st.lists(ACTOR, min_size=count, max_size=count))
    if draw(st.booleans()):
        own = draw(st.lists(st.sampled_from([(), (("non_contact", "1"),)]), min_size=count,
                            max_size=count))
        return MessageRun(1, "message", ZONE, SHA, stamps, offsets, raws, texts, actors,
                          None, draw(st.sampled_from([(), (("chat", "x"),)])), None, None,
                          lines=list(range(1, count + 1)), own=own,
                          source=OffsetSource.ASSUMED_ZONE,
                          precision=draw(st.sampled_from(list(Precision))))
    context = draw(st.sampled_from([(), (("chat", "Synthetic % chat \"q\""),),
                                    (("chat", "Groep"), ("chat_id", "-100"))]))
    return MessageRun(1, "message", ZONE, SHA, stamps, offsets, raws, texts, actors,
                      [f"/messages/{n}" for n in range(count)], context, "message_id",
                      draw(st.lists(st.integers(-(2**70), 2**70), min_size=count,
                                    max_size=count)))


@st.composite
def single(draw: st.DrawFn) -> Event:
    moment = instant.from_epoch(draw(st.integers(0, 4_102_444_800)), ZONE)
    return Event(None, 1, None, draw(st.sampled_from(["message", "call", "system"])),
                 moment, draw(TEXT), None, Location(SHA, draw(st.integers(1, 9))),
                 draw(st.booleans()), draw(ACTOR),
                 draw(st.sampled_from([(), ("ab" * 32,)])),
                 draw(st.sampled_from([(), (("direction", "in"),)])))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteStore]:
    found = SqliteStore(Path(tmp_path_factory.mktemp("runs")) / "db", secrets.token_bytes(32))
    yield found
    found.close()


ROWS = (f"SELECT {sqlite_events.CONTENT_COLUMNS}, marked FROM events WHERE item_id = ? "
        "ORDER BY seq")


@pytest.mark.slow  # 5-10 s: in the full run only
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(runs(), single()), min_size=1, max_size=8), st.integers(1, 9))
def test_runs_store_what_their_events_store(store: SqliteStore,
                                            monkeypatch: pytest.MonkeyPatch,
                                            stream: list[object], chunk: int) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_events, "CHUNK", chunk)
        with store.transaction() as tx:
            case = tx.add_case(Case(None, "Synthetic", "nl", ZONE, instant.now(ZONE)))
            as_runs, one_by_one = tx.add_item(*an_item(case)), tx.add_item(*an_item(case))
            # storage takes the case from the item: the records' case_id (1) is not read
            assert tx.add_events(as_runs, stream) == tx.add_events(  # type: ignore[arg-type]
                one_by_one, list(each_event(stream)))  # type: ignore[arg-type]
    rows = store.conn.execute(ROWS, (as_runs.id,)).fetchall()
    assert rows == store.conn.execute(ROWS, (one_by_one.id,)).fetchall()
    logged = {e.payload["id"]: e.payload["data"]
              for e in store.custody(case_chain(case.id or 0))
              if e.payload.get("record") == "events"}
    assert logged[as_runs.id] == logged[one_by_one.id]
    assert all(logged.get(i, data) == data for r, i, data in store.record_rows()
               if r == "events")



def test_a_chunk_is_made_before_the_stream_is_read_far_ahead() -> None:
    """A run stands for thousands of events: the chunks take the stream item by item,
    so the first chunk comes after about CHUNK events, not after the whole export."""
    from spoorvast.storage.sqlite_event_columns import Bases
    pulled = []

    def stream() -> Iterator[MessageRun]:
        for n in range(100):
            pulled.append(n)
            yield MessageRun(1, "message", ZONE, SHA, [n] * 1000, [0] * 1000, ["r"] * 1000,
                             ["t"] * 1000, [None] * 1000, ["/m"] * 1000, (), "id",
                             [n] * 1000)

    chunks = iter(sqlite_events._Chunks(1, 1, 0, stream(), Bases([])))
    first = next(chunks)
    assert first.count == len(pulled) * 1000 and len(pulled) == -(-sqlite_events.CHUNK // 1000)
    assert sum(c.count for c in chunks) == 100_000 - first.count
