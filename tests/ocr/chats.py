"""The generated test set: one chat per language, with known text, times, numbers,
handles, e-mail addresses and URLs (synthetic people, reserved example domains)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from tests.ocr.render import Bubble, Chat, Separator


@dataclass(frozen=True)
class Expected:
    language: str
    zone: str
    chat: Chat
    phones: frozenset[str]
    emails: frozenset[str]
    handles: frozenset[str]
    urls: frozenset[str]


NL = Expected(
    "nl", "Europe/Brussels",
    Chat("14:32", "Sam Peeters", (
        Separator("Vandaag"),
        Bubble("left", "Hoi, ben je thuis vanavond?", "21:03"),
        Bubble("right", "Nee, laat me met rust alsjeblieft.", "21:05"),
        Bubble("left", "Bel me op 0470 12 34 56 of mail naar sam.peeters@example.be", "21:06"),
        Bubble("left", "Kijk op https://example.org/p/12345 en volg @sampeeters88", "21:07"),
        Bubble("right", "Ik ga dit melden bij de politie.", "21:09"),
    )),
    frozenset({"+32470123456"}), frozenset({"sam.peeters@example.be"}),
    frozenset({"@sampeeters88"}), frozenset({"https://example.org/p/12345"}),
)

FR = Expected(
    "fr", "Europe/Brussels",
    Chat("09:47", "Camille Dubois", (
        Separator("12 mars 2024"),
        Bubble("left", "Tu crois que tu peux m'ignorer comme ça ?", "08:12"),
        Bubble("right", "Arrête de m'écrire, s'il te plaît.", "08:15"),
        Bubble("left", "Appelle-moi au +33 6 12 34 56 78 ou écris à camille.d@example.fr",
               "08:16"),
        Bubble("left", "Regarde www.example.com/profil/camille et suis @camille.dbs", "08:20"),
    )),
    frozenset({"+33612345678"}), frozenset({"camille.d@example.fr"}),
    frozenset({"@camille.dbs"}), frozenset({"www.example.com/profil/camille"}),
)

DE = Expected(
    "de", "Europe/Berlin",
    Chat("18:05", "Jonas Becker", (
        Separator("Gestern"),
        Bubble("left", "Warum antwortest du nicht? Ich weiß, wo du wohnst.", "17:40"),
        Bubble("right", "Bitte hör auf, mir zu schreiben.", "17:42"),
        Bubble("left", "Ruf mich an: 0151 23456789 oder schreib an jonas.b@example.de",
               "17:44"),
        Bubble("left", "Mein Profil: https://example.net/jonasb und @jonas_b", "17:45"),
    )),
    frozenset({"+4915123456789"}), frozenset({"jonas.b@example.de"}),
    frozenset({"@jonas_b"}), frozenset({"https://example.net/jonasb"}),
)

EN = Expected(
    "en", "Europe/London",
    Chat("11:20", "Alex Morgan", (
        Separator("Yesterday"),
        Bubble("left", "You can't block me forever. I know where you work.", "10:02"),
        Bubble("right", "Please stop contacting me.", "10:04"),
        Bubble("left", "Text me on +44 7911 123456 or email alex.m@example.com", "10:05"),
        Bubble("left", "See https://example.com/u/alexm and follow @alexm_01", "10:07"),
    )),
    frozenset({"+447911123456"}), frozenset({"alex.m@example.com"}),
    frozenset({"@alexm_01"}), frozenset({"https://example.com/u/alexm"}),
)

ALL = (NL, FR, DE, EN)


def dark(expected: Expected) -> Expected:
    return replace(expected, chat=replace(expected.chat, dark=True))
