"""Columns folded into the statement store exactly what binding them would store."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import sqlcipher3
from hypothesis import given, settings
from hypothesis import strategies as st

from spoorvast.storage.sqlite_event_chunks import (
    _INSERT,
    _INSERT_COLUMNS,
    folded_chunks,
    insert_chunks,
)
from spoorvast.storage.sqlite_event_columns import iso_times

VALUE = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=8),
                  st.sampled_from(["'", "''", "x'); DROP TABLE events; --", "\x00", "é"]))


def _table() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE TABLE event_rows (id INTEGER PRIMARY KEY, {', '.join(_INSERT_COLUMNS)})")
    return conn


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(VALUE, min_size=len(_INSERT_COLUMNS), max_size=len(_INSERT_COLUMNS))
                .map(tuple), min_size=1, max_size=12),
       st.integers(1, 5), st.booleans())
def test_folding_changes_nothing(rows: list[tuple[object, ...]], size: int,
                                 constant: bool) -> None:
    if constant:  # every row the same: every column folds
        rows = [rows[0]] * len(rows)
    plain, folded = _table(), _table()
    plain.executemany(_INSERT, rows)
    for sql, chunk in folded_chunks(rows, size):
        folded.executemany(sql, chunk)
    types = ", ".join(f"typeof({c})" for c in _INSERT_COLUMNS)
    query = f"SELECT {', '.join(_INSERT_COLUMNS)}, {types} FROM event_rows ORDER BY id"
    assert plain.execute(query).fetchall() == folded.execute(query).fetchall()


JSON_VALUE = st.one_of(VALUE, st.sampled_from(["\ud800", "a\x00b", "\\u0000", "\U0001f642",
                                               "\u202f\u200e", "1e5", "null", "true"]),
                       st.integers(2**63, 2**70), st.booleans())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(JSON_VALUE, min_size=len(_INSERT_COLUMNS),
                         max_size=len(_INSERT_COLUMNS)).map(tuple), min_size=1, max_size=12),
       st.integers(1, 5))
def test_json_chunks_store_what_binding_stores(rows: list[tuple[object, ...]],
                                               size: int) -> None:
    """Values JSON cannot carry exactly (NUL, lone surrogates, big ints) fall back to
    binding; everything else goes through one JSON statement per chunk, unchanged."""
    plain, chunked = sqlcipher3.connect(":memory:"), sqlcipher3.connect(":memory:")
    for conn in (plain, chunked):
        conn.execute(f"CREATE TABLE event_rows (id INTEGER PRIMARY KEY, "
                     f"{', '.join(_INSERT_COLUMNS)})")
    try:
        plain.executemany(_INSERT, rows)
    except (OverflowError, UnicodeEncodeError):
        return  # a value no insert can store (an int beyond 64 bits, a lone surrogate)
    for chunk in insert_chunks(rows, size):
        if chunk.blob is not None:
            chunked.execute(chunk.sql, (chunk.blob,))
        else:
            chunked.executemany(chunk.sql, chunk.rows)
    types = ", ".join(f"typeof({c})" for c in _INSERT_COLUMNS)
    query = f"SELECT {', '.join(_INSERT_COLUMNS)}, {types} FROM event_rows ORDER BY id"
    assert plain.execute(query).fetchall() == chunked.execute(query).fetchall()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.datetimes(timezones=st.just(UTC)), min_size=1, max_size=20),
       st.booleans())
def test_iso_times_equal_isoformat(utcs: list[datetime], whole: bool) -> None:
    """The table-made texts of whole seconds (and the fallback for the others) are exactly
    what ``isoformat`` writes, from year 1 to 9999, before and after 1970."""
    if whole:
        utcs = [u.replace(microsecond=0) for u in utcs]
    assert iso_times(utcs) == [u.isoformat(timespec="microseconds") for u in utcs]


DETAILS = st.sampled_from([(), (("media", "omitted"),), (("non_contact", "1"),),
                           (("attachment", "IMG-0001.jpg"), ("edited", "1")), ("ab" * 32,)])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(DETAILS, st.tuples(st.tuples(st.text(max_size=3),
                                                       st.text(max_size=3)))),
                min_size=1, max_size=12))
def test_json_column_equals_one_dumps_per_value(values: list[tuple[object, ...]]) -> None:
    """Values that repeat are serialised once each, with the same text."""
    import orjson

    from spoorvast.storage.sqlite_event_columns import _json_column
    expected = [orjson.dumps(v).decode() if v else None for v in values]
    assert _json_column(values) == expected
    assert _json_column([*values, []]) == [*expected, None]  # type: ignore[list-item]
