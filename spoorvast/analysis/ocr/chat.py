"""Reading a chat screenshot: status-bar clock, conversation title, bubbles.

Works from word boxes only, so it is the same for WhatsApp, Instagram, Messenger and
SMS apps, light or dark:

* the **status bar** is the top strip (6 % of the height, at most 10 % of the
  width); the leftmost time in it is the phone's clock;
* below it, when a status bar was found or the picture has a phone's shape, the
  **header** strip holds the title (the contact's name);
* the rest is read as **bubbles**: consecutive lines with a small vertical gap and
  the same left edge (text in a bubble is left-aligned); a line holding only a time
  joins the bubble just above it, and a bubble ends with its time. A bubble whose
  box is nearer the left edge is *left* (the other person, on most apps), else
  *right* (the phone's owner);
* centred lines are **day separators** (``Vandaag``, ``12 mars 2024``…) or app
  notices (skipped).

Everything read here is a *proposal*: the user confirms it before it counts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from spoorvast.analysis.ocr import clock
from spoorvast.analysis.ocr.model import Box, Line, OcrPage, union

STATUS_HEIGHT, STATUS_WIDTH = 0.06, 0.10
HEADER_WIDTH = 0.13
CENTRED, CENTRED_MARGIN = 0.06, 0.12
LEFT_EDGE = 0.03
GAP = 0.9
PHONE_SHAPE = 1.6  # height / width from which a picture is a whole phone screen


class Side(enum.StrEnum):
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Marked:
    """Something read at a place: a clock, a title."""

    raw: str
    region: Box


@dataclass(frozen=True, slots=True)
class ProposedMessage:
    side: Side
    text: str
    region: Box
    time: clock.ClockTime | None = None
    day: clock.DayMark | None = None


@dataclass(frozen=True, slots=True)
class ChatReading:
    status_clock: clock.ClockTime | None = None
    status_region: Box | None = None
    title: Marked | None = None
    messages: tuple[ProposedMessage, ...] = ()


@dataclass
class _Bubble:
    lines: list[Line] = field(default_factory=list)
    time: clock.ClockTime | None = None

    @property
    def box(self) -> Box:
        return union(line.box for line in self.lines)

    @property
    def left(self) -> int:
        return min(line.box[0] for line in self.lines if not clock.is_time_only(line.text))


def status_limit(width: int, height: int) -> int:
    """The bottom of the status-bar strip, in pixels."""
    return int(min(STATUS_HEIGHT * height, STATUS_WIDTH * width))


def has_status_clock(page: OcrPage) -> bool:
    limit = status_limit(page.width, page.height)
    return _status_clock([line for line in page.lines()
                          if _bottom(line.box) <= limit])[0] is not None


def read_chat(page: OcrPage, reference: date | None) -> ChatReading:
    lines = [line for line in page.lines() if _meaningful(line)]
    limit = status_limit(page.width, page.height)
    status = [line for line in lines if _bottom(line.box) <= limit]
    status_clock, status_region = _status_clock(status)
    rest = [line for line in lines if line not in status]
    title = None
    if status_clock is not None or page.height >= PHONE_SHAPE * page.width:
        header_limit = limit + HEADER_WIDTH * page.width
        header = [line for line in rest if _bottom(line.box) <= header_limit]
        title = _title(header)
        rest = [line for line in rest if line not in header]
    messages = tuple(_messages(rest, page.width, reference))
    return ChatReading(status_clock, status_region, title, messages)


def _meaningful(line: Line) -> bool:
    return any(ch.isalnum() for ch in line.text)


def _bottom(box: Box) -> int:
    return box[1] + box[3]


def _status_clock(lines: list[Line]) -> tuple[clock.ClockTime | None, Box | None]:
    for line in sorted(lines, key=lambda item: item.box[0]):
        found = clock.find_times(line.text)
        if found:
            return found[0], line.region(found[0].start, found[0].end)
    return None, None


def _title(lines: list[Line]) -> Marked | None:
    for line in lines:
        if not clock.find_times(line.text):
            return Marked(line.text, line.box)
    return None


def _messages(lines: list[Line], width: int, reference: date | None) -> list[ProposedMessage]:
    heights = [line.box[3] for line in lines]
    gap = GAP * (median(heights) if heights else 0)
    messages: list[ProposedMessage] = []
    bubble: _Bubble | None = None
    day: clock.DayMark | None = None
    for line in lines:
        if bubble is not None and _joins(bubble, line, gap, width):
            _add(bubble, line)
            continue
        if bubble is not None:
            messages.append(_message(bubble, width, day))
            bubble = None
        if _centred(line.box, width):
            day = clock.find_day(line.text, reference) or day
            continue
        if not clock.is_time_only(line.text):
            bubble = _Bubble()
            _add(bubble, line)
    if bubble is not None:
        messages.append(_message(bubble, width, day))
    return messages


def _joins(bubble: _Bubble, line: Line, gap: float, width: int) -> bool:
    if bubble.time is not None or line.box[1] - _bottom(bubble.box) > gap:
        return False
    return clock.is_time_only(line.text) or abs(line.box[0] - bubble.left) <= LEFT_EDGE * width


def _add(bubble: _Bubble, line: Line) -> None:
    bubble.lines.append(line)
    bubble.time = clock.trailing_time(line.text)


def _centred(box: Box, width: int) -> bool:
    left, right = box[0] / width, (width - box[0] - box[2]) / width
    return abs(left - right) < CENTRED and left > CENTRED_MARGIN


def _message(bubble: _Bubble, width: int, day: clock.DayMark | None) -> ProposedMessage:
    box = bubble.box
    side = Side.LEFT if box[0] < width - box[0] - box[2] else Side.RIGHT
    texts = [line.text for line in bubble.lines]
    if bubble.time is not None:
        texts[-1] = texts[-1][: bubble.time.start].rstrip()
    text = "\n".join(t for t in texts if t)
    return ProposedMessage(side, text, box, bubble.time, day)
