"""Group stamps and day separators named relative to the screenshot ("Today 21:03",
"Gisteren", "maandag"): resolved against the picture's own day, never silently (the
message confirmed from one says what its day was counted from; see test_apps)."""

from __future__ import annotations

from datetime import date

import pytest

from spoorvast.analysis.ocr import clock
from tests.ocr.test_layout import REF, read

YESTERDAY = date(2024, 3, 11)  # REF is Tuesday 12 March 2024


@pytest.mark.parametrize(("stamp", "day"), [
    ("Today 21:03", REF), ("Yesterday 21:03", YESTERDAY), ("Vandaag 08:16", REF),
    ("Gisteren", YESTERDAY), ("Aujourd'hui 21:03", REF), ("Hier, 21:03", YESTERDAY),
    ("Heute", REF), ("Gestern 07:00", YESTERDAY),
    ("Monday 21:03", YESTERDAY), ("zondag", date(2024, 3, 10)),
    ("mercredi 10:00", date(2024, 3, 6)),  # within the last week, never ahead
    ("dinsdag", date(2024, 3, 5)),  # the weekday of the day itself: a week before
])
def test_relative_stamps_are_resolved_against_the_pictures_day(stamp: str,
                                                               day: date) -> None:
    mark = clock.find_day(stamp, REF)
    assert mark is not None and mark.day == day and clock.is_relative(stamp)


@pytest.mark.parametrize("stamp", ["12 maart", "12.03.2024", "March 12, 2024", "21:03"])
def test_dates_written_out_are_not_relative(stamp: str) -> None:
    assert not clock.is_relative(stamp)


def test_without_the_pictures_day_a_relative_stamp_has_no_date() -> None:
    assert clock.find_day("Today 21:03", None) == clock.DayMark("Today 21:03", None)


def test_a_group_stamp_with_a_time_is_a_separator_not_a_message() -> None:
    assert read(("Yesterday 21:03", 400, 280), ("Hoi daar", 60, 380), ("21:03", 42, 432),
                ("Today 08:16", 420, 520), ("Bel me", 60, 620), ("08:16", 42, 672)) == [
        ("left", "Hoi daar", "21:03", YESTERDAY), ("left", "Bel me", "08:16", REF)]
