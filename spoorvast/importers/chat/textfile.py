"""Text exports as lines: BOM, CRLF and broken encodings handled, nothing dropped.

Each line keeps its content and its own line ending, so a multi-line message is rebuilt
exactly as it was written. Lines that are not valid UTF-8 are read as Windows-1252 (which
maps every byte) and reported.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from spoorvast.model.records import Location, Problem, Severity

MAX_ENCODING_FINDINGS = 100


@dataclass
class Lines:
    contents: list[str]
    endings: list[str]  # "\n", "\r\n" or "" (last line without one)
    problems: list[Problem] = field(default_factory=list)


def split_lines(data: bytes, sha256: str) -> Lines:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _split_mixed(data, sha256)
    return _split_text(text)


def _split_text(text: str) -> Lines:
    raw = text.split("\n")
    endings = ["\n"] * len(raw)
    if raw and raw[-1] == "":
        raw.pop()
        endings.pop()
    else:
        endings[-1] = ""
    if "\r" in text:
        for n, line in enumerate(raw):
            if line.endswith("\r"):
                raw[n], endings[n] = line[:-1], "\r" + endings[n]
    return Lines(raw, endings)


def _split_mixed(data: bytes, sha256: str) -> Lines:
    parts = data.split(b"\n")
    lines = Lines([], [])
    bad = 0
    for number, part in enumerate(parts, 1):
        if number == len(parts) and part == b"":
            break
        try:
            line = part.decode("utf-8")
        except UnicodeDecodeError:
            line = part.decode("cp1252", errors="replace")
            bad += 1
            if bad <= MAX_ENCODING_FINDINGS:
                lines.problems.append(Problem(
                    Severity.WARNING, "chat.encoding",
                    (("where", f"line {number}"), ("encoding", "Windows-1252")),
                    Location(artifact_sha256=sha256, line=number)))
        ending = "\n" if number < len(parts) else ""
        if line.endswith("\r"):
            line, ending = line[:-1], "\r" + ending
        lines.contents.append(line)
        lines.endings.append(ending)
    if bad > MAX_ENCODING_FINDINGS:
        lines.problems.append(Problem(
            Severity.WARNING, "chat.encoding",
            (("where", f"{bad - MAX_ENCODING_FINDINGS} more lines"),
             ("encoding", "Windows-1252")), Location(artifact_sha256=sha256)))
    return lines


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
