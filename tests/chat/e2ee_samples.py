"""Synthetic Messenger end-to-end-encrypted downloads (invented people), in the shape
the public parsers describe (see spoorvast/importers/chat/meta/e2ee.py): one
``<Name>_<n>.json`` per thread, camelCase keys, ``timestamp`` in ms, media under
``media/``."""

from __future__ import annotations

import json

T0 = 1772658907000  # 2026-03-04 21:15:07 UTC
PHOTO_URI = "./media/0a8d5149-6c2e-4edc-a423-b73ec6f0b36a.jpeg"
VOICE_URI = "./media/5b1c2d3e-0000-4000-8000-000000000001.ogg"


def e2ee_thread() -> dict[str, object]:
    messages = [
        {"isUnsent": False, "media": [], "reactions": [
            {"actor": "Jan Peeters", "reaction": "❤"}],
         "senderName": "Anna Dé", "text": "Waar is mijn géld", "timestamp": T0,
         "type": "text"},
        {"isUnsent": False, "media": [{"uri": PHOTO_URI}], "reactions": [],
         "senderName": "Jan Peeters", "text": "", "timestamp": T0 + 60_000, "type": "media"},
        {"isUnsent": False, "media": [{"uri": "Failed to download media"}], "reactions": [],
         "senderName": "Jan Peeters", "text": "", "timestamp": T0 + 120_000,
         "type": "media"},
        {"isUnsent": False, "media": [], "reactions": [], "senderName": "Anna Dé",
         "text": "https://example.org/post/1", "timestamp": T0 + 180_000, "type": "link"},
        {"isUnsent": True, "media": [], "reactions": [], "senderName": "Jan Peeters",
         "text": "User unsent a message", "timestamp": T0 + 240_000, "type": "placeholder"},
        {"isUnsent": False, "media": [{"uri": VOICE_URI}, {"uri": PHOTO_URI}],
         "reactions": [], "senderName": "Anna Dé", "text": "🙂 tot straks",
         "timestamp": T0 + 300_000, "type": "media"},
        {"isUnsent": False, "media": [], "reactions": [], "senderName": "Anna Dé",
         "text": "geen tijd", "type": "text"},
        "not a message",
    ]
    return {"participants": ["Jan Peeters", "Anna Dé"], "threadName": "Anna Dé_40",
            "messages": messages}


def dump(document: object) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False).encode()


EXPECTED = {"read": 8, "events": 6, "problems": 2}
