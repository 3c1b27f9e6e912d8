"""The mbox reader: indexes messages by byte offset itself (no ``mailbox.mbox``).

``mailbox.mbox`` rewrites line endings and drops the From_ line, so it cannot give the
exact bytes. Here the sealed original is read through once in 1 MiB blocks (hashed on the way and
compared with the sealed original) to find the From_ lines, then each message is read
on its own, sealed as exact bytes derived from the mbox, and analysed. Where the vault
can, a message is sealed as its byte range of the sealed mbox, not as a copy
(``storage.blob_ranges``: read back and compared before it is recorded, its SHA-256
checked at every read; a copy per message was a third of the sealing time). Memory holds one
message at a time plus a small record per message. A message above ``MESSAGE_LIMIT``
is never held: it is sealed streamed from the mbox, only its header is analysed, and a
finding says its body was not read (a 1 GB message used to peak at 9.1 GB).

Items: the first item is the mailbox itself (its original and the byte index, so the
whole file stays findable and re-adding it is recognised as a duplicate); then one item
per message. A message is the bytes after its From_ line up to the next From_ line,
without the one empty separator line; every byte of the file is a From_ line, a
message, a separator, or reported.

A message's analysis document is not sealed per message when it was made from the
message's bytes alone (no DKIM key given, no DNS look-up): its findings, event and
identifiers are stored as always, and the document is rebuilt from the sealed bytes
when read (``services.email_report``; a blob, a row and a custody entry per message
were a third of the import's time). The index rows carry each message's envelope line
for that.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

import orjson

from spoorvast.analysis.email.headers import first_value
from spoorvast.findings import register_codes
from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft, Source, open_original
from spoorvast.importers.email.common import (
    HEADER_LIMIT,
    MESSAGE_LIMIT,
    MessageInput,
    large_message_problem,
    message_draft,
    message_drafts,
)
from spoorvast.importers.email.detect import is_mbox
from spoorvast.importers.email.eml import ChangedWhileRead
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry
from spoorvast.model.message_run import each_event
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    ItemKind,
    Location,
    Problem,
    Severity,
)

BLOCK = 1 << 20
INDEX_FORMAT = "spoorvast.mbox-index/1"
_FROM_LINE = re.compile(rb"From \S+.*\d{1,2}:\d{2}")

register_codes({
    "email.mbox-duplicate": N_(
        "Message {number} (byte {offset}) has exactly the same bytes as message {first}; "
        "it was kept once."),
    "email.mbox-same-message-id": N_(
        "Message {number} has the same Message-ID as message {first} but other bytes (a "
        "second copy as delivered, or a changed copy)."),
    "email.mbox-leading-bytes": N_(
        "Bytes 0 to {end} come before the first From_ line and belong to no message."),
})


@dataclass(frozen=True, slots=True)
class Entry:
    number: int
    from_line_offset: int
    byte_start: int  # first byte of the message (after the From_ line)
    byte_end: int  # after the message (before the separator line)
    envelope: str


def from_lines(handle: BinaryIO, digest: hashlib._Hash) -> Iterator[tuple[int, bytes]]:
    """(offset, line) of each From_ line; reads the file once, in blocks."""
    carry, base = b"", 0  # base: file offset of carry[0]; carry starts a line
    while True:
        data = handle.read(BLOCK)
        digest.update(data)
        buffer = carry + data
        cut = len(buffer) if not data else buffer.rfind(b"\n") + 1
        done = buffer[:cut]
        if done.startswith(b"From "):
            yield from _checked(done, 0, base)
        for match in re.finditer(rb"\nFrom ", done):
            yield from _checked(done, match.start() + 1, base)
        carry, base = buffer[cut:], base + cut
        if not data:
            return


def _checked(buffer: bytes, start: int, base: int) -> Iterator[tuple[int, bytes]]:
    end = buffer.find(b"\n", start)
    line = buffer[start:len(buffer) if end < 0 else end + 1]
    if _FROM_LINE.match(line):
        yield base + start, line


def entries(found: list[tuple[int, bytes]], size: int) -> list[Entry]:
    result = []
    for number, (offset, line) in enumerate(found, 1):
        nxt = found[number][0] if number < len(found) else size
        result.append(Entry(number, offset, offset + len(line), nxt,
                            line.rstrip(b"\r\n").decode("latin-1")))
    return result


@dataclass(frozen=True, slots=True)
class Kept:
    """A message to make an item of: its entry and its end (all that is held for it)."""

    entry: Entry
    end: int  # after the message, without the separator line

    @property
    def size(self) -> int:
        return self.end - self.entry.byte_start


@dataclass(frozen=True, slots=True)
class Span(Kept):
    """One message as found in the second pass: its exact range and hash."""

    sha256: str = ""
    message_id: str | None = None


def _trimmed_end(handle: BinaryIO, entry: Entry) -> int:
    """The end of the message without the one empty separator line before the next."""
    length = min(4, entry.byte_end - entry.byte_start)
    handle.seek(entry.byte_end - length)
    tail = handle.read(length)
    for ending in (b"\r\n", b"\n"):
        if tail.endswith(ending * 2):
            return entry.byte_end - len(ending)
    return entry.byte_end


def span(handle: BinaryIO, entry: Entry) -> Span:
    """Hash one message in blocks; only its first ``HEADER_LIMIT`` bytes are kept."""
    end = _trimmed_end(handle, entry)
    handle.seek(entry.byte_start)
    digest, head, left = hashlib.sha256(), b"", end - entry.byte_start
    while left > 0:
        block = handle.read(min(BLOCK, left))
        if not block:
            break
        digest.update(block)
        if len(head) < HEADER_LIMIT:
            head += block[:HEADER_LIMIT - len(head)]
        left -= len(block)
    return Span(entry, end, digest.hexdigest(), first_value(head, "Message-ID"))


class _Range(io.RawIOBase):
    """A part of an open file, read as a file of its own (for streamed sealing)."""

    def __init__(self, handle: BinaryIO, start: int, end: int) -> None:
        super().__init__()
        self._handle, self._pos, self._end = handle, start, end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = min(len(buffer), self._end - self._pos)
        if size <= 0:
            return 0
        self._handle.seek(self._pos)
        data = self._handle.read(size)
        buffer[:len(data)] = data
        self._pos += len(data)
        return len(data)


class _Exact(io.RawIOBase):
    """Reads exactly what is asked, straight from the raw stream under a buffered one: a
    buffered reader of the sealed original refills a whole 1 MiB chunk at every seek
    outside its buffer, which is two seeks per message here."""

    def __init__(self, handle: BinaryIO) -> None:
        super().__init__()
        self._raw: Any = getattr(handle, "raw", handle)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return int(self._raw.seek(offset, whence))

    def tell(self) -> int:
        return int(self._raw.tell())

    def readinto(self, buffer: Any) -> int:
        view, got = memoryview(buffer).cast("B"), 0
        while got < len(view):
            count = self._raw.readinto(view[got:])
            if not count:
                break
            got += count
        return got


class MboxImporter:
    name = "mbox"
    priority = 50

    def detect(self, source: Source) -> bool:
        return is_mbox(source)

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        # the sealed original, not the input file: messages are read as their items
        # are written (streamed), after the input's own checks, so a file changed
        # meanwhile must not give a message other bytes than the sealed mbox holds
        with open_original(context, source) as opened:
            handle = cast(BinaryIO, _Exact(opened))
            digest = hashlib.sha256()
            found = list(from_lines(handle, digest))
            if digest.hexdigest() != source.original.sha256:
                raise ChangedWhileRead(source.name)
            index = entries(found, source.original.size)
            del found
            spans, problems, rows = self._index(source, handle, index)
            container = self._container(context, source, index, problems, rows)
            del index, problems, rows  # kept no longer than needed: 50,000 messages
            yield container
            for one in spans:
                yield from self._message(context, source, handle, one)

    def _index(self, source: Source, handle: BinaryIO, index: list[Entry]) -> tuple[
            list[Kept], list[Problem], list[dict[str, object]]]:
        """Every message hashed once (one block at a time); the messages themselves are
        read again one by one as their items are made, so memory stays flat."""
        spans: list[Kept] = []
        problems: list[Problem] = []
        rows: list[dict[str, object]] = []
        by_sha: dict[str, int] = {}
        by_id: dict[str, int] = {}
        for entry in index:
            one = span(handle, entry)
            rows.append({"number": entry.number, "from_line_offset": entry.from_line_offset,
                         "byte_start": entry.byte_start, "byte_end": one.end,
                         "sha256": one.sha256, "duplicate_of": by_sha.get(one.sha256),
                         "envelope": entry.envelope})
            if one.sha256 in by_sha:
                problems.append(_problem("email.mbox-duplicate", source, entry,
                                         by_sha[one.sha256]))
                continue
            by_sha[one.sha256] = entry.number
            if one.message_id and one.message_id in by_id:
                problems.append(_problem("email.mbox-same-message-id", source, entry,
                                         by_id[one.message_id]))
            by_id.setdefault(one.message_id or f"#{entry.number}", entry.number)
            spans.append(Kept(entry, one.end))  # not the hash and Message-ID: 50,000 of them
        return spans, problems, rows

    def _message(self, context: ImportContext, source: Source, handle: BinaryIO,
                 one: Kept) -> list[ItemDraft]:
        entry = one.entry
        name = f"{source.name}-{entry.number:05d}.eml"
        extra = message_extra(source.original.sha256, entry.number, entry.from_line_offset,
                              entry.byte_start, one.end, entry.envelope)
        if one.size > MESSAGE_LIMIT:
            drafts = [self._large(context, source, handle, one, name, extra)]
        else:
            handle.seek(entry.byte_start)
            data = handle.read(one.size)
            artifact = _sealed_message(context, source, data, entry.byte_start, name)
            drafts = message_drafts(context, MessageInput(
                data, artifact, f"{source.name} #{entry.number}", "email", extra=extra,
                seal_analysis=bool(context.dkim_keys) or context.dns_lookups))
        drafts[0].title = _title(drafts[0], source, entry)
        return drafts

    def _large(self, context: ImportContext, source: Source, handle: BinaryIO, one: Kept,
               name: str, extra: Mapping[str, object]) -> ItemDraft:
        """Sealed whole, streamed from the mbox; only the header is analysed."""
        reader = io.BufferedReader(_Range(handle, one.entry.byte_start, one.end), BLOCK)
        artifact = context.seal_from(reader, ArtifactRole.ORIGINAL, name, "message/rfc822",
                                     source.original.sha256)
        handle.seek(one.entry.byte_start)
        head = handle.read(min(one.size, HEADER_LIMIT))
        notice = large_message_problem(artifact.sha256, one.size)
        return message_draft(context, MessageInput(
            head, artifact, f"{source.name} #{one.entry.number}", "email", extra=extra,
            problems=[notice], mime=False))

    def _container(self, context: ImportContext, source: Source, index: list[Entry],
                   problems: list[Problem], rows: list[dict[str, object]]) -> ItemDraft:
        if (index and index[0].from_line_offset > 0) or not index:
            end = index[0].from_line_offset if index else source.original.size
            problems.insert(0, Problem(Severity.WARNING, "email.mbox-leading-bytes",
                                       (("end", str(end)),),
                                       Location(source.original.sha256, byte_start=0,
                                                byte_end=end)))
        body = {"format": INDEX_FORMAT, "source_sha256": source.original.sha256,
                "messages": len(index), "index": rows,
                "duplicates": [r for r in rows if r["duplicate_of"] is not None]}
        analysis = context.seal(orjson.dumps(body, option=orjson.OPT_INDENT_2),
                                ArtifactRole.ANALYSIS, "mbox-index.json", "application/json",
                                source.original.sha256)
        return ItemDraft(ItemKind.EMAIL, source.name, self.name, [source.original, analysis],
                         file=file_facts(source, context.case_zone), problems=problems)


def _sealed_message(context: ImportContext, source: Source, data: bytes, start: int,
                    name: str) -> Artifact:
    """The message's exact bytes, sealed as their range of the sealed mbox where the
    vault can (no copy: ``storage.blob_ranges``), else as a copy."""
    container = source.original.sha256
    if context.seal_range is not None:
        return context.seal_range(data, container, start, ArtifactRole.ORIGINAL, name,
                                  "message/rfc822")
    return context.seal(data, ArtifactRole.ORIGINAL, name, "message/rfc822", container)


def message_extra(mbox_sha256: str, number: int, from_line_offset: int, byte_start: int,
                  byte_end: int, envelope: str) -> dict[str, object]:
    """Where a message sits in its mbox, as its analysis document says."""
    return {"mbox": {"sha256": mbox_sha256, "number": number,
                     "from_line_offset": from_line_offset, "byte_start": byte_start,
                     "byte_end": byte_end, "envelope": envelope}}


def _problem(code: str, source: Source, entry: Entry, first: int) -> Problem:
    return Problem(Severity.INFO, code, (("number", str(entry.number)),
                                         ("offset", str(entry.from_line_offset)),
                                         ("first", str(first))),
                   Location(source.original.sha256, byte_start=entry.byte_start,
                            byte_end=entry.byte_end))


def _title(draft: ItemDraft, source: Source, entry: Entry) -> str:
    first = next(each_event(draft.events), None)  # e-mail drafts hold a list
    # the event's first line is "sender: subject"; the body below it is for search
    text = first.text.split("\n", 1)[0] if first is not None else ""
    return f"{source.name} #{entry.number}" + (f" — {text[:80]}" if text else "")


def register(registry: Registry) -> None:
    registry.register(MboxImporter())
