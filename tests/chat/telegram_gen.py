"""Generated Telegram Desktop exports (synthetic people only), written byte for byte the
way Telegram Desktop writes them: one space per level, empty arrays as ``[`` newline
``]``, control characters as ``\\xHH`` (an invalid JSON escape Telegram does write)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import strategies as st

from tests.chat.telegram_samples import message, service, stamp

PEOPLE = (("Jan Peeters", "user111111111"), ("Anna De Smet", "user222222222"),
          ("Sofie Janssens", "user333333333"))
_CONTROL = re.compile(r"(?<!\\)((?:\\\\)*)\\u00([01][0-9a-f])")
_EMPTY = re.compile(r'\n( *)"messages": \[\]')


def telegram_dump(document: object) -> bytes:
    text = json.dumps(document, ensure_ascii=False, indent=1)
    text = _CONTROL.sub(r"\1\\x\2", text)
    text = _EMPTY.sub(lambda m: f'\n{m.group(1)}"messages": [\n{m.group(1)}]', text)
    return text.encode("utf-8", "surrogatepass")


# text with non-BMP characters, control characters (-> \x escapes), quotes, backslashes
texts = st.lists(st.one_of(
    st.characters(blacklist_categories=("Cs",)),
    st.sampled_from(["🙂", "𝄞", "\x01", "\x1f", "\\", '"', "\n", "\\x41", "é"])),
    max_size=12).map("".join)
entities = st.lists(st.one_of(
    texts,
    st.builds(lambda t: {"type": "bold", "text": t}, texts),
    st.sampled_from([{"type": "link", "text": "https://example.org/a"},
                     {"type": "mention", "text": "@synth_fake"},
                     {"type": "phone", "text": "+32 470 00 00 01"},
                     {"type": "email", "text": "synth@example.org"},
                     {"type": "mention_name", "text": "Sofie", "user_id": 333333333}])),
    min_size=1, max_size=4)


@st.composite
def messages(draw: st.DrawFn, count: int = 12) -> list[object]:
    found: list[object] = []
    for mid in range(1, draw(st.integers(0, count)) + 1):
        who = draw(st.sampled_from(PEOPLE))
        when = stamp(2026, 3, 4, 10 + mid % 12, mid % 60, mid % 60)
        kind = draw(st.sampled_from(["text", "entities", "call", "pin", "photo", "odd"]))
        if kind == "call":
            found.append(service(mid, who, when, "phone_call", duration_seconds=mid,
                                 discard_reason=draw(st.sampled_from(["hangup", "missed"]))))
        elif kind == "pin":
            found.append(service(mid, who, when, "pin_message", message_id=1))
        elif kind == "odd":  # not a message: read, reported, never a crash
            found.append(draw(st.sampled_from(["x", [1, [2]], {}, {"id": mid}, 7])))
        else:
            text = draw(entities) if kind == "entities" else draw(texts)
            extra = {"photo": "photos/p.jpg"} if kind == "photo" else {}
            found.append(message(mid, who, when, text, **extra))
    return found


def chat(name: str, number: int, records: list[object]) -> dict[str, object]:
    return {"name": name, "type": "personal_chat", "id": number, "messages": records}


@st.composite
def exports(draw: st.DrawFn) -> dict[str, object]:
    if draw(st.booleans()):
        return chat(draw(texts), 111111111, draw(messages()))
    chats = [chat(draw(texts), 100 + n, draw(messages(6))) for n in range(draw(st.integers(0, 3)))]
    left = [chat("Weg", 900, draw(messages(3)))] if draw(st.booleans()) else []
    return full(chats, left)


def full(chats: list[object], left: list[object]) -> dict[str, object]:
    return {
        "about": "Here is the data you requested. Remember: Telegram is ad free.",
        "personal_information": {"user_id": 222222222, "first_name": "Anna",
                                 "last_name": "De Smet", "phone_number": "+32 471 98 76 54",
                                 "username": "@anna_fake"},
        "contacts": {"about": "", "list": [{"first_name": "Jan", "last_name": "Peeters",
                                            "phone_number": "+32 470 12 34 56"}]},
        "chats": {"about": "", "list": chats},
        "left_chats": {"about": "", "list": left},
    }


def write_large(path: Path, count: int) -> None:
    """A single chat of ``count`` messages, written in pieces (never whole in memory)."""
    with path.open("wb") as out:
        out.write(b'{\n "name": "Jan Peeters",\n "type": "personal_chat",\n "id": 111111111,'
                  b'\n "messages": [')
        for n in range(count):
            record = message(n + 1, PEOPLE[n % 2], {"date": "2026-03-04T22:15:07",
                                                    "date_unixtime": str(1772658907 + n)},
                             f"bericht {n} " + "tekst " * 20)
            element = json.dumps(record, ensure_ascii=False, indent=1).replace("\n", "\n  ")
            out.write((b"," if n else b"") + b"\n  " + element.encode())
        out.write(b"\n ]\n}")
