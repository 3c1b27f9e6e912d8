"""The Outlook .msg reader (olefile, BSD): transport headers, body, sender, attachments.

A .msg is an OLE compound file of MAPI properties. The Internet headers are in the
PR_TRANSPORT_MESSAGE_HEADERS stream (``__substg1.0_007D001F``, UTF-16; or ``…001E``,
8-bit). They are sealed as a derived file and analysed like an .eml (signatures cannot
be checked: Outlook does not keep the body bytes). Drafts and sent items have no such
stream: the item says so, and how to get the headers.

A message attached to the message (Outlook's "forward as attachment", or a dragged-in
mail) is an embedded message object: a storage ``__substg1.0_3701000D`` inside the
attachment, holding the same properties. Each becomes an item of its own, read the same
way, its files derived from the .msg (at most ``MAX_EMBEDDED_DEPTH`` levels deep).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import olefile

from spoorvast.analysis.email.identifiers import in_text
from spoorvast.findings import register_codes
from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.email.common import MessageInput, message_draft
from spoorvast.importers.email.detect import is_msg
from spoorvast.importers.email.parts import Parts, safe_name
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry
from spoorvast.model.instant import Precision, from_epoch
from spoorvast.model.records import (
    ArtifactRole,
    Event,
    Identifier,
    IdentifierKind,
    ItemKind,
    Location,
    Problem,
    Severity,
)

HEADERS = 0x007D
SUBJECT, BODY, HTML = 0x0037, 0x1000, 0x1013
SENDER_SMTP, SENDER_EMAIL, SENDER_NAME = 0x5D01, 0x0C1F, 0x0C1A
ATTACH_DATA, ATTACH_LONG_NAME, ATTACH_NAME, ATTACH_MIME = 0x3701, 0x3707, 0x3704, 0x370E
SUBMIT_TIME, DELIVERY_TIME = 0x0039, 0x0E06
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
EMBEDDED = "__substg1.0_3701000D"
MAX_EMBEDDED_DEPTH = 8
Prefix = tuple[str, ...]
NO_DATA_CODE = "email.msg-attachment-without-data"

register_codes({
    "email.msg-no-headers": N_(
        "This Outlook file has no Internet headers (drafts and sent items never have "
        "them), so the sending server cannot be shown. To get them: open the received "
        "message in Outlook, File > Properties, copy “Internet headers” and add them with "
        "spoorvast add-headers; or save the message as .eml from Outlook on the web or "
        "Thunderbird."),
    "email.msg-embedded": N_(
        "This message was attached to an Outlook message (embedded message {number}); its "
        "properties are read from inside that .msg file."),
    "email.msg-attachment-without-data": N_(
        "Attachment {number} of this Outlook message holds no file data (an attachment "
        "by reference, a link or an embedded object), so it was not extracted. It stays "
        "inside the original .msg file, which is kept unchanged."),
    "email.msg-unreadable": N_("This Outlook file cannot be read as a compound file "
                               "({error}); it was kept unchanged."),
})


def stream_name(prop: int, kind: int) -> str:
    return f"__substg1.0_{prop:04X}{kind:04X}"


class MsgFile:
    """The MAPI properties of one .msg, read from its compound file."""

    def __init__(self, ole: olefile.OleFileIO) -> None:
        self.ole = ole

    def raw(self, path: list[str]) -> bytes | None:
        if not self.ole.exists("/".join(path)):
            return None
        with self.ole.openstream(path) as stream:
            data: bytes = stream.read()
        return data

    def text(self, prop: int, prefix: tuple[str, ...] = ()) -> str | None:
        unicode = self.raw([*prefix, stream_name(prop, 0x001F)])
        if unicode is not None:
            return unicode.decode("utf-16-le", "replace").rstrip("\x00")
        eight_bit = self.raw([*prefix, stream_name(prop, 0x001E)])
        return None if eight_bit is None else eight_bit.decode("cp1252", "replace").rstrip(
            "\x00")

    def binary(self, prop: int, prefix: tuple[str, ...] = ()) -> bytes | None:
        return self.raw([*prefix, stream_name(prop, 0x0102)])

    def attachments(self, prefix: Prefix = ()) -> list[str]:
        depth = len(prefix)
        return sorted({e[depth] for e in self.ole.listdir(streams=True, storages=True)
                       if len(e) > depth and tuple(e[:depth]) == prefix
                       and e[depth].startswith("__attach_version1.0_")})

    def embedded(self, prefix: Prefix = ()) -> list[Prefix]:
        """The embedded message objects attached to the message at ``prefix``."""
        return [(*prefix, name, EMBEDDED) for name in self.attachments(prefix)
                if self.ole.exists("/".join((*prefix, name, EMBEDDED)))]

    def time(self, prop: int, prefix: Prefix = ()) -> int | None:
        """A PT_SYSTIME property of the message (FILETIME, 100 ns since 1601)."""
        data = self.raw([*prefix, "__properties_version1.0"]) or b""
        wanted = (prop << 16) | 0x0040
        for offset in range(32, len(data) - 15, 16):
            tag, _flags, value = struct.unpack_from("<IIQ", data, offset)
            if tag == wanted:
                return int(value)
        return None


def filetime_seconds(value: int) -> float:
    moment = _FILETIME_EPOCH + timedelta(microseconds=value // 10)
    return moment.timestamp()


class MsgImporter:
    name = "outlook-msg"
    priority = 50

    def detect(self, source: Source) -> bool:
        return is_msg(source)

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        try:
            ole = olefile.OleFileIO(str(source.path))
        except (OSError, ValueError, struct.error) as exc:
            yield self._unreadable(context, source, type(exc).__name__)
            return
        with ole:
            msg = MsgFile(ole)
            yield self._draft(context, source, msg)
            yield from self._embedded(context, source, msg, (), source.name)

    def _embedded(self, context: ImportContext, source: Source, msg: MsgFile,
                  prefix: Prefix, title: str) -> Iterator[ItemDraft]:
        if len(prefix) >= 2 * MAX_EMBEDDED_DEPTH:
            return
        for number, inner in enumerate(msg.embedded(prefix), 1):
            inner_title = f"{title} / embedded-{number}.msg"
            yield self._inner(context, source, msg, inner, inner_title, number)
            yield from self._embedded(context, source, msg, inner, inner_title)

    def _inner(self, context: ImportContext, source: Source, msg: MsgFile, prefix: Prefix,
               title: str, number: int) -> ItemDraft:
        """An embedded message: its headers (or, without them, its body) as its original."""
        sha = source.original.sha256
        notice = Problem(Severity.INFO, "email.msg-embedded", (("number", str(number)),),
                         Location(artifact_sha256=sha, field="/".join(prefix)))
        parts = self._parts(context, source, msg, prefix)
        headers = msg.text(HEADERS, prefix)
        if headers and headers.strip():
            data = headers.encode("utf-8")
            artifact = context.seal(data, ArtifactRole.ORIGINAL, "transport-headers.txt",
                                    "text/plain", sha)
            message = MessageInput(data, artifact, title, self.name,
                                   extra={"container": "outlook-msg", "msg_sha256": sha,
                                          "embedded_in": "/".join(prefix)},
                                   problems=[notice], mime=False, parts=parts)
            return message_draft(context, message)
        body = "\n".join(parts.text).encode("utf-8")
        original = (context.seal(body, ArtifactRole.ORIGINAL, "body.txt", "text/plain", sha)
                    if body else context.seal(
                        msg.raw([*prefix, "__properties_version1.0"]) or b"",
                        ArtifactRole.ORIGINAL, "properties.bin", "application/octet-stream",
                        sha))
        draft = self._without_headers(context, source, msg, parts, prefix)
        draft.title, draft.file = title, None
        draft.artifacts[0] = original
        draft.problems.insert(0, notice)
        return draft

    def _draft(self, context: ImportContext, source: Source, msg: MsgFile) -> ItemDraft:
        parts = self._parts(context, source, msg)
        headers = msg.text(HEADERS)
        if headers and headers.strip():
            data = headers.encode("utf-8")
            artifact = context.seal(data, ArtifactRole.ATTACHMENT, "transport-headers.txt",
                                    "text/plain", source.original.sha256)
            message = MessageInput(data, artifact, source.name, self.name,
                                   file=file_facts(source, context.case_zone),
                                   extra={"container": "outlook-msg",
                                          "msg_sha256": source.original.sha256},
                                   mime=False, parts=parts, first=[source.original])
            return message_draft(context, message)
        return self._without_headers(context, source, msg, parts)

    def _parts(self, context: ImportContext, source: Source, msg: MsgFile,
               prefix: Prefix = ()) -> Parts:
        parts = Parts()
        sha = source.original.sha256
        body = msg.text(BODY, prefix)
        if body:
            parts.text.append(body)
        html = msg.binary(HTML, prefix) or (msg.text(HTML, prefix) or "").encode("utf-8")
        if html:
            parts.artifacts.append(context.seal(html, ArtifactRole.ATTACHMENT, "body.html",
                                                "text/html", sha))
        for number, storage in enumerate(msg.attachments(prefix)):
            data = msg.binary(ATTACH_DATA, (*prefix, storage))
            if data is None:  # an embedded message is an item of its own; else say it
                if not msg.ole.exists("/".join((*prefix, storage, EMBEDDED))):
                    parts.problems.append(Problem(
                        Severity.WARNING, NO_DATA_CODE, (("number", str(number + 1)),),
                        Location(artifact_sha256=sha, field="/".join((*prefix, storage)))))
                continue
            where = (*prefix, storage)
            name = msg.text(ATTACH_LONG_NAME, where) or msg.text(ATTACH_NAME, where)
            media = msg.text(ATTACH_MIME, where) or "application/octet-stream"
            parts.artifacts.append(context.seal(
                data, ArtifactRole.ATTACHMENT, safe_name(name or "", f"attachment-{number}"),
                media, sha))
        return parts

    def _without_headers(self, context: ImportContext, source: Source, msg: MsgFile,
                         parts: Parts, prefix: Prefix = ()) -> ItemDraft:
        sha = source.original.sha256
        notice = Problem(Severity.WARNING, "email.msg-no-headers", (),
                         Location(artifact_sha256=sha, field=stream_name(HEADERS, 0x001F)))
        filetime = msg.time(SUBMIT_TIME, prefix) or msg.time(DELIVERY_TIME, prefix)
        moment = (from_epoch(filetime_seconds(filetime), context.case_zone, Precision.SECOND)
                  if filetime else None)
        sender = msg.text(SENDER_SMTP, prefix) or msg.text(SENDER_EMAIL, prefix) or ""
        event = Event(None, context.case_id, None, "email", moment,
                      f"{sender}: {msg.text(SUBJECT, prefix) or ''}".strip(": "),
                      location=Location(artifact_sha256=sha, field="PR_CLIENT_SUBMIT_TIME"))
        found = [Identifier(None, context.case_id, IdentifierKind.EMAIL, sender.lower(),
                            location=Location(artifact_sha256=sha, field="sender"))
                 ] if "@" in sender else []
        return ItemDraft(ItemKind.EMAIL, source.name, self.name,
                         [source.original, *parts.artifacts],
                         file=file_facts(source, context.case_zone),
                         problems=[notice, *parts.problems], events=[event],
                         identifiers=found + _body_ids(context, sha, parts))

    def _unreadable(self, context: ImportContext, source: Source, error: str) -> ItemDraft:
        return ItemDraft(ItemKind.FILE, source.name, self.name, [source.original],
                         file=file_facts(source, context.case_zone), problems=[Problem(
                             Severity.ERROR, "email.msg-unreadable", (("error", error),),
                             Location(artifact_sha256=source.original.sha256))])


def _body_ids(context: ImportContext, sha: str, parts: Parts) -> list[Identifier]:
    kinds = {"email": IdentifierKind.EMAIL, "phone": IdentifierKind.PHONE}
    text = "\n".join(parts.text)
    unique = {(f.kind, f.value) for f in in_text(text, context.case_zone)}
    return [Identifier(None, context.case_id, kinds[k], v,
                       location=Location(artifact_sha256=sha, field="body"))
            for k, v in sorted(unique)]


def register(registry: Registry) -> None:
    registry.register(MsgImporter())

