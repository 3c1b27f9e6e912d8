"""The day/month order of a WhatsApp chat text, surveyed a megabyte at a time before the
parse (:class:`~spoorvast.importers.chat.whatsapp.lines.DateSurvey` decides it)."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from spoorvast.importers.chat.whatsapp.lines import (
    DateOrder,
    DateSurvey,
    as_shape,
    deciding_headers,
    survey_header,
)
from spoorvast.importers.chat.whatsapp.shape import Shape

SURVEY_BLOCK = 1 << 20


def date_order(opener: Callable[[], BinaryIO], layout: str | Shape,
               default: str = "dmy", language: str | None = None) -> DateOrder:
    """The day/month order of a chat text, as :meth:`DateSurvey.decide` would give it.

    Most files are settled by where a year-first date, or a date whose first (or only
    whose second) field is above 12, first appears: three searches that build nothing
    for the lines that do not match (a million messages: 0.3 s instead of 0.6 s). Only
    when that does not settle it (both fields above 12 somewhere, or neither) is every
    date surveyed for the chronological and the later rules."""
    if as_shape(layout).ascii_digits and language != "ymd":  # (the quick patterns spell
        # the digits in ASCII, and do not know a two-digit year-first date)
        with opener() as reader:
            quick = _deciding_lines(reader, layout)
        if quick is not None:
            return quick
    with opener() as reader:
        return survey(reader, layout).decide(default, language)


def _deciding_lines(reader: BinaryIO, layout: str | Shape) -> DateOrder | None:
    patterns = deciding_headers(layout)
    first: dict[str, int] = {}
    line_base = 0
    for text in _survey_blocks(reader):
        text = "\n" + text
        for rule, pattern in patterns.items():
            if rule in first:
                continue
            found = pattern.search(text)
            if found is not None:
                first[rule] = line_base + text.count("\n", 0, found.start() + 1)
        if "year-first" in first:
            return DateOrder("ymd", "year-first", first["year-first"])
        if "first-above-12" in first and "second-above-12" in first:
            return None
        line_base += text.count("\n") - 1
    for rule, order in (("first-above-12", "dmy"), ("second-above-12", "mdy")):
        if rule in first:
            return DateOrder(order, rule, first[rule])
    return None


def _survey_blocks(reader: BinaryIO) -> Iterator[str]:
    """The text a megabyte at a time, cut after a newline (the last block may end
    without one)."""
    carry = b""
    while block := reader.read(SURVEY_BLOCK):
        block = carry + block
        cut = block.rfind(b"\n") + 1 or len(block)
        carry = block[cut:]
        yield block[:cut].decode("utf-8", errors="replace")
    if carry:
        yield carry.decode("utf-8", errors="replace")


def survey(reader: BinaryIO, layout: str | Shape) -> DateSurvey:
    """One pass over the headers to decide the day/month order, a megabyte at a time
    (the header pattern is searched from each newline: no per-line Python work)."""
    found = DateSurvey()
    header, where = survey_header(layout)
    line_base = 0
    for text in _survey_blocks(reader):
        line_base = _survey_text(found, header, where, text, line_base, found.last_key)
    return found


def _survey_text(found: DateSurvey, header: re.Pattern[str], where: tuple[int, ...],
                 text: str, line_base: int, last: str) -> int:
    """``findall`` gives the dates of a whole block in one C call, and ``groupby`` folds
    the headers of one day into one group (in C): Python works once per day, not once per
    message. The line of a header is worked out only for the few that decide a rule."""
    text = "\n" + text

    def line_of(n: int) -> int:
        head = next(itertools.islice(header.finditer(text), n, None))
        return line_base + text.count("\n", 0, head.start() + 1)

    n = 0  # the index of the group's first header in the block
    for found_tuple, group in itertools.groupby(header.findall(text)):
        a, sep, b, c, before, after = (found_tuple[i] for i in where)
        ampm = before or after
        key = a + sep + b + sep + c
        if key != last:  # the first header of another date
            if ampm:
                found.twelve_hour = True
            found.add(a, sep, b, c, functools.partial(line_of, n))
            found.last_key = last = key
        n += len(list(group))
    return line_base + text.count("\n") - 1
