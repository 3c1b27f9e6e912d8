"""Politeness: never sooner than asked, jitter within its bounds, back-off on errors,
sites taking turns with a gap, one pass per vault at a time; intervals as people write
them."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from spoorvast.errors import UserError
from spoorvast.services.watch import schedule
from spoorvast.services.watch.model import Watch


def watch(every: int = 6 * 3600, url: str = "https://example.org/a", due: float = 0.0,
          number: int = 1) -> Watch:
    return Watch(number, 1, url, every, "2026-03-03T09:00:00+00:00", next_due=due)


@pytest.mark.parametrize(("text", "seconds"), [("6h", 21600), ("30m", 1800), ("1d", 86400),
                                               ("2w", 1209600), (" 15M ", 900)])
def test_intervals(text: str, seconds: int) -> None:
    assert schedule.parse_every(text) == seconds
    assert schedule.parse_every(schedule.every_text(seconds)) == seconds


@pytest.mark.parametrize("text", ["5m", "often", "0h", "", "6 hours", "-1h"])
def test_bad_intervals_are_refused(text: str) -> None:
    with pytest.raises(UserError):
        schedule.parse_every(text)


def test_never_sooner_than_asked_and_jitter_bounded() -> None:
    rng = random.Random(7)
    for every in (900, 6 * 3600, 7 * 86400):
        for _ in range(200):
            due = schedule.next_due(watch(every), 1000.0, 0, rng)
            assert 1000.0 + every <= due <= 1000.0 + every + min(every * 0.1, 900)


def test_back_off_doubles_and_stops_at_a_week() -> None:
    rng = random.Random(8)
    waits = [schedule.next_due(watch(3600), 0.0, n, rng) for n in range(1, 12)]
    assert 7200 <= waits[0] < 7200 + 721 and 14400 <= waits[1] < 14400 + 901
    assert all(w <= 7 * 86400 + 900 for w in waits) and waits[-1] >= 7 * 86400
    weekly = schedule.next_due(watch(14 * 86400), 0.0, 3, rng)
    assert weekly >= 14 * 86400  # back-off never makes a long interval shorter


def test_sites_take_turns_and_wait_their_gap() -> None:
    due = [watch(url="https://a.example/1", number=1), watch(url="https://a.example/2",
                                                             number=2),
           watch(url="https://www.b.example/1", number=3)]
    assert [w.id for w in schedule.polite_order(due)] == [1, 3, 2]
    clock = schedule.SiteClock(gap=20.0)
    clock.ran("https://a.example/1", 100.0)
    assert clock.wait_for("https://m.a.example/2", 105.0) == 15.0
    assert clock.wait_for("https://b.example/1", 105.0) == 0.0


def test_paused_is_never_due() -> None:
    assert schedule.is_due(watch(due=10.0), 11.0)
    assert not schedule.is_due(watch(due=12.0), 11.0)
    from dataclasses import replace

    assert not schedule.is_due(replace(watch(due=10.0), paused=True), 11.0)


def test_one_pass_at_a_time(tmp_path: Path) -> None:
    with schedule.one_pass(tmp_path) as first:
        assert first
        with schedule.one_pass(tmp_path) as second:
            assert not second
    with schedule.one_pass(tmp_path) as again:
        assert again


def test_a_locked_run_needs_the_install(tmp_path: Path) -> None:
    from spoorvast.services.watch import unattended

    with pytest.raises(UserError, match="watch install"):
        unattended.run_locked(tmp_path)
