"""The header shape of one WhatsApp export, established from its first lines.

WhatsApp writes a header from the phone's locale (CLDR short date and time): Android
``04/03/2026, 22:15 - ``, iOS ``[04/03/2026, 22:15:07] ``, and in other locales
``[2023. 12. 31. 오후 11:58:02]`` (ko), ``[2024/2/9 下午8:01:15]`` (zh-TW),
``[١٥/٣/٢٠٢٤، ٩:١٢:٠٥ م]`` (ar), ``[20:01, 9/2/2024]`` (vi: the time first). Direction
marks and a BOM may sit anywhere in it; they are allowed between every two tokens and
kept in the stored text.

A file is first probed with a loose pattern (any separator, any word where an AM/PM word
may stand, checked against the CLDR table); what its first headers share (layout, date
separators, field widths, the text between date and time, seconds, where and which AM/PM
words) becomes the file's :class:`Shape`, and only lines of that shape are headers. A
body line that starts with a date of another shape continues its message.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from operator import itemgetter

from spoorvast.importers.chat.whatsapp import periods
from spoorvast.importers.chat.whatsapp.periods import MARKS, SPACES

M = f"[{MARKS}]*"
S = f"[{SPACES}]"
# where an AM/PM word may stand: up to four runs of letters, each two apart by a full
# stop or a space (never by nothing: a long run of letters has one way to be read, not
# n**3)
WORD = (rf"[^\W\d_]+(?:{M}(?:\.{M}(?:{S}{M})?|{S}{M})[^\W\d_]+){{0,3}}"
        rf"(?:{M}\.)?")
JOIN_WORDS = ("à", "om", "um", "às", "alle", "klo", "kl.", "a las", "lúc", "at")
_JOIN_ANY = (rf"{M}(?:[,،]{M})?(?:{S}{M})+(?:(?:{'|'.join(map(re.escape, JOIN_WORDS))})"
             rf"{S}{M})?")  # (never two runs of marks side by side: quadratic)
_SEP_ANY = r"[./-]"
PROBE_LINES = 200


@dataclass(frozen=True, slots=True)
class Shape:
    """What every header of one file shares (None: anything the probe allows)."""

    layout: str  # "android" or "ios"
    time_first: bool = False
    seps: tuple[str, ...] | None = None  # between date fields: "/", ".", "-"
    widths: tuple[str, str, str] | None = None  # digits of each date field, "{2}", …
    trail: bool | None = None  # a full stop after the date (``2023. 12. 31.``)
    joiners: tuple[str, ...] | None = None  # between date and time, marks removed
    time_seps: str | None = None  # ":" or "."
    seconds: bool | None = None
    ampm: str | None = None  # "before", "after", "none"
    words: frozenset[str] | None = None  # AM/PM words (keys) of the file's locales
    ascii_digits: bool = True

    @property
    def name(self) -> str:
        return self.layout


def _loose(text: str) -> str:
    """``text`` as a pattern: spaces of any width, marks between any two characters."""
    return M.join(S if c in SPACES else re.escape(c) for c in text)


def _group(name: str, body: str, only: frozenset[str] | None) -> str:
    keep = only is None or name in only
    return f"(?P<{name}>{body})" if keep else f"(?:{body})"


def _date(shape: Shape, only: frozenset[str] | None, fields: tuple[str, str] | None) -> str:
    wa, wb, wc = shape.widths or ("{1,4}", "{1,2}", "{1,4}")
    first = rf"\d{wa}" if fields is None or not fields[0] else fields[0]
    second = rf"\d{wb}" if fields is None or not fields[1] else fields[1]
    seps = _SEP_ANY if shape.seps is None else "|".join(map(re.escape, shape.seps))
    trail = {None: rf"(?:{M}\.)?", True: rf"{M}\.", False: ""}[shape.trail]
    spaced = f"{M}(?:{S}{M})?"  # ``2023. 12. 31.``: a space after the separator
    return (_group("a", first, only) + M + f"(?P<sep>{seps})" + spaced
            + _group("b", second, only) + M + "(?P=sep)" + spaced
            + _group("c", rf"\d{wc}", only) + trail + rf"(?:{S}?г\.)?")


def _time(shape: Shape, only: frozenset[str] | None) -> str:
    tsep = "[:.]" if shape.time_seps is None else f"[{re.escape(shape.time_seps)}]"
    seconds = {None: "?", True: "", False: None}[shape.seconds]
    secs = _group("ss", "(?!)", only) + "?" if seconds is None else (
        f"(?:{M}{tsep}{M}" + _group("ss", r"\d{2}", only) + f"){seconds}")
    word = WORD if shape.words is None else periods.word_pattern(shape.words)
    before = _group("ap1", word, only) + f"{M}(?:{S}{M})?"  # (a run of marks before)
    after = f"{M}(?:{S}{M})?" + _group("ap2", word, only)
    never = {"ap1": _group("ap1", "(?!)", only) + "?", "ap2": _group("ap2", "(?!)", only) + "?"}
    if shape.ampm in (None, "after", "none"):
        before = f"(?:{before})?" if shape.ampm is None else never["ap1"]
    if shape.ampm in (None, "before", "none"):
        after = f"(?:{after})?" if shape.ampm is None else never["ap2"]
    core = (_group("hh", r"\d{1,2}", only) + f"{M}{tsep}{M}" + _group("mm", r"\d{2}", only)
            + secs)
    return before + core + after


def _joiner(shape: Shape, only: frozenset[str] | None) -> str:
    if shape.joiners is None:
        return _group("j", _JOIN_ANY, only)
    return M + _group("j", "|".join(_loose(j) for j in shape.joiners), only) + M


def build(shape: Shape, only: frozenset[str] | None = None,
          fields: tuple[str, str] | None = None) -> str:
    """The header pattern of a shape. ``only``: the named groups to capture (all when
    None); ``fields``: patterns that replace the first two date fields (the quick
    day/month rules)."""
    date, time = _date(shape, only, fields), _time(shape, only)
    joiner = _joiner(shape, only)
    stamp = time + joiner + date if shape.time_first else date + joiner + time
    if shape.layout == "ios":
        return rf"{M}\[{M}{stamp}{M}\]{M}{S}"
    return rf"{M}{stamp}{M}{S}{M}[-–]{M}{S}"


@cache
def compiled(shape: Shape) -> re.Pattern[str]:
    return re.compile(build(shape))


PROBES = tuple(Shape(layout, first) for layout in ("android", "ios")
               for first in (False, True))


_FIELDS = ("a", "sep", "b", "c", "hh", "mm", "ss")


Picker = tuple[Callable[[tuple[str | None, ...]], tuple[str | None, ...]], int, int]
# by the pattern's text, not the pattern: hashing a compiled pattern hashes its code
# (8 µs for a header's, once per message read); a str keeps its hash
_PICKERS: dict[str, Picker] = {}


def _picker(pattern: re.Pattern[str]) -> Picker:
    index = pattern.groupindex
    return (itemgetter(*(index[name] - 1 for name in _FIELDS)), index["ap1"] - 1,
            index["ap2"] - 1)


def fields(head: re.Match[str]) -> tuple[str | None, ...]:
    """(a, separator, b, c, hour, minute, second, AM/PM word) of a header match (by
    position: a call per message on the parser's fast path)."""
    pattern = head.re
    picker = _PICKERS.get(pattern.pattern)
    if picker is None:
        picker = _PICKERS[pattern.pattern] = _picker(pattern)
    pick, before, after = picker
    found = head.groups()
    return (*pick(found), found[before] or found[after] or None)


def _valid(head: re.Match[str] | None) -> bool:
    if head is None:
        return False
    word = head["ap1"] or head["ap2"]
    return not word or periods.known(word)


def _width(values: list[str]) -> str:
    sizes = {len(v) for v in values}
    if sizes == {4}:
        return "{4}"
    if 4 in sizes or 3 in sizes:
        return "{1,4}"
    if sizes == {2} and any(int(v) < 10 for v in values):
        return "{2}"  # zero-padded
    return "{1,2}"


def establish(lines: list[str]) -> Shape | None:
    """The shape of a file from its first lines (None: no line is a header)."""
    best: Shape | None = None
    heads: list[re.Match[str] | None] = []
    for probe in PROBES:
        rx = compiled(probe)
        found = [m for line in lines[:PROBE_LINES] if _valid(m := rx.match(line))]
        if len(found) > len(heads):
            best, heads = probe, found
    if best is None:
        return None
    return _shared(best, _majority([m for m in heads if m is not None]))


def _signature(head: re.Match[str]) -> tuple[object, ...]:
    strip = str.maketrans("", "", MARKS)
    return (head["sep"], len(head["a"]) == 4, len(head["c"]), head["j"].translate(strip),
            head["ss"] is None, _ampm_of(head), _trail(head), _time_sep(head))


def _majority(heads: list[re.Match[str]]) -> list[re.Match[str]]:
    """The headers of the most common signature (separators, year width, joiner,
    seconds, AM/PM place): a quoted message of another shape among the first lines does
    not widen the file's shape."""
    signatures = [_signature(h) for h in heads]
    common = Counter(signatures).most_common(1)[0][0]
    return [h for h, sig in zip(heads, signatures, strict=True) if sig == common]


def looks_like_header(line: str) -> bool:
    """Whether ``line`` is a header of any shape (the loose probes)."""
    return any(_valid(compiled(probe).match(line)) for probe in PROBES)


def _ampm_of(head: re.Match[str]) -> str:
    return "before" if head["ap1"] else "after" if head["ap2"] else "none"


def _one(values: set[object]) -> object:
    return next(iter(values)) if len(values) == 1 else None


def _shared(probe: Shape, heads: list[re.Match[str]]) -> Shape:
    strip = str.maketrans("", "", MARKS)
    columns = {name: [h[name] for h in heads] for name in ("a", "b", "c")}
    words = {periods.key(w) for h in heads if (w := h["ap1"] or h["ap2"])}
    ampm = _one({_ampm_of(h) for h in heads})
    digits = "".join(h["a"] + h["hh"] for h in heads[:5])
    return replace(
        probe, seps=tuple(sorted({h["sep"] for h in heads})),
        widths=(_width(columns["a"]), _width(columns["b"]), _width(columns["c"])),
        trail=_one({_trail(h) for h in heads}),  # type: ignore[arg-type]
        joiners=tuple(sorted({h["j"].translate(strip) for h in heads})),
        time_seps="".join(sorted({_time_sep(h) for h in heads})),
        seconds=_one({h["ss"] is not None for h in heads}),  # type: ignore[arg-type]
        ampm=ampm,  # type: ignore[arg-type]
        words=_words(words) if words else None,
        ascii_digits=digits.isascii())


def _words(seen: set[str]) -> frozenset[str]:
    """The AM/PM words a file may use: those of the locales of the words it uses (the
    plain ``am``/``pm`` of many locales alone do not pull in all their other words)."""
    plain = {"am", "pm"}
    others = seen - plain
    found = periods.locales_of(others) if others else frozenset()
    return found | frozenset(plain) | periods.CLOCK_WORDS


def _trail(head: re.Match[str]) -> bool:
    after = head.string[head.end("c"):head.end()].translate(str.maketrans("", "", MARKS))
    return after.startswith(".")


def _time_sep(head: re.Match[str]) -> str:
    return head.string[head.end("hh"):head.start("mm")].translate(
        str.maketrans("", "", MARKS))[:1] or ":"


def common_shape(shapes: list[Shape]) -> Shape | None:
    counted = Counter(shapes).most_common(1)
    return counted[0][0] if counted else None
