"""Near-duplicate pictures: the same screen captured twice should be shown once.

Two pictures are near-duplicates when their perceptual hashes (64-bit pHash, stored in
``MediaFacts.perceptual_hash`` at intake) differ in at most :data:`MAX_DISTANCE` bits
**and**, when both have been read by OCR, their texts are at least
:data:`MIN_TEXT_RATIO` alike. The text check matters for chat screenshots: two
different conversations in the same app look alike to a perceptual hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

MAX_DISTANCE = 8
MIN_TEXT_RATIO = 0.8


@dataclass(frozen=True, slots=True)
class Candidate:
    key: int
    perceptual_hash: str
    text: str | None = None


def distance(a: str, b: str) -> int:
    """Hamming distance of two hex hashes of the same length (bits that differ)."""
    if len(a) != len(b):
        return 1 << 30
    return (int(a, 16) ^ int(b, 16)).bit_count()


def similar_text(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return True
    left, right = " ".join(a.split()), " ".join(b.split())
    if not left and not right:
        return True
    return SequenceMatcher(None, left, right, autojunk=False).ratio() >= MIN_TEXT_RATIO


def groups(candidates: Sequence[Candidate], max_distance: int = MAX_DISTANCE) -> list[list[int]]:
    """Keys in groups of two or more near-duplicates, each group in input order."""
    parent = list(range(len(candidates)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(candidates):
        for j in range(i + 1, len(candidates)):
            b = candidates[j]
            if (distance(a.perceptual_hash, b.perceptual_hash) <= max_distance
                    and similar_text(a.text, b.text)):
                parent[root(j)] = root(i)
    found: dict[int, list[int]] = {}
    for index, candidate in enumerate(candidates):
        found.setdefault(root(index), []).append(candidate.key)
    return [keys for keys in found.values() if len(keys) > 1]
