"""Pretty-printed chat JSON read in blocks, with flat memory.

Telegram Desktop (one space per level) and DiscordChatExporter (.NET's Utf8JsonWriter:
two spaces per level, the platform's newline, so CRLF on Windows) write their JSON
pretty-printed, and a JSON string cannot hold a raw newline, so the lines themselves
show the structure: inside ``"messages": [`` at indentation k, every element starts on
a line indented k + unit, the next element follows ``,`` newline (k + unit spaces), and
the array ends on the line (k spaces)``]``. The sealed original is read a block (1 MiB)
at a time; each block is cut after its last complete message and those messages are
parsed at once by orjson, so memory holds one block whatever the export's size.
Everything outside the message arrays (the chat headers, ``personal_information``, the
chat lists, ``messageCount``) goes through a :class:`Skeleton`, which knows the JSON
path of each array (``/chats/list/3/messages``). A :class:`Layout` says how many spaces
a level takes and which arrays are streamed; the newline is the document's own.

A document in another layout raises :class:`NotStreamable` before its first message;
the importer then reads it whole. ``\\xHH`` escapes are repaired per piece (a piece cut
at a line end never splits one) and counted; byte offsets in findings are offsets in
the original.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, TypeVar

import orjson

from spoorvast.importers.chat.shared.jsonload import JsonObject, obj, repair_escapes, unshift
from spoorvast.importers.chat.shared.jsonskeleton import JsonPath, Skeleton, parse_loose
from spoorvast.model.records import Location, Problem, Severity

BLOCK = 1 << 20
_BOM = b"\xef\xbb\xbf"
_HEAD = 32  # bytes read before the layout is judged
CHAT_LISTS = ("chats", "left_chats")
T = TypeVar("T")
Opener = Callable[[], BinaryIO]


class NotStreamable(Exception):
    """The document does not have the expected layout (nothing was read yet)."""


def telegram_path(path: JsonPath) -> bool:
    """``/messages`` of a single chat, or ``/chats/list/I/messages`` of a full export."""
    if path == ("messages",):
        return True
    return (len(path) == 4 and path[0] in CHAT_LISTS and path[1] == "list"
            and isinstance(path[2], int) and path[3] == "messages")


def root_messages(path: JsonPath) -> bool:
    return path == ("messages",)


@dataclass(frozen=True, slots=True)
class Layout:
    program: str  # who writes it (named in the finding when a file is read whole)
    unit: int  # spaces per level
    streamed: Callable[[JsonPath], bool]  # the arrays (of messages) read in blocks


TELEGRAM = Layout("Telegram Desktop", 1, telegram_path)
DISCORD_CHAT_EXPORTER = Layout("DiscordChatExporter", 2, root_messages)


@functools.cache
def _separator(indent: int, newline: bytes) -> re.Pattern[bytes]:
    """``,`` between two elements whose lines are indented ``indent`` spaces."""
    return re.compile(b"," + re.escape(newline) + b" " * indent + rb"(?! )")


@functools.cache
def _array_start(newline: bytes) -> re.Pattern[bytes]:
    line = re.escape(newline)
    return re.compile(line + rb'( *)"messages": \[' + line)


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
    layout: Layout = TELEGRAM
    skeleton: Skeleton = field(default_factory=Skeleton)
    problems: list[Problem] = field(default_factory=list)
    repaired: int = 0
    read: int = 0  # records handed out
    _buf: bytes = b""
    _base: int = 0  # offset in the original of _buf[0]
    _eof: bool = False
    _stopped: bool = False
    _newline: bytes = b"\n"  # the document's own: LF, or CRLF

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
        while len(self._buf) < _HEAD and not self._eof:
            self._read()
        if self._buf.startswith(_BOM):
            self._buf, self._base = self._buf[len(_BOM):], len(_BOM)
        self._newline = b"\r\n" if self._buf.startswith(b"{\r\n") else b"\n"
        first = b"{" + self._newline + b" " * self.layout.unit + b'"'
        if not self._buf.startswith(first):  # the root's first member, one level in
            raise NotStreamable

    def _read(self) -> None:
        data = self.reader.read(self.block)
        self._eof = not data
        self._buf += data

    def _next_array(self) -> Array | None:
        """Feed the skeleton up to the next streamed array, and enter it."""
        while not self._stopped:
            found = _array_start(self._newline).search(self._buf)
            if found is not None:
                self._feed(found.end() - len(self._newline))  # the newline opens the array
                array = self._enter(len(found.group(1)))
                if array is not None:
                    return array
                continue
            if self._eof:
                self._feed(len(self._buf))
                return None
            cut = self._buf.rfind(self._newline)
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
        if not self.layout.streamed(path):
            return None
        if indent != self.layout.unit * len(path):  # not the layout's spaces per level
            if not self.read:
                raise NotStreamable
            self._stop("chat.json-invalid", self._base)
            return None
        start = self.skeleton.enclosing()
        header = obj(parse_loose(bytes(self.skeleton.text[start:]) + b"]}")) or {}
        return Array(path[:-1], header, indent)

    def _array(self, array: Array) -> Iterator[Batch]:
        close = self._newline + b" " * array.indent + b"]"
        inner = array.indent + self.layout.unit
        while True:
            end = self._buf.find(close)
            if end >= 0:
                yield from self._take(array, end, inner, skip=0)
                return
            cut = last_separator(self._buf, inner, self._newline)
            if cut > 0:
                yield from self._take(array, cut, inner, skip=1)
                if self._stopped:
                    return
            if self._eof:
                yield from self._take(array, len(self._buf), inner, skip=0, last=True)
                self._stop("chat.json-truncated", self._base)
                return
            self._read()

    def _take(self, array: Array, size: int, inner: int, skip: int,
              last: bool = False) -> Iterator[Batch]:
        """Parse the elements in the first ``size`` bytes; drop them (and ``skip``)."""
        body, at = self._buf[:size], self._base
        self._buf, self._base = self._buf[size + skip:], self._base + size + skip
        records, error, whole = self._parse(body, at, inner)
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
        for start, piece in elements(fixed, indent, self._newline):
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


def last_separator(buf: bytes, indent: int, newline: bytes = b"\n") -> int:
    """Position of the last ``,`` that separates two elements indented ``indent``
    spaces (whose next line is known to be at exactly that indentation), or -1."""
    separator = b"," + newline + b" " * indent
    pos = len(buf)
    while True:
        pos = buf.rfind(separator, 0, pos)
        after = pos + len(separator)
        if pos < 0 or (after < len(buf) and buf[after] != 0x20):
            return pos


def elements(body: bytes, indent: int, newline: bytes = b"\n") -> Iterator[tuple[int, bytes]]:
    """(start, text) of each element in a run of elements indented ``indent``."""
    start = 0
    for found in _separator(indent, newline).finditer(body):
        yield start, body[start:found.start()]
        start = found.start() + 1
    yield start, body[start:]


def streamed_or_whole(opener: Opener, sha256: str, layout: Layout, block: int,
                      problems: list[Problem], batches: Callable[[Splitter], Iterator[T]],
                      whole: Callable[[], Iterator[T]]) -> Generator[T, None, Splitter | None]:
    """What ``batches`` makes of the document read in blocks, or (said so) what ``whole``
    makes of it when its layout is not ``layout``; the splitter, when it was read in
    blocks (its findings are added to ``problems``)."""
    try:
        with opener() as reader:
            splitter = Splitter(reader, sha256, block, layout)
            yield from batches(splitter)
    except NotStreamable:  # raised before the first message: nothing was read
        problems.append(Problem(Severity.INFO, "chat.json-read-whole",
                                (("program", layout.program),),
                                Location(artifact_sha256=sha256)))
        yield from whole()
        return None
    problems.extend(escapes_repaired(splitter.repaired, sha256))
    problems.extend(splitter.problems)
    return splitter


def escapes_repaired(count: int, sha256: str) -> list[Problem]:
    if not count:
        return []
    return [Problem(Severity.WARNING, "chat.escapes-repaired", (("count", str(count)),),
                    Location(artifact_sha256=sha256))]


def not_an_export(sha256: str, program: str, reason: str) -> Problem:
    return Problem(Severity.ERROR, "chat.not-an-export", (("format", program), ("reason", reason)),
                   Location(artifact_sha256=sha256))
