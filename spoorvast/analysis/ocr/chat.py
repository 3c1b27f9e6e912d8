"""Reading a chat screenshot: status-bar clock, conversation title, bubbles.

Works from word boxes only, so it is the same for WhatsApp, Instagram, Messenger and
SMS apps, light or dark:

* the **status bar** is the top strip (6 % of the height, at most 10 % of the
  width); the leftmost time in it is the phone's clock;
* below it, when a status bar was found or the picture has a phone's shape, the
  **header** strip holds the title (the contact's name);
* the rest is read as **bubbles**: consecutive text lines with a small vertical gap
  and the same left edge (text in a bubble is left-aligned), never across a day
  separator; a time at the end of a line ends its bubble (WhatsApp, Telegram);
* a line holding only a time (ticks such as ``✓✓`` allowed) is given to the bubble
  it is drawn with: the one it lies *beside* (iMessage, Instagram: times at the right
  edge), else the one right *above* it (SMS, Messenger: the time under the bubble, or
  inside it at the bottom); never to a bubble that already has a time;
* a bubble is *left* (the other person, on most apps) when it starts at the page's
  left margin, else *right* (the phone's owner);
* centred lines that name a day are **day separators** (``Vandaag``, ``12 mars 2024``,
  ``Monday``…); each bubble takes the day of the nearest separator above it, or none;
  other centred lines without a time are app notices (skipped); a bubble with no
  letters or digits is never proposed.

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
LEFT_MARGIN = 0.12  # the other person's bubbles start this near the left edge
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
    time_line: Line | None = None  # the time's own line (under or beside the bubble)

    @property
    def box(self) -> Box:
        return union(line.box for line in self.lines)

    @property
    def left(self) -> int:
        return min(line.box[0] for line in self.lines)


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
    """Bubbles from the text lines, then each time to the bubble it is drawn with, and
    each bubble's day from the nearest day separator above it."""
    heights = [line.box[3] for line in lines]
    size = median(heights) if heights else 0
    separators: list[tuple[int, clock.DayMark]] = []
    times: list[Line] = []
    bubbles: list[_Bubble] = []
    for line in lines:
        mark = clock.find_day(line.text, reference) if _centred(line.box, width) else None
        if mark is not None and not clock.is_time_only(line.text):
            separators.append((line.box[1], mark))
        elif clock.is_time_only(line.text):
            times.append(line)
        else:
            _place(bubbles, separators + _under(times, bubbles), line, GAP * size, width)
    for line in times:
        _give_time(bubbles, line, size)
    kept = [b for b in bubbles if b.time is not None or not _centred(b.box, width)]
    margin = min((b.left for b in kept), default=width)
    found = (_message(bubble, width, _day_above(separators, bubble),
                      margin if margin < LEFT_MARGIN * width else None) for bubble in kept)
    return [message for message in found if _meaningful_text(message.text)]


def _under(times: list[Line], bubbles: list[_Bubble]) -> list[tuple[int, clock.DayMark]]:
    """Time lines drawn under the last bubble (within its width): a bubble ends there.
    (A time at the screen's edge, beside the bubble, does not end it.)"""
    if not bubbles:
        return []
    box = bubbles[-1].box
    return [(t.box[1], clock.DayMark(t.text, None)) for t in times
            if t.box[0] < box[0] + box[2] and t.box[0] + t.box[2] > box[0]]


def _place(bubbles: list[_Bubble], separators: list[tuple[int, clock.DayMark]],
           line: Line, gap: float, width: int) -> None:
    last = bubbles[-1] if bubbles else None
    if last is not None and _joins(last, line, gap, width, separators):
        _add(last, line)
        return
    bubble = _Bubble()
    _add(bubble, line)
    bubbles.append(bubble)


def _joins(bubble: _Bubble, line: Line, gap: float, width: int,
           separators: list[tuple[int, clock.DayMark]]) -> bool:
    """Whether ``line`` continues the bubble: close under it, at its left edge, with no
    separator (or time drawn under it, passed as one) in between."""
    bottom = _bottom(bubble.box)
    if bubble.time is not None or line.box[1] - bottom > gap:
        return False
    if any(bottom <= top <= line.box[1] for top, _mark in separators):
        return False
    return abs(line.box[0] - bubble.left) <= LEFT_EDGE * width


def _add(bubble: _Bubble, line: Line) -> None:
    bubble.lines.append(line)
    bubble.time = clock.trailing_time(line.text)


def _give_time(bubbles: list[_Bubble], line: Line, size: float) -> None:
    """A time line belongs to the bubble it lies beside (vertical overlap), else to the
    bubble right above it (drawn under it, within two line heights); never to another
    bubble's time."""
    found = clock.find_times(line.text)
    top, bottom = line.box[1], _bottom(line.box)
    free = [b for b in bubbles if b.time is None]
    beside = [b for b in free if _overlap(b.box, top, bottom) > 0]
    if beside:
        chosen = max(beside, key=lambda b: _overlap(b.box, top, bottom))
    else:
        above = [b for b in bubbles if _bottom(b.box) <= top + size / 2]
        nearest = max(above, key=lambda b: _bottom(b.box), default=None)
        if nearest is None or nearest.time is not None or top - _bottom(nearest.box) > 2 * size:
            return
        chosen = nearest
    chosen.time, chosen.time_line = found[-1], line


def _overlap(box: Box, top: int, bottom: int) -> int:
    return min(_bottom(box), bottom) - max(box[1], top)


def _day_above(separators: list[tuple[int, clock.DayMark]],
               bubble: _Bubble) -> clock.DayMark | None:
    above = [mark for top, mark in separators if top < bubble.box[1]]
    return above[-1] if above else None


def _meaningful_text(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _centred(box: Box, width: int) -> bool:
    left, right = box[0] / width, (width - box[0] - box[2]) / width
    return abs(left - right) < CENTRED and left > CENTRED_MARGIN


def _message(bubble: _Bubble, width: int, day: clock.DayMark | None,
             margin: int | None) -> ProposedMessage:
    texts = [line.text for line in bubble.lines]
    last = bubble.lines[-1]
    boxes = [line.box for line in bubble.lines[:-1]]
    if bubble.time is not None and bubble.time_line is None:
        texts[-1] = texts[-1][: bubble.time.start].rstrip()
        if texts[-1]:
            boxes.append(last.region(0, len(texts[-1])))
    else:
        boxes.append(last.box)
    side = _side(union(boxes or [last.box]), width, margin)
    if bubble.time_line is not None and bubble.time_line.box[0] < boxes[-1][0] + width // 2:
        boxes.append(bubble.time_line.box)  # drawn under or in it: part of its region
    box = union(boxes or [last.box])
    text = "\n".join(t for t in texts if t)
    return ProposedMessage(side, text, box, bubble.time, day)


def _side(box: Box, width: int, margin: int | None) -> Side:
    """Left when the bubble starts at the page's left margin (where the other person's
    bubbles start); without such a margin, by which edge the bubble is nearer."""
    if margin is not None:
        return Side.LEFT if box[0] - margin <= LEFT_EDGE * width else Side.RIGHT
    return Side.LEFT if box[0] < width - box[0] - box[2] else Side.RIGHT
