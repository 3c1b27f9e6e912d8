"""Event rows made ready for the database a chunk at a time (on the producer thread).

Binding is most of the Python cost of a bulk insert, and ``executemany`` releases the
GIL row by row (which stalls a parsing thread, see :mod:`spoorvast.storage.prefetch`).
So each chunk's constant columns become literals in the statement, and its varying
columns travel as one JSON array read by a single ``INSERT … SELECT`` in C.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from spoorvast.model.message_run import Affixed
from spoorvast.storage.sqlite_events_schema import STORED_COLUMNS

Row = tuple[Any, ...]

CONTENT_COLUMNS = (
    "seq, kind, utc, offset_seconds, time_source, precision, zone, raw_time, text, actor, "
    "actor_identifier_id, loc_sha, loc_line, loc_start, loc_end, loc_field, loc_region, "
    "attachments, details"
)
# the stored columns (``event_rows``): the content columns, with the four that rows of one
# source share replaced by their ``basis`` (see :class:`~.sqlite_event_columns.Bases`)
_INSERT_COLUMNS = list(STORED_COLUMNS)
FOLD_FROM = 16  # rows in a chunk from which constant columns become literals
_INSERT = (f"INSERT INTO event_rows ({', '.join(_INSERT_COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(_INSERT_COLUMNS))})")


def _literal(value: object) -> str | None:
    """``value`` as an SQL literal, or None when it must stay a bound parameter."""
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    if type(value) is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _fold(columns: list[list[Any]], count: int) -> tuple[dict[int, str], list[list[Any]]]:
    """The columns holding one value throughout the chunk, as SQL literals, and the other
    columns (the comparison runs in C: ``list.count``)."""
    fixed: dict[int, str] = {}
    for n, column in enumerate(columns):
        first = column[0]  # most varying columns differ at the end already
        if column[-1] == first and column.count(first) == count:
            literal = _literal(first)
            if literal is not None:
                fixed[n] = literal
    return fixed, [columns[n] for n in range(len(columns)) if n not in fixed]


def _bound_statement(fixed: dict[int, str]) -> str:
    if not fixed:
        return _INSERT
    values = ", ".join(fixed.get(n, "?") for n in range(len(_INSERT_COLUMNS)))
    return f"INSERT INTO event_rows ({', '.join(_INSERT_COLUMNS)}) VALUES ({values})"


def _columns(chunk: list[Row]) -> list[list[Any]]:
    return [list(column) for column in zip(*chunk, strict=True)]


def folded_chunks(rows: Iterable[Row], size: int) -> Iterator[tuple[str, list[Row]]]:
    """Chunks of rows with the columns that hold one value throughout the chunk (the case,
    the item, the source artifact, the zone, NULLs…) written into the statement, so only
    the columns that vary are bound: binding is most of the Python cost of a bulk insert."""
    stream = iter(rows)
    while chunk := list(itertools.islice(stream, size)):
        fixed, varying = _fold(_columns(chunk), len(chunk))
        yield _bound_statement(fixed), _bound_rows(varying, len(chunk))


def _affixes(column: Affixed) -> tuple[str, str] | None:
    """The affixes of an :class:`Affixed` column as SQL literals, when the insert can make
    its texts (numbers in 64 bits, affixes UTF-8 without NUL), else None."""
    prefix, suffix = _literal(column.prefix), _literal(column.suffix)
    if prefix is None or suffix is None or not column.numbers:
        return None
    for n in (0, -1):  # (a column changed after it was made is stored as its texts)
        if column[n] != f"{column.prefix}{column.numbers[n]}{column.suffix}":
            return None
    if min(column.numbers) not in _INT64 or max(column.numbers) not in _INT64:
        return None
    try:
        (prefix + suffix).encode("utf-8")
    except UnicodeEncodeError:
        return None
    return prefix, suffix


def joined(parts: list[list[Any]]) -> list[Any]:
    """Pieces of one column, end to end: an :class:`Affixed` column when every piece is
    one with the same affixes."""
    column = list(itertools.chain.from_iterable(parts))
    first = parts[0]
    if type(first) is not Affixed or any(
            type(p) is not Affixed or p.prefix != first.prefix or p.suffix != first.suffix
            for p in parts):
        return column
    made = Affixed(column)
    made.prefix, made.suffix = first.prefix, first.suffix
    made.numbers = list(itertools.chain.from_iterable(
        p.numbers for p in parts if type(p) is Affixed))
    return made


def _bound_rows(varying: list[list[Any]], count: int) -> list[Row]:
    return list(zip(*varying, strict=True)) if varying else [()] * count


@dataclass(frozen=True, slots=True)
class Chunk:
    """Rows ready for the database: one statement over a JSON array of the varying
    columns (``blob``; SQLite reads it in C, without the GIL, so the producer keeps
    parsing meanwhile), or, for values JSON cannot carry exactly, ``executemany``."""

    sql: str
    count: int
    blob: bytes | None = None  # UTF-8 JSON, read as text (as a BLOB it would be JSONB)
    rows: list[Row] = field(default_factory=list)
    bases: list[Row] = field(default_factory=list)  # event_bases rows the chunk adds


def insert_chunks(rows: Iterable[Row], size: int) -> Iterator[Chunk]:
    """Chunks of ``size`` rows (in :data:`_INSERT_COLUMNS` order)."""
    stream = iter(rows)
    while chunk := list(itertools.islice(stream, size)):
        yield column_chunk(_columns(chunk), len(chunk))


def column_chunk(columns: list[list[Any]], count: int) -> Chunk:
    """One chunk from its columns (in :data:`_INSERT_COLUMNS` order): the columns that
    hold one value throughout become literals, the others travel as one JSON array. A
    chunk of a few rows (an e-mail's one event) is not folded: every column of one row
    is "constant", and a statement with its values as literals was compiled anew for
    every item (its text included), where one statement for all is prepared once."""
    fixed, varying = _fold(columns, count) if count >= FOLD_FROM else ({}, columns)
    # an Affixed column travels as its numbers (or nothing, when they count up by one)
    affixes: dict[int, tuple[str, str]] = {}
    for n, column in enumerate(columns) if count >= FOLD_FROM else ():
        if type(column) is Affixed and n not in fixed and len(column.numbers) == count:
            found = _affixes(column)
            if found is not None:
                affixes[n] = found
    sent = [c.numbers if n in affixes else c for n, c in enumerate(columns)]  # type: ignore[attr-defined]
    counting = _counting(sent, fixed, count) if count >= FOLD_FROM else {}
    blob = _json_rows([c for n, c in enumerate(sent) if n not in fixed and n not in counting],
                      count)
    if blob is None:
        return Chunk(_bound_statement(fixed), count, rows=_bound_rows(varying, count))
    picks, k = [], 0
    for n in range(len(_INSERT_COLUMNS)):
        if n in fixed:
            picks.append(fixed[n])
            continue
        if n in counting:
            pick = counting[n]
        else:
            pick = f"value ->> {k}"
            k += 1
        if n in affixes:  # (parenthesised: ->> binds as tightly as ||, left to right)
            prefix, suffix = affixes[n]
            pick = f"{prefix} || ({pick})" + ("" if suffix == "''" else f" || {suffix}")
        picks.append(pick)
    # jsonb_each walks the array in order, and the rows are inserted as it yields them
    # (an ORDER BY key would sort every chunk in a temporary B-tree first)
    sql = (f"INSERT INTO event_rows ({', '.join(_INSERT_COLUMNS)}) SELECT {', '.join(picks)} "
           "FROM jsonb_each(jsonb(CAST(? AS TEXT)))")
    return Chunk(sql, count, blob)


_INT64 = range(-(1 << 63), 1 << 63)


def _counting(columns: list[list[Any]], fixed: dict[int, str], count: int) -> dict[int, str]:
    """The columns that count up by one from row to row (``seq`` always; a WhatsApp
    chunk's lines often), as SQL made from the row's position in the JSON array (``key``
    of ``jsonb_each``): not carried in the JSON, nor read back out of it."""
    found: dict[int, str] = {}
    for n, column in enumerate(columns):
        first, last = column[0], column[-1]
        if (n in fixed or type(first) is not int or type(last) is not int
                or last - first != count - 1 or first not in _INT64 or last not in _INT64):
            continue
        # exactly ints (1.0 == 1 and True == 1: equal, but not stored the same)
        if column == list(range(first, last + 1)) and list(map(type, column)).count(
                int) == count:
            found[n] = f"({first} + key)"
    return found


_EXACT = frozenset({str, int, type(None)})


def _texts(column: list[Any]) -> str | None:
    """The texts of a column of texts and NULLs, joined (one C loop that is also the type
    check: ``join`` takes nothing but str; a str subclass is stored and serialised as its
    text); None when the column holds anything else (or no text)."""
    if type(column[0]) is str and type(column[-1]) is str:  # (most: texts throughout)
        try:
            return "".join(column)
        except TypeError:
            pass
    truthy = list(filter(None, column))
    try:
        joined = "".join(truthy)
    except TypeError:
        return None
    # the others are NULL or empty texts (0, False and 0.0 equal neither)
    return joined if len(truthy) + column.count(None) + column.count("") == len(column) \
        else None


def _json_rows(varying: list[list[Any]], count: int) -> bytes | None:
    """The varying columns as a JSON array of rows, when JSON carries them exactly:
    str (no NUL, no lone surrogate), int within 64 bits, None."""
    for column in varying:
        texts = _texts(column)
        if texts is None:
            kinds = set(map(type, column))
            if not kinds <= _EXACT or str in kinds:  # (texts mixed with ints: odd, bound)
                return None
        # a NUL looked for in the texts joined (memchr), not in the JSON (7x the time)
        elif "\x00" in texts:
            return None
    rows = _bound_rows(varying, count)
    try:
        return orjson.dumps(rows)  # bound as bytes: no decode, no re-encode
    except (TypeError, orjson.JSONEncodeError):
        return None  # a lone surrogate, an int beyond 64 bits
