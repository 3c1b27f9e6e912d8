"""What OCR reads: words with their boxes, grouped into lines. Plain records, no I/O.

A box is ``(x, y, width, height)`` in pixels of the picture as stored (the original),
the same convention as :attr:`spoorvast.model.records.Location.region`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Box = tuple[int, int, int, int]


def union(boxes: Iterable[Box]) -> Box:
    """The smallest box holding every box given (at least one)."""
    listed = list(boxes)
    if not listed:
        raise ValueError("union of no boxes")
    left = min(b[0] for b in listed)
    top = min(b[1] for b in listed)
    right = max(b[0] + b[2] for b in listed)
    bottom = max(b[1] + b[3] for b in listed)
    return (left, top, right - left, bottom - top)


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    box: Box
    confidence: float  # 0-100, as Tesseract reports it
    line: tuple[int, int, int] = (0, 0, 0)  # Tesseract's block, paragraph, line numbers


@dataclass(frozen=True, slots=True)
class Line:
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> Box:
        return union(w.box for w in self.words)

    def spans(self) -> list[tuple[int, int, Word]]:
        """(start, end, word) of each word in :attr:`text`."""
        found, start = [], 0
        for word in self.words:
            found.append((start, start + len(word.text), word))
            start += len(word.text) + 1
        return found

    def region(self, start: int, end: int) -> Box:
        """The union box of the words that characters ``start:end`` of the text touch."""
        touched = [w.box for s, e, w in self.spans() if s < end and e > start]
        return union(touched or [self.box])


def lines_of(words: Sequence[Word]) -> list[Line]:
    """Words grouped by Tesseract's line numbers, in reading order."""
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        grouped.setdefault(word.line, []).append(word)
    lines = [Line(tuple(sorted(ws, key=lambda w: w.box[0]))) for ws in grouped.values()]
    return sorted(lines, key=lambda line: (line.box[1], line.box[0]))


@dataclass(frozen=True, slots=True)
class OcrPage:
    """One picture's OCR: its size, the words read and how they were read."""

    width: int
    height: int
    words: tuple[Word, ...]
    languages: str
    dark: bool = False
    frame_count: int = 1

    def lines(self) -> list[Line]:
        return lines_of(self.words)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines())
