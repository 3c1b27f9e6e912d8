"""Character accuracy: 1 - Levenshtein distance / length of the expected text."""

from __future__ import annotations


def normalise(text: str) -> str:
    return " ".join(text.split())


def distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def accuracy(read: str, expected: str) -> float:
    got, want = normalise(read), normalise(expected)
    return 1 - distance(got, want) / max(1, len(want))
