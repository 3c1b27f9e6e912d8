"""Safe names for files in the bundle.

A stored artifact's name comes from evidence (an attachment's file name, a page
title). In the bundle it must be one plain path component that ``sha256sum -c``,
``unzip`` and every file system accept: no separators, no control characters, no
backslash (``sha256sum`` would escape the line), no leading dot, at most 120 bytes.
The manifest keeps the name as stored.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
MAX_BYTES = 120


def safe_name(name: str, fallback: str = "file") -> str:
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .")
    if not cleaned or cleaned in (".", ".."):
        cleaned = fallback
    return _shorten(cleaned)


def _shorten(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 12:
        stem, suffix = name, ""
    room = MAX_BYTES - len(suffix.encode("utf-8")) - 1
    short = stem.encode("utf-8")[:room].decode("utf-8", "ignore")
    return f"{short}.{suffix}" if suffix else short


class NameSpace:
    """Hands out unique paths: ``a.png``, ``a (2).png``…"""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, folder: str, name: str) -> str:
        safe = safe_name(name)
        stem, dot, suffix = safe.rpartition(".")
        if not dot or not stem:
            stem, suffix = safe, ""
        candidate, n = f"{folder}/{safe}", 2
        while candidate.lower() in self._taken:
            candidate = f"{folder}/{stem} ({n})" + (f".{suffix}" if suffix else "")
            n += 1
        self._taken.add(candidate.lower())
        return candidate
