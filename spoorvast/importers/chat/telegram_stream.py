"""Telegram Desktop's ``result.json`` read in blocks, with flat memory.

Telegram Desktop writes its JSON pretty-printed with one space per level, and a JSON
string cannot hold a raw newline, so the lines themselves show the structure: inside
``"messages": [`` at indentation k, every element starts on a line indented k + 1, the
next element follows ``,\\n`` + (k + 1 spaces), and the array ends on the line
(k spaces)``]``. The sealed original is read a block (1 MiB) at a time; each block is
cut after its last complete message and those messages are parsed at once by orjson,
so memory holds one block whatever the export's size. Everything outside the message
arrays (the chat headers, ``personal_information``, the chat lists) goes through a
:class:`Skeleton`, which knows the JSON path of each array (``/chats/list/3/messages``).

A document in another layout raises :class:`NotStreamable` before its first message;
the importer then reads it whole. ``\\xHH`` escapes are repaired per piece (a piece cut
at a line end never splits one) and counted; byte offsets in findings are offsets in
the original.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import orjson

from spoorvast.importers.chat.jsonload import JsonObject, obj, repair_escapes, unshift
from spoorvast.importers.chat.jsonskeleton import JsonPath, Skeleton, parse_loose
from spoorvast.model.records import Location, Problem, Severity

BLOCK = 1 << 20
_BOM = b"\xef\xbb\xbf"
_LAYOUT = b'{\n "'  # the root object, its first member indented by one space
_ARRAY = re.compile(rb'\n( *)"messages": \[\n')
CHAT_LISTS = ("chats", "left_chats")


class NotStreamable(Exception):
    """The document does not have Telegram Desktop's layout (nothing was read yet)."""


def streamable(head: bytes) -> bool:
    return head.removeprefix(_BOM).startswith(_LAYOUT)


def streamed_path(path: JsonPath) -> bool:
    """``/messages`` of a single chat, or ``/chats/list/I/messages`` of a full export."""
    if path == ("messages",):
        return True
    return (len(path) == 4 and path[0] in CHAT_LISTS and path[1] == "list"
            and isinstance(path[2], int) and path[3] == "messages")


@functools.cache
def _separator(indent: int) -> re.Pattern[bytes]:
    """``,`` between two elements whose lines are indented ``indent`` spaces."""
    return re.compile(rb",\n" + b" " * indent + rb"(?! )")


@dataclass(frozen=True, slots=True)
class Batch:
    path: JsonPath  # the chat's path (the array is path + ("messages",))
    header: JsonObject  # the chat's members before its messages (name, type, id)
    start: int  # index of the first record in the array
    records: list[object]
    orjson_read: bool = False  # all parsed by orjson (which refuses lone surrogates)


@dataclass(slots=True)
class Array:
    path: JsonPath
    header: JsonObject
    indent: int  # of the line holding "messages": [
    index: int = 0  # of the next element


