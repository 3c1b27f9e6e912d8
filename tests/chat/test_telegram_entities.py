"""The identifiers a Telegram text's entities propose are worked out once per distinct
entity (#32): the participants noted, their order and where each was first seen are
those of working each entity out anew, whatever odd members an entity holds."""

from __future__ import annotations

from spoorvast.importers.chat.shared.participants import Participants
from spoorvast.importers.chat.telegram.entities import entity_identifier
from spoorvast.importers.chat.telegram.parse import TelegramParser, chat_context
from spoorvast.model.records import Location

ENTITIES: list[object] = [
    {"type": "link", "text": "https://e.org/"},
    {"type": "bold", "text": "loud"},
    {"type": "mention_name", "text": "Anna", "user_id": 222},
    {"type": "mention_name", "text": "Anna", "user_id": True},  # True == 1, not a user
    {"type": "mention_name", "text": "Anna", "user_id": 1},
    {"type": "mention_name", "text": "Anna", "user_id": 1.0},
    {"type": "mention", "text": "@jan"},
    {"type": "mention", "text": ["@jan"]},  # a list member: not hashable
    {"type": ["link"], "text": "x"},
    {"type": "phone", "text": "+32 470 12 34 56"},
    {"type": "phone", "text": "0470 12 34 56"},
    {"type": "email", "text": "a@b.be"},
    {"type": "text_link", "text": "here", "href": "https://f.org/"},
    {"type": "text_link", "text": "here", "href": "https://g.org/"},
    {"type": "link", "text": 5},
    "plain",
    7,
]


def _record(n: int, parts: list[object]) -> dict[str, object]:
    return {"id": n + 1, "type": "message", "date": "2026-10-01T12:00:00",
            "date_unixtime": str(1790000000 + n), "from": "Jan", "from_id": "user111",
            "text": parts}


def test_cached_entities_note_what_each_proposes() -> None:
    records: list[object] = [_record(n, [f"m{n} ", ENTITIES[(n * 7) % len(ENTITIES)],
                                         ENTITIES[n % len(ENTITIES)]])
                             for n in range(3 * len(ENTITIES))]
    records.insert(0, _record(98, [ENTITIES[3], ENTITIES[5]]))  # True before 1.0 and 1
    records.insert(5, {**_record(99, ["x", ENTITIES[0]]), "photo": "a.jpg"})  # general path
    parser = TelegramParser(1, "ab" * 32, "Europe/Brussels", "BE", lambda n, w: None)
    events = list(parser.messages(list(records), ("chats", "list", 3), 0,
                                  chat_context({"name": "c", "id": 1})))
    assert events
    expected = Participants(1)
    for n, record in enumerate(records):
        where = Location("ab" * 32, field=f"/chats/list/3/messages/{n}")
        assert isinstance(record, dict)
        for part in record["text"]:
            if isinstance(part, dict):
                found = entity_identifier(part, "BE")
                if found is not None:
                    expected.note(found, where)
    sender = parser._actors[("user111", "Jan")]
    noted = {k: v for k, v in parser.participants.seen.items() if k != sender}
    assert list(noted.items()) == list(expected.seen.items())
    assert len(noted) >= 8
