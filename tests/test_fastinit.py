"""The generated ``__init__`` of the hot records behaves like the dataclass one."""

from __future__ import annotations

import dataclasses

import pytest

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
    from datetime import UTC, datetime

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
