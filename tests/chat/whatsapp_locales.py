"""Synthetic WhatsApp exports in every locale the issue lists, made from CLDR (Babel) as
the phones make them: Android ``<short date><joiner><short time> - Name: text`` and iOS
``[<short date><joiner><medium time>] Name: text``, each with the locale's own 24-hour
default and with the 12-hour clock (CLDR's ``hm``/``hms`` skeletons: 오후 8:01, 晚上8:01,
午後0:30, 8:01 م, ÖS 8:01). Invented people; the golden is what was written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time

from spoorvast.model.conversation import actor_key

LOCALES = ("en_US", "en_GB", "nl", "fr", "de", "es", "it", "pt_BR", "ru", "tr", "pl", "ar",
           "ko", "zh_Hant_TW", "zh_Hans_CN", "ja", "hi", "id", "th", "vi", "uk", "ro")
ZONE = "Europe/Brussels"
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
LRM, RLM, BOM = "\u200e", "\u200f", "\ufeff"


@dataclass(frozen=True)
class Expected:
    actor: str  # the actor key the message must have
    text: str
    utc: str  # ISO instant, to the second


@dataclass(frozen=True)
class Fixture:
    name: str
    text: str
    messages: tuple[Expected, ...]
    lines: int


# (wall time, sender, text): a day above 12 early, a month boundary, midnight and noon
# hours, a summer date, a phone number as sender, a message of three lines
_ROWS = (
    (datetime(2024, 1, 30, 0, 30, 5), "Anna Peeters", "Goedemorgen 🙂"),
    (datetime(2024, 1, 30, 12, 15, 0), "Jan", "first line\nsecond line\n\nfourth"),
    (datetime(2024, 1, 31, 8, 5, 9), "+32 470 12 34 56", "Where is my money"),
    (datetime(2024, 2, 1, 20, 1, 15), "Anna Peeters", "ça va ? — да — 好 — مرحبا"),
    (datetime(2024, 2, 19, 23, 58, 2), "Jan", "tot morgen"),
    (datetime(2024, 7, 14, 13, 0, 59), "Anna Peeters", "zomer"),
)
_PHONES = {"+32 470 12 34 56": "+32470123456"}


def _actor(name: str) -> str:
    if name in _PHONES:
        return actor_key("phone", _PHONES[name], "whatsapp", None)
    return actor_key("name", name, "whatsapp", None)


def _stamp(code: str, when: datetime, ios: bool, twelve: bool) -> str:
    locale = Locale.parse(code)
    date = format_date(when, "short", locale=locale)
    if twelve:
        pattern = locale.datetime_skeletons["hms" if ios else "hm"].pattern
        time = format_time(when, pattern, locale=locale)
    else:
        time = format_time(when, "medium" if ios else "short", locale=locale)
    joined = str(locale.datetime_formats["short"]).replace("{1}", date).replace("{0}", time)
    return joined


def fixture(code: str, ios: bool, twelve: bool, digits: str = "latn") -> Fixture:
    lines, expected = [], []
    for when, sender, text in _ROWS:
        stamp = _stamp(code, when, ios, twelve)
        if digits == "arab":
            stamp = stamp.translate(EASTERN)
        head = f"[{stamp}] " if ios else f"{stamp} - "
        if code == "ar" and ios:
            head = RLM + head  # as Arabic iOS exports begin each line
        lines.append(f"{head}{sender}: {text}")
        seconds = when if ios else when.replace(second=0)
        utc = seconds.replace(tzinfo=ZoneInfo(ZONE)).astimezone(ZoneInfo("UTC"))
        expected.append(Expected(_actor(sender), text, utc.isoformat()))
    body = "\n".join(lines) + "\n"
    name = f"{code}-{'ios' if ios else 'android'}-{'12h' if twelve else 'default'}"
    return Fixture(name + ("-arab" if digits == "arab" else ""), body, tuple(expected),
                   body.count("\n"))


def all_fixtures() -> list[Fixture]:
    found = [fixture(code, ios, twelve) for code in LOCALES for ios in (False, True)
             for twelve in (False, True)]
    found += [fixture("ar", ios, True, "arab") for ios in (False, True)]
    return found
