"""E-mail dates (RFC 5322 and what real mail servers write) into Instants.

Never naive: a numeric offset or a known zone name (``CEST``) gives an EXPLICIT offset;
``-0000`` is UTC with the sender's zone unknown, and so is an unknown or ambiguous zone
name (``A``, ``ZZZZ``, ``IST``), as RFC 5322 §4.3 says (reported, never the case zone);
a date without any zone is resolved in the case zone (ASSUMED_ZONE) and reported.
Never raises.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from spoorvast.model.instant import Instant, OffsetSource, Precision, from_aware, from_local

_RFC = re.compile(
    r"\s*(?:\(?[A-Za-z]{2,9}\.?\)?\s*,?\s*)?(?P<day>\d{1,2})[\s-]*(?P<mon>[A-Za-z]{3,9})\.?[\s-]*"
    r"(?P<year>\d{2,4})\s+(?P<h>\d{1,2}):(?P<m>\d{1,2})(?::(?P<s>\d{1,2})(?:\.(?P<f>\d{1,6}))?)?"
    r"\s*(?P<zone>[+-]\s?\d{1,2}:?\d{2}|[A-Za-z]{1,5}(?:[+-]\d{1,4})?)?")
_ASCTIME = re.compile(
    r"\s*[A-Za-z]{3}\s+(?P<mon>[A-Za-z]{3})\s+(?P<day>\d{1,2})\s+(?P<h>\d{1,2}):(?P<m>\d{2})"
    r"(?::(?P<s>\d{2}))?\s+(?:(?P<zone>[A-Za-z]{1,5}|[+-]\d{4})\s+)?(?P<year>\d{4})"
    r"(?:\s+(?P<zone2>[+-]\d{4}|[A-Za-z]{1,5})\b)?")
_ISO = re.compile(
    r"\s*(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})[T ](?P<h>\d{2}):(?P<m>\d{2})"
    r"(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,6}))?)?\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?")
_COMMENT_ZONE = re.compile(r"\(\s*([A-Za-z]{2,5})\s*\)")

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# Zone names seen in Date and Received headers, with their offsets in hours. Ambiguous
# names (IST: India, Ireland or Israel) are deliberately absent.
ZONES = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10,
    "CET": 1, "MET": 1, "MEZ": 1, "BST": 1, "WEST": 1,
    "CEST": 2, "MEST": 2, "MESZ": 2, "EET": 2, "SAST": 2,
    "EEST": 3, "MSK": 3, "JST": 9, "KST": 9, "HKT": 8, "SGT": 8,
    "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}


class DateIssue:
    UNPARSABLE = "unparsable"
    INVALID = "invalid"  # e.g. 31 February, hour 25
    NO_ZONE = "no-zone"  # resolved in the case zone
    UNKNOWN_ZONE = "unknown-zone"  # a zone name we cannot map; read as UTC (-0000)
    ZONE_UNKNOWN_UTC = "zone-unknown-utc"  # -0000: UTC, sender's zone not given


@dataclass(frozen=True, slots=True)
class ParsedDate:
    raw: str
    instant: Instant | None
    issue: str | None = None


def parse_date(text: str, case_zone: str) -> ParsedDate:
    raw = " ".join(text.split())[:200]
    match = _RFC.match(text) or _ASCTIME.match(text)
    if match is not None:
        month = MONTHS.get(match.group("mon")[:3].lower())
        if month is None:
            return ParsedDate(raw, None, DateIssue.UNPARSABLE)
        year = _year(match.group("year"))
    else:
        match = _ISO.match(text)
        if match is None:
            return ParsedDate(raw, None, DateIssue.UNPARSABLE)
        month, year = int(match.group("mon")), int(match.group("year"))
    return _build(match, year, month, raw, case_zone, text)


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        return value + (2000 if value < 50 else 1900)
    return value + 1900 if len(text) == 3 else value


def _build(match: re.Match[str], year: int, month: int, raw: str, case_zone: str,
           text: str) -> ParsedDate:
    seconds, fraction = match.group("s"), _group(match, "f")
    try:
        wall = datetime(year, month, int(match.group("day")), int(match.group("h")),
                        int(match.group("m")), int(seconds or 0),
                        int((fraction or "0").ljust(6, "0")[:6]))
    except ValueError:
        return ParsedDate(raw, None, DateIssue.INVALID)
    precision = (Precision.MINUTE if seconds is None else
                 Precision.MICROSECOND if fraction else Precision.SECOND)
    zone_text = (match.group("zone") or _group(match, "zone2")
                 or _comment_zone(text[match.end():]))
    offset, issue = _offset(zone_text)
    if offset is None:
        try:
            moment = from_local(wall, case_zone, OffsetSource.ASSUMED_ZONE, precision, raw)
        except ValueError:
            return ParsedDate(raw, None, DateIssue.INVALID)
        return ParsedDate(raw, moment, issue)
    try:
        aware = wall.replace(tzinfo=_fixed(offset))
        return ParsedDate(raw, from_aware(aware, OffsetSource.EXPLICIT, precision, raw), issue)
    except (ValueError, OverflowError):
        return ParsedDate(raw, None, DateIssue.INVALID)


def _group(match: re.Match[str], name: str) -> str | None:
    """``match.groupdict().get(name)`` without building the dict (not every pattern
    has the group)."""
    return match.group(name) if name in match.re.groupindex else None


@functools.lru_cache(maxsize=256)  # the same few offsets, date after date
def _fixed(minutes: int) -> timezone:
    return timezone(timedelta(minutes=minutes))


def _comment_zone(rest: str) -> str | None:
    match = _COMMENT_ZONE.match(rest.strip())
    return match.group(1) if match else None


def _offset(zone: str | None) -> tuple[int | None, str | None]:
    """(offset in minutes or None, issue)."""
    if not zone:
        return None, DateIssue.NO_ZONE
    zone = zone.replace(" ", "")
    if zone[:3].upper() in ("GMT", "UTC") and zone[3:4] in ("+", "-"):
        zone = zone[3:]
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        if len(digits) <= 2:
            digits += "00"
        hours, minutes = int(digits[:-2]), int(digits[-2:])
        if hours > 23 or minutes > 59:
            return 0, DateIssue.UNKNOWN_ZONE
        sign = -1 if zone[0] == "-" else 1
        issue = DateIssue.ZONE_UNKNOWN_UTC if zone == "-0000" else None
        return sign * (hours * 60 + minutes), issue
    name = zone.upper()
    if name in ZONES:
        return ZONES[name] * 60, None
    return 0, DateIssue.UNKNOWN_ZONE  # RFC 5322 §4.3: read as -0000 (UTC)
