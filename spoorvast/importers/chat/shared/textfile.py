"""Text exports as lines: BOM, CRLF and broken encodings handled, nothing dropped.

Each line keeps its content and its own line ending, so a multi-line message is rebuilt
exactly as it was written. Lines that are not valid UTF-8 are read as Windows-1252 (which
maps every byte) and reported.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

from spoorvast.importers.chat.shared import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.model.records import Location, Problem, Severity
from spoorvast.units import human_size

MAX_ENCODING_FINDINGS = 100
MAX_LINE = 1 << 20  # bytes of one line read into a message; the rest is reported


BLOCK = 1 << 20


def text_blocks(reader: BinaryIO, decoding: Decoding) -> Iterator[list[tuple[str, str]]]:
    """(content, ending) of every line, ending ``"\n"``, ``"\r\n"`` or ``""`` (the last
    line without one), one list per block read (a parser looping over a list takes no
    generator step per line). Read and decoded a block at a time, so a million lines cost
    a few C calls per block instead of a decode per line; a block that is not UTF-8 is
    decoded line by line, with :class:`Decoding` reporting each line it had to read
    otherwise."""
    carry, number = b"", 0
    while True:
        block = reader.read(BLOCK)
        data = carry + block
        if not block and b"\n" not in carry:  # (a cut line leaves whole lines after it)
            break
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            carry = data if len(data) <= MAX_LINE else _cut_line(reader, data, decoding,
                                                                 number + 1)
            continue
        carry = data[cut:]
        lines = _decode_lines(data[:cut], decoding, number)
        lines.pop()  # the empty string after the block's last "\n"
        number += len(lines)
        if b"\r\n" in data[:cut]:
            yield _with_endings(lines, "\n")
        else:  # no line ends with CR: every ending is the newline (pairs made in C)
            yield list(zip(lines, itertools.repeat("\n", len(lines)), strict=True))
    if data:
        last = _decode_lines(data, decoding, number)[0]
        yield [(last[:-1], "\r") if last.endswith("\r") else (last, "")]


def _cut_line(reader: BinaryIO, data: bytes, decoding: Decoding, number: int) -> bytes:
    """A line longer than MAX_LINE (no chat app writes one: WhatsApp caps a message at
    65,536 characters; a hostile file may hold 200 MB): its first MAX_LINE bytes are
    kept, the rest is read past without being kept, and the cut is reported. Returns
    what follows the line's end (its ``\n`` first), to be read on as usual."""
    head, size = _utf8_prefix(data[:MAX_LINE]), len(data)
    while block := reader.read(BLOCK):
        end = block.find(b"\n")
        if end >= 0:
            decoding.cut(number, size + end)
            return head + block[end:]
        size += len(block)
    decoding.cut(number, size)
    return head


def _utf8_prefix(data: bytes) -> bytes:
    """``data`` without a UTF-8 sequence cut at its end."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return data
        if byte >= 0xC0:  # a lead byte: is its sequence whole?
            length = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return data if back >= length else data[:-back]
    return data


def _decode_lines(data: bytes, decoding: Decoding, before: int) -> list[str]:
    if before == 0 and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode().split("\n")
    except UnicodeDecodeError:
        lines = []
        for n, raw in enumerate(data.split(b"\n"), before + 1):
            try:
                lines.append(raw.decode())
            except UnicodeDecodeError:
                lines.append(decoding.fallback(raw, n))
        return lines


def _with_endings(lines: list[str], ending: str) -> list[tuple[str, str]]:
    crlf = "\r" + ending
    return [(line[:-1], crlf) if line[-1:] == "\r" else (line, ending) for line in lines]


@dataclass
class Decoding:
    """Lines read one at a time: those that are not UTF-8 are read as Windows-1252 (which
    maps every byte) and reported, the first hundred each by line, the rest counted."""

    sha256: str
    bad: int = 0
    listed: list[Problem] = field(default_factory=list)
    cuts: list[Problem] = field(default_factory=list)  # lines longer than MAX_LINE

    def fallback(self, raw: bytes, number: int) -> str:
        self.bad += 1
        if self.bad <= MAX_ENCODING_FINDINGS:
            self.listed.append(Problem(
                Severity.WARNING, "chat.encoding",
                (("where", f"line {number}"), ("encoding", "Windows-1252")),
                Location(artifact_sha256=self.sha256, line=number)))
        return raw.decode("cp1252", errors="replace")

    def cut(self, number: int, size: int) -> None:
        if len(self.cuts) < MAX_ENCODING_FINDINGS:
            self.cuts.append(Problem(
                Severity.WARNING, "chat.line-cut",
                (("where", f"line {number}"), ("size", human_size(size)),
                 ("limit", human_size(MAX_LINE))),
                Location(artifact_sha256=self.sha256, line=number)))

    def problems(self) -> list[Problem]:
        more = self.bad - MAX_ENCODING_FINDINGS
        if more <= 0:
            return [*self.cuts, *self.listed]
        return [*self.cuts, *self.listed, Problem(
            Severity.WARNING, "chat.encoding",
            (("where", f"{more} more lines"), ("encoding", "Windows-1252")),
            Location(artifact_sha256=self.sha256))]


@contextmanager
def quiet_gc() -> Iterator[None]:
    """No cyclic garbage collection while millions of acyclic records are made (it
    took 60 % of the parse time, see MEASURED.md); reference counting still frees."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
