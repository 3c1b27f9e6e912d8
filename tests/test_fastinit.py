"""The generated ``__init__`` of the hot records behaves like the dataclass one."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spoorvast.model.fastinit import fast_init
from spoorvast.model.records import Event, Location


def test_records_equal_and_frozen() -> None:
    where = Location("ab", 3)
    assert (where.artifact_sha256, where.line, where.byte_start, where.region) == (
        "ab", 3, None, None)
    event = Event(None, 1, None, "message", None, "tekst", location=where, actor="x",
                  details=(("k", "v"),))
    assert event == Event(id=None, case_id=1, item_id=None, kind="message", instant=None,
                          text="tekst", location=Location(artifact_sha256="ab", line=3),
                          actor="x", details=(("k", "v"),))
    assert (event.marked, event.attachments, event.seq) == (False, (), None)
    assert dataclasses.replace(event, seq=4).seq == 4
    assert hash(event) == hash(dataclasses.replace(event))
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.text = "anders"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Event(None, 1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Location(nope=1)  # type: ignore[call-arg]


def test_refuses_what_it_cannot_do() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class WithFactory:
        items: list[int] = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError):
        fast_init(WithFactory)


def test_clock_instants_equal_checked_ones_and_stay_frozen() -> None:
    from datetime import UTC

    from spoorvast.model.instant import EpochClock, Instant, OffsetSource, Precision, ZoneClock

    made = EpochClock("Europe/Brussels").resolve(1_772_000_000, Precision.SECOND, "raw")
    assert made == Instant(datetime.fromtimestamp(1_772_000_000, UTC), 3600,
                           OffsetSource.EPOCH, Precision.SECOND, "Europe/Brussels", "raw")
    assert hash(made) == hash(dataclasses.replace(made))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.raw = "other"  # type: ignore[misc]
    wall = ZoneClock("Europe/Brussels").resolve(datetime(2026, 7, 1, 12, 0), Precision.MINUTE)
    assert (wall.utc, wall.offset_seconds) == (datetime(2026, 7, 1, 10, 0, tzinfo=UTC), 7200)
    assert wall.utc.tzinfo is UTC


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31)),
       st.sampled_from(["Europe/Brussels", "America/New_York", "Australia/Lord_Howe"]))
def test_zone_clock_equals_from_local(wall: datetime, zone_name: str) -> None:
    """``steady`` and ``resolve`` give what ``from_local`` gives; ``steady`` declines
    exactly the hours in which the zone changes its offset."""
    from spoorvast.model.instant import OffsetSource, Precision, ZoneClock, dst_issue, from_local

    wall = wall.replace(microsecond=0)
    clock = ZoneClock(zone_name)
    expected = from_local(wall, zone_name, OffsetSource.ASSUMED_ZONE, Precision.SECOND, "r")
    steady = clock.steady(wall, Precision.SECOND, "r")
    if steady is None:
        hour = wall.replace(minute=0, second=0)
        assert any(dst_issue(hour + timedelta(minutes=m), zone_name) for m in range(0, 60, 5)
                   ) or clock.offsets(hour) != clock.offsets(hour + timedelta(seconds=3599))
    else:
        assert steady == expected and dst_issue(wall, zone_name) is None
    if dst_issue(wall, zone_name) != "gap":
        assert clock.resolve(wall, Precision.SECOND, "r") == expected
