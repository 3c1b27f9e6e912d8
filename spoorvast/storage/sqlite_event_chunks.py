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

Row = tuple[Any, ...]

CONTENT_COLUMNS = (
    "seq, kind, utc, offset_seconds, time_source, precision, zone, raw_time, text, actor, "
    "actor_identifier_id, loc_sha, loc_line, loc_start, loc_end, loc_field, loc_region, "
    "attachments, details"
)
_INSERT = (f"INSERT INTO events (case_id, item_id, {CONTENT_COLUMNS}) "
           f"VALUES ({', '.join('?' * (2 + CONTENT_COLUMNS.count(',') + 1))})")

_INSERT_COLUMNS = ["case_id", "item_id", *(c.strip() for c in CONTENT_COLUMNS.split(","))]


def _literal(value: object) -> str | None:
    """``value`` as an SQL literal, or None when it must stay a bound parameter."""
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    if type(value) is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _fold(chunk: list[Row]) -> tuple[dict[int, str], list[tuple[Any, ...]]]:
    """The columns holding one value throughout the chunk, as SQL literals, and the
    other columns (transposition and comparison run in C: ``zip``, ``tuple.count``)."""
    columns = list(zip(*chunk, strict=True))
    fixed: dict[int, str] = {}
    for n, column in enumerate(columns):
        if column.count(column[0]) == len(column):
            literal = _literal(column[0])
            if literal is not None:
                fixed[n] = literal
    return fixed, [columns[n] for n in range(len(columns)) if n not in fixed]


def folded_chunks(rows: Iterable[Row], size: int) -> Iterator[tuple[str, list[Row]]]:
    """Chunks of rows with the columns that hold one value throughout the chunk (the case,
    the item, the source artifact, the zone, NULLs…) written into the statement, so only
    the columns that vary are bound: binding is most of the Python cost of a bulk insert."""
    stream = iter(rows)
    while chunk := list(itertools.islice(stream, size)):
        fixed, varying = _fold(chunk)
        if not fixed:
            yield _INSERT, chunk
            continue
        values = ", ".join(fixed.get(n, "?") for n in range(len(_INSERT_COLUMNS)))
        sql = f"INSERT INTO events ({', '.join(_INSERT_COLUMNS)}) VALUES ({values})"
        yield sql, list(zip(*varying, strict=True)) if varying else [()] * len(chunk)


@dataclass(frozen=True, slots=True)
class Chunk:
    """Rows ready for the database: one statement over a JSON array of the varying
    columns (``blob``; SQLite reads it in C, without the GIL, so the producer keeps
    parsing meanwhile), or, for values JSON cannot carry exactly, ``executemany``."""

    sql: str
    count: int
    blob: str | None = None  # JSON text (a BLOB would be taken for SQLite's JSONB)
    rows: list[Row] = field(default_factory=list)


def insert_chunks(rows: Iterable[Row], size: int) -> Iterator[Chunk]:
    stream = iter(rows)
    while chunk := list(itertools.islice(stream, size)):
        fixed, varying = _fold(chunk)
        blob = _json_rows(varying, len(chunk))
        if blob is None:
            sql, bound = next(folded_chunks(chunk, size))
            yield Chunk(sql, len(chunk), rows=bound)
            continue
        picks, k = [], 0
        for n in range(len(_INSERT_COLUMNS)):
            if n in fixed:
                picks.append(fixed[n])
            else:
                picks.append(f"value ->> {k}")
                k += 1
        sql = (f"INSERT INTO events ({', '.join(_INSERT_COLUMNS)}) SELECT {', '.join(picks)} "
               "FROM jsonb_each(jsonb(?)) ORDER BY key")
        yield Chunk(sql, len(chunk), blob)


def _json_rows(varying: list[tuple[Any, ...]], count: int) -> str | None:
    """The varying columns as a JSON array of rows, when JSON carries them exactly:
    str (no NUL, no lone surrogate), int within 64 bits, None."""
    rows = list(zip(*varying, strict=True)) if varying else [()] * count
    for column in varying:
        if not all(type(v) is str or type(v) is int or v is None for v in column):
            return None
    try:
        blob = orjson.dumps(rows)
    except (TypeError, orjson.JSONEncodeError):
        return None  # a lone surrogate, an int beyond 64 bits
    return None if b"\\u0000" in blob else blob.decode()
