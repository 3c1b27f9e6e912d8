"""The custody log as JSON Lines, each line checkable on its own.

Every line is the RFC 8785 canonical JSON of one entry *including* its ``hash``.
Because canonical JSON sorts the keys and has no spaces, removing the text
``"hash":"<64 hex>",`` from a line leaves exactly the canonical JSON that was hashed:

    hash == sha256(line with its first ``"hash":"…",`` removed)

(the top-level ``hash`` key sorts before ``payload`` and ``prev_hash``, and a quote
inside a string value is always escaped, so the first match is the entry's own).
``prev_hash`` of each line is the ``hash`` of the line before; the first links to
64 zeros. VERIFY.txt gives this recipe in Python and with sed + sha256sum.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spoorvast.model.custody import GENESIS, canonical, entry_body
from spoorvast.model.records import CustodyEntry

_HASH_MEMBER = re.compile(r'"hash":"([0-9a-f]{64})",')


def line(entry: CustodyEntry) -> bytes:
    return canonical({**entry_body(entry), "hash": entry.hash})


def write_lines(entries: Iterable[CustodyEntry]) -> bytes:
    return b"".join(line(e) + b"\n" for e in entries)


@dataclass(frozen=True, slots=True)
class LineProblem:
    number: int  # 1-based line number
    code: str  # "not-json" | "hash-mismatch" | "broken-link" | "gap"


def check_lines(data: bytes) -> Iterator[LineProblem]:
    """Recompute every line's hash and the links between lines."""
    prev, expected_seq = GENESIS, 1
    for number, raw in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        found = _HASH_MEMBER.search(raw)
        try:
            entry = json.loads(raw)
        except ValueError:
            entry = None
        if found is None or not isinstance(entry, dict):
            yield LineProblem(number, "not-json")
            continue
        body = raw[:found.start()] + raw[found.end():]
        if hashlib.sha256(body.encode("utf-8")).hexdigest() != entry.get("hash"):
            yield LineProblem(number, "hash-mismatch")
        if entry.get("prev_hash") != prev:
            yield LineProblem(number, "broken-link")
        if entry.get("seq") != expected_seq:
            yield LineProblem(number, "gap")
        prev, expected_seq = str(entry.get("hash")), int(entry.get("seq") or 0) + 1
