"""Synthetic Instagram / Facebook message downloads (invented people), with Meta's
mojibake (UTF-8 bytes written as Latin-1 code points) and newest-first order."""

from __future__ import annotations

import json

T0 = 1772658907000  # 2026-03-04 21:15:07 UTC


def mojibake(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def thread(prefix: str = "messages/inbox/janpeeters_1234567890") -> dict[str, object]:
    messages = [  # written newest first, as Meta does
        {"sender_name": "Jan Peeters", "timestamp_ms": T0 + 240_000,
         "content": mojibake("Tot straks 🙂"), "reactions": [
             {"reaction": mojibake("❤"), "actor": mojibake("Anna Dé")}]},
        {"sender_name": mojibake("Anna Dé"), "timestamp_ms": T0 + 180_000,
         "photos": [{"uri": f"{prefix}/photos/123_n.jpg", "creation_timestamp": 1772659087}]},
        {"sender_name": "Jan Peeters", "timestamp_ms": T0 + 120_000,
         "share": {"link": "https://example.org/post/1"}, "content": "kijk"},
        {"sender_name": "Jan Peeters", "timestamp_ms": T0 + 60_000, "content": "€100 ÿ",
         "call_duration": 75},
        {"sender_name": "Jan Peeters", "timestamp_ms": T0,
         "content": mojibake("Waar is mijn géld"), "is_geoblocked_for_viewer": False},
        {"sender_name": "Jan Peeters", "content": "geen tijd"},
    ]
    return {"participants": [{"name": "Jan Peeters"}, {"name": mojibake("Anna Dé")}],
            "messages": messages, "title": "Jan Peeters", "is_still_participant": True,
            "thread_path": "inbox/janpeeters_1234567890", "magic_words": []}


def dump(document: object, bom: bool = False) -> bytes:
    data = json.dumps(document, indent=2).encode()  # ASCII with \\u escapes, as Meta
    return (b"\xef\xbb\xbf" + data) if bom else data


EXPECTED = {"read": 6, "events": 5, "problems": 1, "repaired": 6}
