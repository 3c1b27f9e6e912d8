"""RFC 2047 encoded words (``=?utf-8?B?...?=``), decoded without ever raising.

A word with an unknown charset or broken encoding is kept as written and reported.
Given the header's bytes, raw 8-bit bytes inside a word (``=?utf-8?Q?caf\xc3\xa9?=``,
which real mailers write) are decoded in the word's own charset, not re-encoded first.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from dataclasses import dataclass

_WORD = re.compile(rb"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([QqBb])\?([^?\s]*)\?=")
_BETWEEN = re.compile(rb"=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=(\s+)(?==\?)")
_Q_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    charsets: tuple[str, ...]
    bad: bool  # a word could not be decoded (kept as written)


def decode_words(value: str | bytes) -> Decoded:
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")
    if b"=?" not in raw:
        return Decoded(value if isinstance(value, str) else _text(raw), (), False)
    if raw.count(b"=?") > 1:  # space between two words is dropped (one word: none)
        raw = _BETWEEN.sub(lambda m: m.group(0)[: -len(m.group(1))], raw)
    charsets: list[str] = []
    bad = False
    parts: list[str] = []
    pos = 0
    for match in _WORD.finditer(raw):
        parts.append(_text(raw[pos:match.start()]))
        text = _decode_one(match.group(1), match.group(2), match.group(3))
        if text is None:
            bad = True
            text = match.group(0).decode("ascii", "replace")
        else:
            charsets.append(match.group(1).decode("ascii", "replace").lower())
        parts.append(text)
        pos = match.end()
    parts.append(_text(raw[pos:]))
    return Decoded("".join(parts), tuple(charsets), bad)


def _text(data: bytes) -> str:
    """Text outside the words: ASCII, else UTF-8, else Latin-1 (as the header splitter)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _decode_one(charset: bytes, encoding: bytes, payload: bytes) -> str | None:
    name = charset.decode("ascii", "replace")
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    try:
        data = _b(payload) if encoding in (b"B", b"b") else _q(payload)
    except (binascii.Error, ValueError):
        return None
    return data.decode(name, "replace")


def _b(payload: bytes) -> bytes:
    return base64.b64decode(payload + b"=" * (-len(payload) % 4), validate=False)


def _q(payload: bytes) -> bytes:
    return _Q_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), payload.replace(b"_", b" "))
