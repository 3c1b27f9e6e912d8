"""A clock reading kept in UTC (a server's) is shown in the case zone: the same moment,
only the offset and zone change — across a daylight-saving change too."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from spoorvast.model import instant


def test_a_utc_clock_reading_is_shown_in_brussels_time() -> None:
    winter = instant.from_epoch(datetime(2026, 3, 28, 22, 30, tzinfo=UTC).timestamp(), "UTC")
    summer = instant.from_epoch(datetime(2026, 3, 29, 2, 30, tzinfo=UTC).timestamp(), "UTC")
    assert instant.shown_in(winter, "Europe/Brussels").isoformat() == \
        "2026-03-28T23:30:00+01:00"
    shown = instant.shown_in(summer, "Europe/Brussels")
    assert shown.isoformat() == "2026-03-29T04:30:00+02:00"
    assert (shown.utc, shown.source, shown.precision, shown.zone) == (
        summer.utc, summer.source, summer.precision, "Europe/Brussels")


@given(st.datetimes(min_value=datetime(1980, 1, 1), max_value=datetime(2100, 1, 1),
                    timezones=st.just(UTC)),
       st.sampled_from(["Europe/Brussels", "America/St_Johns", "Asia/Kolkata", "UTC"]))
def test_the_moment_never_moves(moment: datetime, zone: str) -> None:
    reading = instant.from_aware(moment, instant.OffsetSource.CLOCK,
                                 instant.Precision.MICROSECOND)
    shown = instant.shown_in(reading, zone)
    assert shown.utc == reading.utc and shown.local == moment
    assert instant.Instant.from_json(shown.to_json()) == shown
