"""This computer's clock against the time-stamp authority's, read from a token.

The local clock is read just before the request is sent and just after the reply
arrives; the TSA wrote its own time (``genTime``) somewhere in between. So the offset is
``genTime − midpoint`` and it is known to within half the round trip, plus the TSA's
stated accuracy (unknown when the token does not state one), plus the resolution of
``genTime`` (a whole second unless the token gives fractions).

The record a token covers cannot hold the token's own time, so this comparison is
stored beside it as ``timestamp-clock.json`` (derived from the record's hash).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

CLOCK_NAME = "timestamp-clock.json"
_TIME = re.compile(r"^Time stamp: (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)(\.\d+)? (\d{4}) GMT",
                   re.MULTILINE)
_ACCURACY = re.compile(r"^Accuracy: (.*)$", re.MULTILINE)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
           "Dec")


@dataclass(frozen=True, slots=True)
class ClockCheck:
    local_before: datetime
    local_after: datetime
    tsa_time: datetime
    tsa_resolution: float  # seconds
    tsa_accuracy: float | None  # seconds; None: the token states none

    @property
    def offset(self) -> float:
        """Seconds the TSA's clock is ahead of this computer's (negative: behind)."""
        middle = self.local_before + (self.local_after - self.local_before) / 2
        return (self.tsa_time - middle).total_seconds()

    @property
    def uncertainty(self) -> float:
        """± seconds, not counting an unstated TSA accuracy."""
        half_trip = (self.local_after - self.local_before).total_seconds() / 2
        return half_trip + self.tsa_resolution + (self.tsa_accuracy or 0.0)

    def to_json(self) -> dict[str, object]:
        return {"local_before": _iso(self.local_before), "local_after": _iso(self.local_after),
                "tsa_time": _iso(self.tsa_time),
                "offset_seconds": round(self.offset, 3),
                "uncertainty_seconds": round(self.uncertainty, 3),
                "tsa_accuracy_seconds": self.tsa_accuracy,
                "tsa_time_resolution_seconds": self.tsa_resolution,
                "method": "offset = TSA genTime - midpoint of the local clock before the "
                          "request and after the reply; uncertainty = half the round trip "
                          "+ the resolution of genTime + the TSA's stated accuracy "
                          "(not included when the token states none)"}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def read_gen_time(text: str) -> tuple[datetime, float] | None:
    """genTime and its resolution (s) from ``openssl ts -reply -text`` output."""
    found = _TIME.search(text)
    if found is None or found.group(1) not in _MONTHS:
        return None
    month, day, hour, minute, second, fraction, year = found.groups()
    moment = datetime(int(year), _MONTHS.index(month) + 1, int(day), int(hour),
                      int(minute), int(second), tzinfo=UTC)
    if not fraction:
        return moment, 1.0
    digits = fraction[1:]
    micro = int((digits + "000000")[:6])
    return moment.replace(microsecond=micro), 10.0 ** -min(len(digits), 6)


def read_accuracy(text: str) -> float | None:
    """The token's stated accuracy in seconds; None when it states none."""
    found = _ACCURACY.search(text)
    if found is None or found.group(1).strip() == "unspecified":
        return None
    total, any_part = 0.0, False
    for value, unit in re.findall(r"(0x[0-9A-Fa-f]+|\d+) (seconds|millis|micros)",
                                  found.group(1)):
        any_part = True
        scale = {"seconds": 1.0, "millis": 1e-3, "micros": 1e-6}[unit]
        total += int(value, 0) * scale
    return total if any_part else None


def check_clock(text: str, before: datetime, after: datetime) -> ClockCheck | None:
    gen = read_gen_time(text)
    if gen is None:
        return None
    return ClockCheck(before, after, gen[0], gen[1], read_accuracy(text))
