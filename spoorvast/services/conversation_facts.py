"""The decisive facts of a conversation import, read from its findings.

The generic part of ``show`` lists every finding as it is; this reads the few that
decide how far the conversation can be trusted (date order, zone assumed, truncation,
attachments, encoding repairs, an import that stopped) into typed fields, and counts
the rest per code.

JSON (``facts``): ``date_order`` {order, rule, ambiguous} | null, ``time_zone`` {zone,
events} | null (events: how many were read in it; null = every local time),
``truncated`` {count, limit, media} | null, ``attachments`` {missing, refused,
unreferenced, undecodable}, ``repairs`` {not_utf8, mojibake, escapes, surrogates},
``own_messages_only``, ``stopped`` {importer, after, error} | null, ``other``
[{code, count}].
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spoorvast.model.records import Finding

Params = dict[str, str]
DECISIVE = frozenset({
    "chat.counts", "chat.date-order", "chat.date-order-ambiguous", "chat.zone-assumed",
    "chat.utc-assumed", "chat.times-without-epoch", "chat.truncated",
    "chat.attachment-missing", "chat.attachments-more", "chat.attachment-refused",
    "chat.attachment-unreferenced", "chat.attachment-undecodable", "chat.encoding",
    "chat.mojibake-repaired", "chat.escapes-repaired", "chat.surrogates",
    "chat.own-messages-only", "import.stopped",
})
_LEADING_COUNT = re.compile(r"^(\d+) ")


@dataclass(frozen=True, slots=True)
class DateOrder:
    order: str  # day/month/year, month/day/year, year-month-day
    rule: str | None  # how it was decided (None when assumed)
    ambiguous: bool


@dataclass(frozen=True, slots=True)
class ZoneRead:
    zone: str  # the zone local times were read in (assumed, not in the source)
    events: int | None  # how many; None: every local time of the export


@dataclass(frozen=True, slots=True)
class Truncation:
    count: int
    limit: int
    media: str  # "with media" / "without media"


@dataclass(frozen=True, slots=True)
class Attachments:
    missing: int  # named by a message, not in the export (or not read, when counted)
    refused: int  # named by a message, not read (outside the export's folder…)
    unreferenced: int  # in the export, named by no message
    undecodable: int


@dataclass(frozen=True, slots=True)
class Repairs:
    not_utf8: int  # lines or places read in another encoding
    mojibake: int  # texts repaired from UTF-8-read-as-Latin-1
    escapes: int  # invalid \x escapes in JSON
    surrogates: int  # texts with lone surrogates replaced

    def total(self) -> int:
        return self.not_utf8 + self.mojibake + self.escapes + self.surrogates


@dataclass(frozen=True, slots=True)
class Stopped:
    importer: str
    after: int  # events read before it stopped
    error: str  # the kind of error (never content)


@dataclass(frozen=True, slots=True)
class CodeCount:
    code: str
    count: int


@dataclass(frozen=True, slots=True)
class Facts:
    date_order: DateOrder | None
    time_zone: ZoneRead | None
    truncated: Truncation | None
    attachments: Attachments
    repairs: Repairs
    own_messages_only: bool
    stopped: Stopped | None
    other: tuple[CodeCount, ...]

    def other_count(self) -> int:
        return sum(c.count for c in self.other)


def read_facts(findings: list[Finding]) -> Facts:
    by_code: dict[str, list[Params]] = {}
    for finding in findings:
        by_code.setdefault(finding.code, []).append(dict(finding.params))
    orders = [f for f in findings if f.code in ("chat.date-order", "chat.date-order-ambiguous")]
    return Facts(_date_order(orders[-1] if orders else None), _zone(by_code), _truncation(by_code),
                 _attachments(by_code), _repairs(by_code),
                 "chat.own-messages-only" in by_code, _stopped(by_code), _other(by_code))


def _first(by_code: dict[str, list[Params]], code: str) -> Params | None:
    found = by_code.get(code)
    return found[0] if found else None


def _number(text: str | None, default: int = 0) -> int:
    return int(text) if text and text.isdigit() else default


def _date_order(finding: Finding | None) -> DateOrder | None:
    """The last word on the date order: a ``reread`` with the user's choice comes after
    the assumption it corrects."""
    if finding is None:
        return None
    params = dict(finding.params)
    if finding.code == "chat.date-order-ambiguous":
        return DateOrder(params.get("order", ""), None, True)
    return DateOrder(params.get("order", ""), params.get("rule"), False)


def _zone(by_code: dict[str, list[Params]]) -> ZoneRead | None:
    assumed = _first(by_code, "chat.zone-assumed")
    if assumed is not None:
        return ZoneRead(assumed.get("zone", ""), None)
    if "chat.utc-assumed" in by_code:
        return ZoneRead("UTC", None)
    partly = by_code.get("chat.times-without-epoch", [])
    if not partly:
        return None
    return ZoneRead(partly[0].get("zone", ""), sum(_number(p.get("count")) for p in partly))


def _truncation(by_code: dict[str, list[Params]]) -> Truncation | None:
    found = _first(by_code, "chat.truncated")
    if found is None:
        return None
    return Truncation(_number(found.get("count")), _number(found.get("limit")),
                      found.get("media", ""))


def _attachments(by_code: dict[str, list[Params]]) -> Attachments:
    more = _counted(by_code.get("chat.attachments-more", []), "count")
    return Attachments(len(by_code.get("chat.attachment-missing", [])) + more,
                       len(by_code.get("chat.attachment-refused", [])),
                       len(by_code.get("chat.attachment-unreferenced", [])),
                       len(by_code.get("chat.attachment-undecodable", [])))


def _counted(found: list[Params], key: str) -> int:
    """Findings that each stand for one place, or for ``{count}`` / "N more …" places."""
    total = 0
    for params in found:
        value = params.get(key, "")
        match = _LEADING_COUNT.match(value)
        total += _number(value, 1) if key == "count" else (
            int(match.group(1)) if match else 1)
    return total


def _repairs(by_code: dict[str, list[Params]]) -> Repairs:
    return Repairs(_counted(by_code.get("chat.encoding", []), "where"),
                   _counted(by_code.get("chat.mojibake-repaired", []), "count"),
                   _counted(by_code.get("chat.escapes-repaired", []), "count"),
                   _counted(by_code.get("chat.surrogates", []), "where"))


def _stopped(by_code: dict[str, list[Params]]) -> Stopped | None:
    found = _first(by_code, "import.stopped")
    if found is None:
        return None
    return Stopped(found.get("importer", ""), _number(found.get("count")),
                   found.get("error", ""))


def _other(by_code: dict[str, list[Params]]) -> tuple[CodeCount, ...]:
    return tuple(CodeCount(code, len(found)) for code, found in sorted(by_code.items())
                 if code not in DECISIVE)
