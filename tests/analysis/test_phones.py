"""Phone numbers as phones and apps write them (every Unicode dash and space, bidi
marks, full-width plus, Eastern-Arabic digits) are recognised as the same E.164 number;
what is not a number stays None."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# -- numbers_in: the matcher with its decisions kept is the plain matcher -------------

REGIONS = ["BE", "NL", "FR", "DE", "GB", "US", "ZZ"]
WRITTEN = [
    "+32 470 12 34 56", "0470 12 34 56", "0470/12.34.56", "04 70 12 34 56", "(02) 512 34 56",
    "+31 6 12345678", "06-12345678", "020 123 4567", "+33 6 12 34 56 78", "06 12 34 56 78",
    "+49 30 1234567", "030 1234567", "0151 23456789", "+44 20 7946 0958", "020 7946 0958",
    "07700 900123", "+1 (555) 010-9999", "(202) 555-0143", "202.555.0143", "1-800-555-0199",
    "+32\u00a0470\u202f12\u201034\u201356", "+\u0663\u0662 \u0664\u0667\u0660 \u0661\u0662 "
    "\u0663\u0664 \u0665\u0666", "\uff0b\uff13\uff12 \uff14\uff17\uff10 \uff11\uff12\uff13\uff14"
    "\uff15\uff16", "0032 470 12 34 56", "+32 (0)470 12 34 56", "+41 79 123 45 67 / 68",
    "+44 20 7946 0958 ext. 123", "555-0143", "12/03/2026", "3/12/2026 10:15", "2026-03-03",
    "13:15:00", "42", "1234", "€ 0470 12 34 56", "0470123456%", "pat0470123456", "0470123456x",
    "ISBN 978-3-16-148410-0", "p. 12-34", "[0470 12 34 56]", "(0470 12 34 56",
]
GLUE = [" ", "\n", "tel: ", "Bel me op ", "abc", "é", "—", "(", ")", ", ", ". ", "/", "-",
        "mail pat12@example.org ", "\u200e", "x"]


def _plain(text: str, region: str) -> list[str]:
    import phonenumbers
    return [phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            for m in phonenumbers.PhoneNumberMatcher(text, region, max_tries=5000)]


def _texts() -> list[str]:
    texts = [f"{a}{w}{b}" for w in WRITTEN for a, b in zip(GLUE, reversed(GLUE), strict=True)]
    texts.append(" ".join(WRITTEN))
    texts.append("\n".join(f"{g}{w}" for g, w in zip(GLUE * 4, WRITTEN, strict=False)))
    return texts


def _compare(texts: list[str], region: str) -> int:
    from spoorvast.analysis.phones import numbers_in
    found = 0
    for text in texts:
        expected = _plain(text, region)
        assert list(numbers_in(text, region, 5000)) == expected, text
        assert list(numbers_in(text, region, 5000)) == expected, text  # decisions kept
        found += len(expected)
    return found


def test_numbers_in_finds_what_the_plain_matcher_finds() -> None:
    # every written form in one text, and beside each glue: each region finds numbers
    texts = [" ".join(WRITTEN), "".join(f"{g}{w}" for g, w in zip(GLUE * 3, WRITTEN,
                                                                    strict=False))]
    for region in REGIONS:
        assert _compare(texts, region) >= 5, region


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_numbers_in_finds_what_the_plain_matcher_finds_beside_every_glue(region: str) -> None:
    assert _compare(_texts(), region) >= 50


def test_the_same_candidate_beside_other_characters_is_decided_again() -> None:
    from spoorvast.analysis.phones import numbers_in
    # a Latin letter right before or after a number rejects it; a space does not
    for text in ["0470 12 34 56", "a0470123456", "0470123456 ", "0470123456b", " 0470123456"]:
        assert list(numbers_in(text, "BE", 5000)) == _plain(text, "BE"), text
    assert list(numbers_in("x0470123456", "BE", 5000)) == []
    assert list(numbers_in(" 0470123456", "BE", 5000)) == ["+32470123456"]


def test_the_tries_limit_is_the_plain_matchers() -> None:
    from spoorvast.analysis.phones import numbers_in
    text = " ".join(f"{n:04d}" for n in range(300)) + " 0470 12 34 56"
    for tries in (1, 10, 299, 301, 5000):
        assert list(numbers_in(text, "BE", tries)) == [
            m for m in _plain_tries(text, "BE", tries)]


def _plain_tries(text: str, region: str, tries: int) -> list[str]:
    import phonenumbers
    return [phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            for m in phonenumbers.PhoneNumberMatcher(text, region, max_tries=tries)]


_PIECES = st.lists(st.one_of(st.sampled_from(WRITTEN), st.sampled_from(GLUE),
                             st.text(alphabet="0123456789 +-()[]./\u00a0xé\uff08\uff3b\uff0b"
                                              "\u2010\u0663\uff14~", max_size=24)),
                   max_size=12).map("".join)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PIECES, st.sampled_from(REGIONS))
def test_numbers_in_is_the_plain_matcher_on_generated_texts(text: str, region: str) -> None:
    from spoorvast.analysis.phones import numbers_in
    assert list(numbers_in(text, region, 5000)) == _plain(text, region)


def test_a_search_may_start_just_before_the_next_digit() -> None:
    # the longest lead a candidate may have before its first digit (2 x a lead
    # character and 4 punctuation characters), far into a text without digits
    from spoorvast.analysis.phones import numbers_in
    for lead in ["+----+----", "(....(....", "\uff0b\u2010\u2010\u2010\u2010(", "+ ( ", "((((", ""]:
        text = "letters " * 200 + lead + "32 470 12 34 56 and 0470 12 34 56" + " end" * 50
        assert list(numbers_in(text, "BE", 5000)) == _plain(text, "BE"), lead
    assert list(numbers_in("no digit at all " * 100, "BE", 5000)) == []


def test_the_mirrored_matcher_is_used_only_on_the_version_it_copies(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # phones._Matcher repeats PhoneNumberMatcher._find of the versions it names: on
    # another version (an upgrade) the plain matcher is used, so nothing private of the
    # library is touched and the same numbers are found; on an upgrade, compare the two
    # again (and the pattern's lead before a digit) before adding its version
    import phonenumbers

    from spoorvast.analysis import phones
    phones._matcher_type.cache_clear()
    if phonenumbers.__version__ in phones.MIRRORED_VERSIONS:
        assert phones._matcher_type() is phones._Matcher
    monkeypatch.setattr(phonenumbers, "__version__", "99.0.0")
    phones._matcher_type.cache_clear()
    try:
        assert phones._matcher_type() is phonenumbers.PhoneNumberMatcher
        text = "bel me op 0470 12 34 56 of +32 2 123 45 67"
        assert list(phones.numbers_in(text, "BE", 5000)) == _plain(text, "BE")
    finally:
        phones._matcher_type.cache_clear()
