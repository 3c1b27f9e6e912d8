"""Synthetic Telegram Desktop exports (invented people, IDs and numbers), written the way
Telegram Desktop writes them: one-space indentation, ``date`` local without offset,
``date_unixtime`` as a string, ``text`` as a string or an array of entities."""

from __future__ import annotations

import json
from datetime import UTC, datetime

JAN = ("Jan Peeters", "user111111111")
ANNA = ("Anna De Smet", "user222222222")


def stamp(year: int, month: int, day: int, hour: int, minute: int, second: int = 0,
          local_offset_hours: int = 1) -> dict[str, str]:
    """``date`` as the exporting PC showed it (UTC + offset) and ``date_unixtime``."""
    utc = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    local = datetime.fromtimestamp(utc.timestamp() + 3600 * local_offset_hours, UTC)
    return {"date": local.strftime("%Y-%m-%dT%H:%M:%S"),
            "date_unixtime": str(int(utc.timestamp()))}


def message(mid: int, who: tuple[str, str], when: dict[str, str], text: object,
            **extra: object) -> dict[str, object]:
    entities = ([{"type": "plain", "text": text}] if isinstance(text, str) else
                [p if isinstance(p, dict) else {"type": "plain", "text": p}
                 for p in text])  # type: ignore[attr-defined]
    return {"id": mid, "type": "message", **when, "from": who[0], "from_id": who[1],
            **extra, "text": text, "text_entities": entities}


def service(mid: int, who: tuple[str, str], when: dict[str, str], action: str,
            **extra: object) -> dict[str, object]:
    return {"id": mid, "type": "service", **when, "actor": who[0], "actor_id": who[1],
            "action": action, **extra, "text": "", "text_entities": []}


def chat_messages() -> list[object]:
    return [
        service(1, JAN, stamp(2026, 3, 4, 21, 15, 7), "phone_call", duration_seconds=75,
                discard_reason="hangup"),
        message(2, JAN, stamp(2026, 3, 4, 21, 16, 0), "Waar is mijn géld"),
        message(3, ANNA, stamp(2026, 3, 4, 21, 17, 30), [
            "Kijk ", {"type": "link", "text": "https://example.org/x"}, " en ",
            {"type": "mention", "text": "@janp_fake"}, " bel ",
            {"type": "phone", "text": "+32 470 12 34 56"}, " 🙂"],
            reply_to_message_id=2),
        message(4, JAN, stamp(2026, 3, 4, 21, 18, 0), "",
                photo="photos/photo_1@04-03-2026_22-18-00.jpg", width=800, height=600),
        message(5, JAN, stamp(2026, 3, 4, 21, 19, 0), "bewerkt",
                edited="2026-03-04T22:25:00", edited_unixtime="1772659500"),
        message(6, ANNA, stamp(2026, 3, 4, 21, 20, 0), "",
                file="(File not included. Change data exporting settings to download.)",
                media_type="voice_message", mime_type="audio/ogg", duration_seconds=3),
        service(7, JAN, stamp(2026, 3, 4, 21, 21, 0), "pin_message", message_id=2),
        service(8, ANNA, stamp(2026, 3, 5, 8, 0, 0), "phone_call", discard_reason="missed"),
        {"id": 9, "type": "message", "from": "Jan Peeters", "text": "no date"},
        "not an object",
    ]


def single_chat(messages: list[object] | None = None) -> dict[str, object]:
    return {"name": "Jan Peeters", "type": "personal_chat", "id": 111111111,
            "messages": chat_messages() if messages is None else messages}


def full_export() -> dict[str, object]:
    return {
        "about": "Here is the data you requested. Remember: Telegram is ad free, it "
                 "doesn't use your data for ad targeting and doesn't sell it to others.",
        "personal_information": {"user_id": 222222222, "first_name": "Anna",
                                 "last_name": "De Smet", "phone_number": "+32 471 98 76 54",
                                 "username": "@anna_fake", "bio": ""},
        "contacts": {"about": "", "list": []},
        "chats": {"about": "", "list": [
            single_chat(),
            {"name": "Groep", "type": "private_group", "id": 333,
             "messages": [message(1, JAN, stamp(2026, 3, 6, 10, 0, 0), "groep")]},
        ]},
        "left_chats": {"about": "", "list": []},
    }


def dump(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


SINGLE_EXPECTED = {"read": 10, "events": 8, "system": 1, "problems": 2, "calls": 2}
