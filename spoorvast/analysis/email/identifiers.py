"""Addresses and phone numbers proposed as identifiers of a party (the user confirms).

Phones become E.164 with ``phonenumbers``; numbers written without a country code are
read in the country of the case time zone (``Europe/Brussels`` → BE).
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from spoorvast.analysis.email.addresses import ADDRESS
from spoorvast.analysis.phones import zone_country

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
    found = [Found("email", m.lower().rstrip("."), "body") for m in ADDRESS.findall(text)]
    region = region_for_zone(zone)
    for match in phonenumbers.PhoneNumberMatcher(text, region or "ZZ",
                                                 max_tries=PHONE_TRIES):
        number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append(Found("phone", number, "body"))
    return found
