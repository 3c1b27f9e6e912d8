"""Forwarded messages inside a message: each ``message/rfc822`` part, found in the raw
bytes so that its own bytes are exact (a re-serialised copy would not be).

"Forward it to me as an attachment" is what a support worker asks for: the attached
message keeps its own header and Received chain, and becomes an item of its own,
analysed like any .eml, its original derived from the wrapper (``derived_from`` and
``forwarded_in`` with the byte range). The walk follows multipart boundaries in the
bytes (RFC 2046), at most ``MAX_DEPTH`` levels and ``MAX_PARTS`` parts, so a hostile
nesting cannot run away. A part in base64 or quoted-printable (not allowed for
message/rfc822, but written by some clients) is decoded first.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from dataclasses import dataclass
from email import message_from_bytes, policy

from spoorvast.analysis.email.headers import split_headers

MAX_DEPTH = 8
MAX_PARTS = 1000
# the one content type the walk stops at, as ``get_content_type`` must see it written
RFC822 = re.compile(rb"message/rfc822", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Forwarded:
    data: bytes  # the attached message, exact (or decoded from its transfer encoding)
    byte_start: int  # its range in the wrapper's bytes
    byte_end: int
    decoded: str | None  # "base64" / "quoted-printable" when it had to be decoded


@dataclass
class Walked:
    found: list[Forwarded]
    limited: bool = False  # parts past MAX_PARTS or MAX_DEPTH were not looked into
    undecodable: int = 0  # attached messages whose transfer encoding did not decode


def forwarded(data: bytes) -> list[Forwarded]:
    return walk(data).found


def walk(data: bytes) -> Walked:
    walked = Walked([])
    if not RFC822.search(data):  # no part can be one (the walk reads no other type)
        return walked
    _walk(data, 0, len(data), 0, walked, [0])
    return walked


def _walk(data: bytes, start: int, end: int, depth: int, walked: Walked,
          parts: list[int]) -> None:
    block = split_headers(data[start:end])
    head = message_from_bytes(data[start:start + block.body_start], policy=policy.compat32)
    ctype = head.get_content_type()
    body = start + block.body_start
    if ctype == "message/rfc822" and depth > 0:
        attached = _attached(data, body, end, str(head.get("Content-Transfer-Encoding", "")))
        if attached is None:
            walked.undecodable += 1
        else:
            walked.found.append(attached)
        return
    boundary = head.get_param("boundary") if ctype.startswith("multipart/") else None
    if not isinstance(boundary, str) or not boundary:
        return
    if depth >= MAX_DEPTH:
        walked.limited = True
        return
    for part_start, part_end in _parts(data, body, end, boundary.encode("latin-1")):
        parts[0] += 1
        if parts[0] > MAX_PARTS:
            walked.limited = True
            return
        _walk(data, part_start, part_end, depth + 1, walked, parts)


def _parts(data: bytes, start: int, end: int, boundary: bytes) -> list[tuple[int, int]]:
    """Byte ranges of the body parts between ``--boundary`` lines (RFC 2046 §5.1.1)."""
    line = re.compile(rb"(?:\A|(?<=\n))--" + re.escape(boundary) + rb"(--)?[ \t]*(\r?\n|\Z)")
    ranges: list[tuple[int, int]] = []
    previous: int | None = None
    for match in line.finditer(data, start, end):
        if previous is not None:
            ranges.append((previous, _before_break(data, previous, match.start())))
        if match.group(1):
            return ranges
        previous = match.end()
    if previous is not None and previous < end:
        ranges.append((previous, end))  # no closing delimiter: up to the end
    return ranges


def _before_break(data: bytes, start: int, end: int) -> int:
    """The line break before a delimiter belongs to the delimiter."""
    if end - 2 >= start and data[end - 2:end] == b"\r\n":
        return end - 2
    if end - 1 >= start and data[end - 1:end] == b"\n":
        return end - 1
    return end


def _attached(data: bytes, start: int, end: int, encoding: str) -> Forwarded | None:
    """The attached message, or None when its base64 does not decode (the wrapper's
    finding says so; its bytes stay in the wrapper's original)."""
    raw = data[start:end]
    kind = encoding.strip().lower()
    try:
        if kind == "base64":
            return Forwarded(base64.b64decode(raw, validate=False), start, end, kind)
    except (binascii.Error, ValueError):
        return None
    if kind == "quoted-printable":
        return Forwarded(quopri.decodestring(raw), start, end, kind)
    return Forwarded(raw, start, end, None)
