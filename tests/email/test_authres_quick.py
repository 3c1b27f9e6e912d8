"""The quick reading of common Authentication-Results shapes agrees with authres.

``authresults._common_shape`` reads the usual shapes without authres (its patterns were
a quarter of an mbox import's time); whenever it accepts a header, authres must give
the same authserv-id, methods, results and properties. Shapes are generated (including
the odd ones that must be left to authres) and taken from the e-mail test suites.
"""

from __future__ import annotations

import re
from pathlib import Path

import authres
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spoorvast.analysis.email import authresults
from spoorvast.analysis.email.authresults import AuthResult, repaired

ATOM = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789-_+=/!#", min_size=1,
               max_size=10)
DOMAIN = st.lists(ATOM, min_size=1, max_size=4).map(".".join)
VALUE = st.one_of(DOMAIN, st.builds("{}@{}".format, ATOM, DOMAIN),
                  st.sampled_from(["<>", '""', "", "@example.org", '"quoted"', "a b",
                                   "a\\b", "(c)", "é.example"]))
COMMENT = st.one_of(st.just(""), st.sampled_from([
    " (google.com: domain of x@example.org designates 192.0.2.1 as permitted sender)",
    " (2048-bit key)", "(no space)", " (nested (comment))", " (semi;colon)",
    " (ünïcode)", " (back\\slash)"]))
PTYPE = st.sampled_from(["smtp", "header", "body", "policy", "SMTP", "Header", "x", "smtpx"])
PNAME = st.sampled_from(["mailfrom", "MailFrom", "helo", "d", "i", "b", "from", "s", "a.b",
                         "remote-ip"])
SPACE = st.sampled_from(["", " ", "  ", "\t", "\r\n "])
METHOD = st.sampled_from(["spf", "dkim", "dmarc", "arc", "iprev", "auth", "compauth",
                          "DKIM", "x-custom", "none", "nonesuch", "dkim/1"])
RESULT = st.sampled_from(["pass", "fail", "softfail", "neutral", "none", "temperror",
                          "permerror", "policy", "PASS", "bestguesspass"])


@st.composite
def resinfo(draw: st.DrawFn) -> str:
    text = f"{draw(METHOD)}{draw(SPACE)}={draw(SPACE)}{draw(RESULT)}{draw(COMMENT)}"
    if draw(st.booleans()) and draw(st.booleans()):
        text += f" reason={draw(st.sampled_from(['x', chr(34) + 'y z' + chr(34)]))}"
    for _ in range(draw(st.integers(0, 3))):
        text += (f"{draw(st.sampled_from([' ', '', '  ']))}{draw(PTYPE)}.{draw(PNAME)}"
                 f"{draw(SPACE)}={draw(SPACE)}{draw(VALUE)}{draw(COMMENT)}")
    return text


@st.composite
def header(draw: st.DrawFn) -> str:
    serv = draw(st.one_of(DOMAIN, st.sampled_from(["mx.google.com 1", "a (c)", ""])))
    results = draw(st.lists(resinfo(), min_size=0, max_size=4))
    end = draw(st.sampled_from(["", ";", "; ", " ;"]))
    return serv + "".join(f";{draw(SPACE)}{r}" for r in results) + end


@st.composite
def common_header(draw: st.DrawFn) -> str:
    """The shapes the quick reading is for (most of these it must accept)."""
    def one() -> str:
        text = f"{draw(METHOD)}={draw(RESULT)}{draw(st.sampled_from(['', ' (2048-bit key)']))}"
        for _ in range(draw(st.integers(0, 3))):
            value = draw(st.one_of(DOMAIN, st.builds("{}@{}".format, ATOM, DOMAIN)))
            text += f" {draw(PTYPE)}.{draw(PNAME)}={value}"
        return text

    results = [one() for _ in range(draw(st.integers(1, 4)))]
    return draw(DOMAIN) + "".join(f"; {r}" for r in results) + draw(st.sampled_from(["", ";"]))


def by_authres(value: str) -> tuple[str | None, tuple[AuthResult, ...], bool]:
    text = repaired(value)
    try:
        parsed = authres.AuthenticationResultsHeader.parse("Authentication-Results: " + text)
    except Exception:
        return None, (), False
    return parsed.authserv_id, tuple(authresults._result(r) for r in parsed.results), True


def agrees(value: str) -> bool:
    quick = authresults._common_shape(repaired(value))
    return quick is None or quick == by_authres(value)


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(header())
def test_the_quick_reading_agrees_with_authres(value: str) -> None:
    assert agrees(value), (value, authresults._common_shape(repaired(value)),
                           by_authres(value))


@pytest.mark.slow  # 5-10 s: in the full run only
@settings(max_examples=400, deadline=None)
@given(common_header())
def test_the_common_shapes_agree_with_authres(value: str) -> None:
    assert agrees(value), (value, authresults._common_shape(repaired(value)),
                           by_authres(value))


_FIELD = re.compile(r"(?:ARC-)?Authentication-Results:[ \t]*((?:[^\n]*\n[ \t][^\n]*)*[^\n]*)",
                    re.IGNORECASE)


def test_every_shape_in_the_email_tests_agrees_and_common_ones_are_quick() -> None:
    seen = quick = 0
    for path in sorted(Path(__file__).parent.glob("*.py")):
        for match in _FIELD.finditer(path.read_text(encoding="utf-8")):
            value = re.sub(r"^i=\d+;\s*", "", match.group(1).replace("\\n", "\n"))
            value = value.split('"', 1)[0] if value.count('"') % 2 else value
            seen += 1
            quick += authresults._common_shape(repaired(value)) is not None
            assert agrees(value), value
    assert seen >= 10 and quick >= seen // 3, (seen, quick)


def test_the_usual_shapes_are_read_quickly() -> None:
    for value in (
            "mx.google.com; spf=pass (google.com: domain of b@example.org designates "
            "192.0.2.7 as permitted sender) smtp.mailfrom=b@example.org; dkim=pass "
            "header.i=@example.org header.s=s1 header.b=AbC+/x; dmarc=pass (p=NONE "
            "sp=NONE dis=NONE) header.from=example.org",
            "spf=fail (sender IP is 192.0.2.9) smtp.mailfrom=example.org; dkim=none "
            "(message not signed) header.d=none;dmarc=fail action=none "
            "header.from=example.org;"):
        assert authresults._common_shape(repaired(value)) is not None or value.startswith(
            "spf"), value
        assert agrees(value)
