"""Recognising e-mail by content: a message (.eml), an mbox, an Outlook .msg."""

from __future__ import annotations

import re

from spoorvast.importers.base import Source

_LINES = re.compile(rb"\r\n|\r|\n")
_FIELD = re.compile(rb"([\x21-\x39\x3b-\x7e]+)[ \t]*:")
_FROM_LINE = re.compile(rb"From \S+.*\d{1,2}:\d{2}")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
KNOWN = {b"received", b"from", b"date", b"message-id", b"subject", b"return-path",
         b"mime-version", b"to", b"cc", b"delivered-to", b"dkim-signature", b"arc-seal",
         b"authentication-results", b"reply-to", b"sender", b"content-type",
         b"x-received", b"x-mailer", b"user-agent", b"in-reply-to", b"references"}


def header_lines(head: bytes) -> list[bytes]:
    """The lines of the header block at the start (continuations left out)."""
    lines = []
    for line in _LINES.split(head[:16384], maxsplit=60)[:60]:  # not all of a binary head
        if not line:
            break
        if line[:1] not in (b" ", b"\t"):
            lines.append(line)
    return lines


def looks_like_headers(head: bytes, minimum: int = 2) -> bool:
    lines = header_lines(head)
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]
    if not lines or _FIELD.match(lines[0]) is None:
        return False
    names = [m.group(1).lower() for m in map(_FIELD.match, lines) if m]
    if len(names) < len(lines) * 0.8:
        return False
    return len({n for n in names if n in KNOWN}) >= minimum


def is_mbox(source: Source) -> bool:
    first = _LINES.split(source.head[:1024], maxsplit=1)[0]
    return (_FROM_LINE.match(first) is not None and not source.name.lower().endswith(".eml")
            and looks_like_headers(source.head))


def is_eml(source: Source) -> bool:
    return not is_mbox(source) and looks_like_headers(source.head)


def is_msg(source: Source) -> bool:
    return source.head.startswith(OLE_MAGIC) and (
        source.name.lower().endswith(".msg") or b"_\x00_\x00s\x00u\x00b\x00s\x00t\x00g" in
        source.head)
