"""Addresses and phone numbers proposed as identifiers of a party (the user confirms).

Phones become E.164 with ``phonenumbers``; numbers written without a country code are
read in the country of the case time zone (``Europe/Brussels`` → BE).
"""

from __future__ import annotations

from dataclasses import dataclass

from spoorvast.analysis.email.addresses import addresses_in
from spoorvast.analysis.phones import numbers_in, zone_country

SCAN_LIMIT = 256 * 1024  # characters of body text searched
# phonenumbers' own cap on candidate numbers tried: its default (65,535) took 4 s on
# 256 KB of digit groups; 5,000 keeps that under half a second.
PHONE_TRIES = 5000


@dataclass(frozen=True, slots=True)
class Found:
    kind: str  # "email" or "phone"
    value: str
    source: str  # the header name, or "body"


region_for_zone = zone_country


def in_text(text: str, zone: str) -> list[Found]:
    text = text[:SCAN_LIMIT]
    found = [Found("email", m.lower().rstrip("."), "body") for m in addresses_in(text)]
    found.extend(Found("phone", number, "body")
                 for number in numbers_in(text, region_for_zone(zone), PHONE_TRIES))
    return found
