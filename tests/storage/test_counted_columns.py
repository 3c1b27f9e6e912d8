"""A chunk's columns that count up by one (``seq``, a WhatsApp chunk's lines) are made in
SQL from the row's position instead of travelling in the JSON: stored exactly as binding
stores them, and only when every value is an int in 64 bits (1.0 and True equal 1 but are
not stored as 1)."""

from __future__ import annotations

import contextlib

import sqlcipher3
from hypothesis import given, settings
from hypothesis import strategies as st

from spoorvast.storage.sqlite_event_chunks import _INSERT, _INSERT_COLUMNS, FOLD_FROM, column_chunk

WIDTH = len(_INSERT_COLUMNS)
SEQ, LINE = _INSERT_COLUMNS.index("seq"), _INSERT_COLUMNS.index("loc_line")


def _columns(count: int, first: int, line: list[object], text: list[str]) -> list[list[object]]:
    columns: list[list[object]] = [[None] * count for _ in range(WIDTH)]
    columns[0] = [1] * count
    columns[SEQ] = list(range(first, first + count))
    columns[_INSERT_COLUMNS.index("kind")] = ["message"] * count
    columns[_INSERT_COLUMNS.index("text")] = text
    columns[LINE] = line
    return columns


def _stored(columns: list[list[object]], count: int) -> tuple[list[tuple[object, ...]], str]:
    plain, chunked = sqlcipher3.connect(":memory:"), sqlcipher3.connect(":memory:")
    for conn in (plain, chunked):
        conn.execute(f"CREATE TABLE event_rows (id INTEGER PRIMARY KEY, "
                     f"{', '.join(_INSERT_COLUMNS)})")
    rows = list(zip(*columns, strict=True))
    plain.executemany(_INSERT, rows)
    chunk = column_chunk(columns, count)
    if chunk.blob is not None:
        chunked.execute(chunk.sql, (chunk.blob,))
    else:
        chunked.executemany(chunk.sql, chunk.rows)
    types = ", ".join(f"typeof({c})" for c in _INSERT_COLUMNS)
    query = f"SELECT {', '.join(_INSERT_COLUMNS)}, {types} FROM event_rows ORDER BY id"
    expected = plain.execute(query).fetchall()
    assert chunked.execute(query).fetchall() == expected
    return expected, chunk.sql


def test_counting_columns_are_made_in_sql() -> None:
    count = FOLD_FROM + 5
    texts = [f"message {n}" for n in range(count)]
    _rows, sql = _stored(_columns(count, 1, list(range(7, 7 + count)), texts), count)
    assert "(1 + key)" in sql and "(7 + key)" in sql  # seq and line: not in the JSON
    assert sql.count("value ->>") == 1  # the text only


@settings(max_examples=60, deadline=None)
@given(st.integers(FOLD_FROM, FOLD_FROM + 40),
       st.sampled_from([0, 1, -5, (1 << 63) - 30, -(1 << 63), 1 << 63, -(1 << 63) - 1]),
       st.one_of(st.none(), st.integers(0, 39)),
       st.sampled_from([None, 1.0, True, "7", 10**20]))
def test_only_exact_ints_count(count: int, first: int, odd_at: int | None,
                               odd: object) -> None:
    """A line column that counts but holds one value of another type (a float, a bool, a
    text, an int beyond 64 bits) is stored as binding stores it; starts near the ends of
    the 64-bit range too."""
    line: list[object] = list(range(first, first + count))
    if odd_at is not None and odd_at < count:
        line[odd_at] = odd if odd is not None else None
    with contextlib.suppress(OverflowError):  # beyond 64 bits: binding cannot store it
        _stored(_columns(count, 1, line, ["x"] * count), count)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from([None, "", "a", "é\u202f", 0, 5, False, True, 0.0, 1.5,
                                 "a\x00b", "\x00"]), min_size=1, max_size=4),
       st.booleans())
def test_text_columns_checked_by_joining(odd: list[object], texts_first: bool) -> None:
    """A column of texts and NULLs travels in the JSON (its NUL check is the type check:
    one ``join``); one that also holds an int, a bool, a float or a NUL is bound, so it
    is stored as binding stores it."""
    count = FOLD_FROM + 4
    base: list[object] = ["x", None] * (count // 2)
    actor = [*base[:count - len(odd)], *odd] if texts_first else [*odd, *base[len(odd):]]
    columns = _columns(count, 1, list(range(count)), [f"t{n}" for n in range(count)])
    columns[_INSERT_COLUMNS.index("actor")] = actor
    _stored(columns, count)
    chunk = column_chunk(columns, count)
    exact = all(v is None or type(v) is str for v in actor) and not any(
        "\x00" in v for v in actor if isinstance(v, str))
    assert (chunk.blob is not None) == exact
