"""Phone numbers as phones and apps write them (every Unicode dash and space, bidi
marks, full-width plus, Eastern-Arabic digits) are recognised as the same E.164 number;
what is not a number stays None."""

from __future__ import annotations

import pytest

from spoorvast.analysis.phones import e164

SAME = ["+32 470 12 34 56", "+32\u00a0470\u202f12\u201034\u201356", "\u202a+32 470 12 34 56\u202c",
        "\u200e+32 470 12 34 56\u200f", "\u2068+32 470 12 34 56\u2069", "\ufeff+32 470 123456",
        "+٣٢ ٤٧٠ ١٢ ٣٤ ٥٦", "0470\u201312 34 56", "0470\u201412\u201534\u201256",
        "\uff0b32\u3000470\u2009123456", "+32 (0)470 12 34 56"]


@pytest.mark.parametrize("written", SAME)
def test_every_dash_space_and_mark_gives_the_same_number(written: str) -> None:
    assert e164(written, "BE") == "+32470123456"


def test_the_android_non_breaking_hyphen() -> None:
    assert e164("+1 (555) 010\u20119999", "BE") == "+15550109999"
    assert e164("+1\u00a0555\u2011010\u20119999", None) == "+15550109999"


@pytest.mark.parametrize("text", ["Jan Peeters", "12:30", "\u2011\u2011\u2011", "", "~\u202fAnna"])
def test_what_is_not_a_number_stays_none(text: str) -> None:
    assert e164(text, "BE") is None