@dataclass
class Splitter:
    reader: BinaryIO
    sha256: str
    block: int = BLOCK
    skeleton: Skeleton = field(default_factory=Skeleton)
    problems: list[Problem] = field(default_factory=list)
    repaired: int = 0
    read: int = 0  # records handed out
    _buf: bytes = b""
    _base: int = 0  # offset in the original of _buf[0]
    _eof: bool = False
    _stopped: bool = False

    def batches(self) -> Iterator[Batch]:
        self._start()
        while not self._stopped:
            array = self._next_array()
            if array is None:
                break
            yield from self._array(array)
        if not self._stopped and not self.skeleton.closed:
            self._stop("chat.json-truncated", self._base + len(self._buf))

    def _start(self) -> None:
        self._read()
        if self._buf.startswith(_BOM):
            self._buf, self._base = self._buf[len(_BOM):], len(_BOM)
        if not self._buf.startswith(_LAYOUT):
            raise NotStreamable

    def _read(self) -> None:
        data = self.reader.read(self.block)
        self._eof = not data
        self._buf += data

    def _next_array(self) -> Array | None:
        """Feed the skeleton up to the next streamed array, and enter it."""
        while not self._stopped:
            found = _ARRAY.search(self._buf)
            if found is not None:
                self._feed(found.end() - 1)  # up to "[": the newline begins the array
                array = self._enter(len(found.group(1)))
                if array is not None:
                    return array
                continue
            if self._eof:
                self._feed(len(self._buf))
                return None
            cut = self._buf.rfind(b"\n")
            if cut > 0:
                self._feed(cut)  # keep the newline: a match needs it
            self._read()
        return None

    def _feed(self, size: int) -> None:
        piece, self._buf = self._buf[:size], self._buf[size:]
        fixed, shifts = repair_escapes(piece)
        self.repaired += len(shifts)
        self.skeleton.feed(fixed)
        at, self._base = self._base, self._base + size
        if self.skeleton.error_at is not None and not self._stopped:
            self._stop("chat.json-invalid", at + unshift(self.skeleton.error_at, shifts))

    def _enter(self, indent: int) -> Array | None:
        if self._stopped:
            return None
        path = self.skeleton.path()
        if not streamed_path(path):
            return None
        if indent != len(path):  # not one space per level
            if not self.read:
                raise NotStreamable
            self._stop("chat.json-invalid", self._base)
            return None
        start = self.skeleton.enclosing()
        header = obj(parse_loose(bytes(self.skeleton.text[start:]) + b"]}")) or {}
        return Array(path[:-1], header, indent)

    def _array(self, array: Array) -> Iterator[Batch]:
        close = b"\n" + b" " * array.indent + b"]"
        while True:
            end = self._buf.find(close)
            if end >= 0:
                yield from self._take(array, end, skip=0)
                return
            cut = last_separator(self._buf, array.indent + 1)
            if cut > 0:
                yield from self._take(array, cut, skip=1)
                if self._stopped:
                    return
            if self._eof:
                yield from self._take(array, len(self._buf), skip=0, last=True)
                self._stop("chat.json-truncated", self._base)
                return
            self._read()

    def _take(self, array: Array, size: int, skip: int, last: bool = False) -> Iterator[Batch]:
        """Parse the elements in the first ``size`` bytes; drop them (and ``skip``)."""
        body, at = self._buf[:size], self._base
        self._buf, self._base = self._buf[size + skip:], self._base + size + skip
        records, error, whole = self._parse(body, at, array.indent + 1)
        if records:
            yield Batch(array.path, array.header, array.index, records, whole)
            array.index += len(records)
            self.read += len(records)
        if error is not None and not last:
            self._stop("chat.json-invalid", error)

    def _parse(self, body: bytes, at: int, indent: int
               ) -> tuple[list[object], int | None, bool]:
        """The elements of ``body``; on an element that does not parse, those before it
        and the offset (in the original) where it broke; whether orjson read the body
        at once."""
        fixed, shifts = repair_escapes(body)
        self.repaired += len(shifts)
        try:
            value = orjson.loads(b"[" + fixed + b"]")
        except orjson.JSONDecodeError:
            return (*self._one_by_one(fixed, lambda pos: at + unshift(pos, shifts), indent),
                    False)
        return value if isinstance(value, list) else [], None, True

    def _one_by_one(self, fixed: bytes, origin: Callable[[int], int],
                    indent: int) -> tuple[list[object], int | None]:
        records: list[object] = []
        for start, piece in elements(fixed, indent):
            value, error = self._element(piece, functools.partial(_shifted, origin, start))
            if error is not None:
                return records, error
            records.append(value)
        return records, None

    def _element(self, piece: bytes, origin: Callable[[int], int]
                 ) -> tuple[object, int | None]:
        """One element: orjson, else the standard library (lone surrogates, big
        numbers), reading bytes that are not UTF-8 as U+FFFD (reported once)."""
        if not piece.strip():
            return None, origin(0)
        try:
            return orjson.loads(piece), None
        except orjson.JSONDecodeError:
            pass
        try:
            text = piece.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = piece.decode("utf-8", errors="replace")
            self._encoding(origin(exc.start))
        try:
            return json.loads(text), None
        except json.JSONDecodeError as exc:
            return None, origin(len(text[:exc.pos].encode("utf-8", "surrogatepass")))

    def _encoding(self, offset: int) -> None:
        if any(p.code == "chat.encoding" for p in self.problems):
            return
        self.problems.append(Problem(
            Severity.WARNING, "chat.encoding",
            (("where", f"byte {offset}"), ("encoding", "UTF-8 (U+FFFD)")),
            Location(artifact_sha256=self.sha256, byte_start=offset)))

    def _stop(self, code: str, offset: int) -> None:
        self._stopped = True
        self.problems.append(Problem(Severity.ERROR, code, (("offset", str(offset)),),
                                     Location(artifact_sha256=self.sha256,
                                              byte_start=offset)))


def _shifted(origin: Callable[[int], int], start: int, pos: int) -> int:
    return origin(start + pos)


def last_separator(buf: bytes, indent: int) -> int:
    """Position of the last ``,`` that separates two elements indented ``indent``
    spaces (whose next line is known to be at exactly that indentation), or -1."""
    separator = b",\n" + b" " * indent
    pos = len(buf)
    while True:
        pos = buf.rfind(separator, 0, pos)
        after = pos + len(separator)
        if pos < 0 or (after < len(buf) and buf[after] != 0x20):
            return pos


def elements(body: bytes, indent: int) -> Iterator[tuple[int, bytes]]:
    """(start, text) of each element in a run of elements indented ``indent``."""
    start = 0
    for found in _separator(indent).finditer(body):
        yield start, body[start:found.start()]
        start = found.start() + 1
    yield start, body[start:]
