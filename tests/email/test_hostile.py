"""Hostile e-mail inputs stay within time and memory limits."""

from __future__ import annotations

import time

import pytest

from spoorvast.analysis.email.addresses import parse_addresses
from spoorvast.analysis.email.identifiers import SCAN_LIMIT, in_text

ZONE = "Europe/Brussels"


@pytest.mark.parametrize("text", [
    "a" * SCAN_LIMIT, "a@" + "b" * SCAN_LIMIT, "a@" * (SCAN_LIMIT // 2),
    "a." * (SCAN_LIMIT // 2), " 1" * (SCAN_LIMIT // 2), "0470 12 34 56 " * 18_000,
], ids=["letters", "at-then-letters", "at-runs", "dot-runs", "digit-groups", "phones"])
def test_body_scan_of_256_kb_is_under_a_second(text: str) -> None:
    started = time.perf_counter()
    in_text(text, ZONE)
    assert time.perf_counter() - started < 1.0


def test_a_256_kb_display_name_is_under_a_second() -> None:
    started = time.perf_counter()
    parse_addresses("a" * SCAN_LIMIT + " <pat@example.org>")
    assert time.perf_counter() - started < 1.0


def test_the_address_pattern_still_finds_addresses() -> None:
    found = [f.value for f in in_text("Mail pat.alt@example.org. Of x@y.example!", ZONE)
             if f.kind == "email"]
    assert found == ["pat.alt@example.org", "x@y.example"]
