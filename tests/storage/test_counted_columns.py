"""A chunk's columns that count up by one (``seq``, a WhatsApp chunk's lines) are made in
SQL from the row's position instead of travelling in the JSON: stored exactly as binding
stores them, and only when every value is an int in 64 bits (1.0 and True equal 1 but are
not stored as 1)."""

from __future__ import annotations

import contextlib

import sqlcipher3
from hypothesis import given, settings
from hypothesis import strategies as st

from spoorvast.model.message_run import Affixed, affixed
from spoorvast.storage.sqlite_event_chunks import (
    _INSERT,
    _INSERT_COLUMNS,
    FOLD_FROM,
    column_chunk,
    joined,
)

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


FIELD, DETAILS = _INSERT_COLUMNS.index("loc_field"), _INSERT_COLUMNS.index("details")


def test_affixed_columns_are_made_in_sql() -> None:
    """A run's JSON pointers (numbers counting up) and its details (message ids with gaps,
    affixes holding a quote and a percent sign) are made in SQL from their numbers, and
    stored exactly as the texts are."""
    count = FOLD_FROM + 9
    ids = [n * 3 - 40 for n in range(count)]
    columns = _columns(count, 1, [None] * count, [f"m{n}" for n in range(count)])
    columns[FIELD] = affixed("/chats/list/3/messages/", list(range(12, 12 + count)))
    columns[DETAILS] = affixed("[[\"chat\",\"Jan's 100%\"],[\"message_id\",\"", ids, '"]]')
    assert type(columns[FIELD]) is Affixed and type(columns[DETAILS]) is Affixed
    assert columns[DETAILS][2] == "[[\"chat\",\"Jan's 100%\"],[\"message_id\",\"-34\"]]"
    rows, sql = _stored(columns, count)
    assert "'/chats/list/3/messages/' || ((12 + key))" in sql
    assert "|| (value ->> 1) ||" in sql and sql.count("value ->>") == 2  # text, id
    assert rows[0][FIELD] == "/chats/list/3/messages/12" and rows[0][DETAILS].endswith('"-40"]]')


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([0, -5, (1 << 63) - 40, -(1 << 63), 1 << 63, -(1 << 63) - 1]),
       st.sampled_from(["/m/", "a'b", "", "n\x00l", "\ud800", "100%d"]),
       st.sampled_from(["", '"]]', "\x00", "%s"]), st.booleans())
def test_affixed_texts_stored_exactly(first: int, prefix: str, suffix: str,
                                      gaps: bool) -> None:
    """Whatever the numbers (near and beyond the ends of 64 bits) and affixes (a NUL, a
    lone surrogate, percent signs), the stored texts are the column's texts; affixes SQL
    cannot hold or numbers beyond 64 bits travel as texts."""
    count = FOLD_FROM + 3
    numbers = [first + (2 * n if gaps else n) for n in range(count)]
    column = affixed(prefix, numbers, suffix)
    assert column == [f"{prefix}{n}{suffix}" for n in numbers]
    columns = _columns(count, 1, [None] * count, ["x"] * count)
    columns[DETAILS] = column
    with contextlib.suppress(sqlcipher3.Error, UnicodeEncodeError):  # (binding refuses a
        # lone surrogate: so do the plain rows)
        _stored(columns, count)


def test_affixed_only_for_ints_and_joined_only_alike() -> None:
    assert type(affixed("p", [1, True, 3])) is list  # "%d" of True is 1: not an int
    assert affixed("p", [1, True]) == ["p1", "p1"]
    assert type(affixed("p", [])) is list
    one, two = affixed("p", [1, 2]), affixed("p", [5])
    both = joined([one, two])
    assert type(both) is Affixed and both == ["p1", "p2", "p5"] and both.numbers == [1, 2, 5]
    for other in (affixed("q", [5]), ["p5"], affixed("p", [5], "s")):
        mixed = joined([one, other])
        assert type(mixed) is list and mixed == [*one, *other]
    assert type(one[:1]) is list  # a slice is a plain list


def test_an_affixed_column_changed_is_stored_as_its_texts() -> None:
    count = FOLD_FROM
    columns = _columns(count, 1, [None] * count, ["x"] * count)
    columns[FIELD] = affixed("/m/", list(range(count)))
    columns[FIELD][-1] = "/m/changed"
    _rows, sql = _stored(columns, count)
    assert "'/m/'" not in sql
