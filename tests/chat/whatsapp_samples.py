"""Synthetic WhatsApp exports (invented people and numbers) in the layouts phones
produce. Each sample: the file's text and the expected result."""

from __future__ import annotations

from dataclasses import dataclass

NNBSP = "\u202f"
LRM = "\u200e"


@dataclass(frozen=True)
class Sample:
    name: str
    text: str
    events: int
    system: int
    continued: int
    problems: int
    first_local: str  # ISO of the first message (with offset)
    order_rule: str
    actors: tuple[str, ...]


SAMPLES = [
    Sample("android-en-us-12h", (
        f"3/4/26, 10:15{NNBSP}PM - Messages and calls are end-to-end encrypted. No one "
        "outside of this chat, not even WhatsApp, can read or listen to them.\n"
        f"3/4/26, 10:16{NNBSP}PM - Jan Peeters: Where is my money\n"
        f"3/14/26, 9:01{NNBSP}AM - +32 470 12 34 56: first line\n"
        "second line\n"
        "\n"
        "fourth line\n"
        f"3/14/26, 12:30{NNBSP}PM - Jan Peeters: <Media omitted>\n"
    ), 4, 1, 3, 0, "2026-03-04T22:15+01:00", "second-above-12",
        ("name:whatsapp:Jan Peeters", "phone:+32470123456")),
    Sample("android-nl", (
        "04-03-2026 22:15 - Berichten en oproepen worden end-to-end versleuteld.\n"
        "04-03-2026 22:16 - Jan Peeters: Waar is mijn géld\n"
        "04-03-2026 22:17 - ~ Anna: Dit bericht is verwijderd\n"
        "05-03-2026 08:00 - Jan Peeters: IMG-20260305-WA0001.jpg (bestand bijgevoegd)\n"
        "Kijk hier\n"
    ), 4, 1, 1, 0, "2026-03-04T22:15+01:00", "separator",
        ("name:whatsapp:Jan Peeters", "name:whatsapp:Anna")),
    Sample("android-de", (
        "04.03.26, 22:15 - Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt.\n"
        "04.03.26, 22:16 - Jan Peeters: Wo ist mein Geld <Diese Nachricht wurde "
        "bearbeitet>\n"
    ), 2, 1, 0, 0, "2026-03-04T22:15+01:00", "separator",
        ("name:whatsapp:Jan Peeters",)),
    Sample("android-fr", (
        "04/03/2026 à 22:15 - Les messages et les appels sont chiffrés de bout en bout.\n"
        "24/03/2026 à 22:16 - Jan Peeters: Où est mon argent\n"
    ), 2, 1, 0, 0, "2026-03-04T22:15+01:00", "first-above-12",
        ("name:whatsapp:Jan Peeters",)),
    Sample("ios-en", (
        f"{LRM}[04/03/2026, 22:15:07] Jan Peeters: {LRM}Messages and calls are "
        "end-to-end encrypted.\n"
        "[04/03/2026, 22:16:00] Jan Peeters: hello\n"
        f"{LRM}[04/03/2026, 22:17:30] ~{NNBSP}Anna: {LRM}image omitted\n"
        f"[05/03/2026, 08:00:01] Jan Peeters: {LRM}Missed voice call\n"
        "[05/03/2026, 08:01:00] Jan Peeters: a\n"
        "multi-line\n"
    ), 5, 1, 1, 0, "2026-03-04T22:15:07+01:00", "assumed",
        ("name:whatsapp:Jan Peeters", "name:whatsapp:Anna")),
    Sample("ios-us-12h", (
        f"[3/4/26, 10:15:07{NNBSP}PM] Jan Peeters: hello\n"
        "[3/5/26, 8:00:01 AM] +1 (202) 555-0142: hi\n"
    ), 2, 0, 0, 0, "2026-03-04T22:15:07+01:00", "12-hour-slash",
        ("name:whatsapp:Jan Peeters", "phone:+12025550142")),
    Sample("year-first", (
        "2026-03-04 22:15 - Jan Peeters: hello\n"
        "garbage that continues\n"
    ), 1, 0, 1, 0, "2026-03-04T22:15+01:00", "year-first", ("name:whatsapp:Jan Peeters",)),
    Sample("leading-garbage", (
        "this is not a chat line\n"
        "04/03/2026, 22:15 - Jan Peeters: hello\n"
        "31/02/2026, 22:16 - Jan Peeters: not a real date\n"
        "continuation of the broken one\n"
    ), 1, 0, 0, 3, "2026-03-04T22:15+01:00", "first-above-12",
        ("name:whatsapp:Jan Peeters",)),
]
