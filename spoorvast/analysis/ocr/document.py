"""The OCR document: everything read from one picture, stored as a derived artifact.

Stored as JSON (``application/json``, role ``ocr-text``) next to the original::

    {"format": "spoorvast-ocr/1", "engine": "tesseract 5.3.0", "languages": "nld+eng",
     "width": 1080, "height": 2400, "frame_count": 1, "dark": false,
     "text": "plain text, one line per line read",
     "words": [[text, x, y, w, h, confidence, block, paragraph, line], ...],
     "status_clock": {"raw": "14:32", "hour": 14, "minute": 32, "region": [x, y, w, h]},
     "title": {"raw": "Sam", "region": [...]},
     "messages": [{"side": "left", "text": "...", "region": [...],
                   "time": {"raw": "21:05", "hour": 21, "minute": 5} | null,
                   "day": {"raw": "Vandaag", "date": "2024-03-12" | null} | null}],
     "identifiers": [{"kind": "phone", "value": "+32470123456", "raw": "...",
                      "region": [...]}],
     "refused": null | {"code": "too-large", "params": {"width": "20000", ...}}}

The plain ``text`` is what search indexes; ``words`` keep every box and confidence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from spoorvast.analysis.ocr import clock
from spoorvast.analysis.ocr.chat import ChatReading, Marked, ProposedMessage, Side
from spoorvast.analysis.ocr.identifiers import Found
from spoorvast.analysis.ocr.model import Box, OcrPage, Word
from spoorvast.model.records import IdentifierKind

FORMAT = "spoorvast-ocr/1"
MEDIA_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class OcrDocument:
    engine: str
    page: OcrPage
    chat: ChatReading
    identifiers: tuple[Found, ...]
    refused: tuple[str, tuple[tuple[str, str], ...]] | None = None

    @property
    def text(self) -> str:
        return self.page.text


def refused_document(engine: str, languages: str, code: str,
                     params: tuple[tuple[str, str], ...]) -> OcrDocument:
    return OcrDocument(engine, OcrPage(0, 0, (), languages), ChatReading(), (), (code, params))


def encode(document: OcrDocument) -> bytes:
    return json.dumps(to_json(document), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def to_json(document: OcrDocument) -> dict[str, object]:
    page, chat = document.page, document.chat
    return {
        "format": FORMAT, "engine": document.engine, "languages": page.languages,
        "width": page.width, "height": page.height, "frame_count": page.frame_count,
        "dark": page.dark, "text": page.text,
        "words": [[w.text, *w.box, round(w.confidence, 2), *w.line] for w in page.words],
        "status_clock": _clock_json(chat.status_clock, chat.status_region),
        "title": None if chat.title is None else {"raw": chat.title.raw,
                                                   "region": list(chat.title.region)},
        "messages": [_message_json(m) for m in chat.messages],
        "identifiers": [{"kind": f.kind.value, "value": f.value, "raw": f.raw,
                         "region": list(f.region)} for f in document.identifiers],
        "refused": None if document.refused is None else {
            "code": document.refused[0], "params": dict(document.refused[1])},
    }


def _clock_json(time: clock.ClockTime | None, region: Box | None) -> object:
    if time is None:
        return None
    return {"raw": time.raw, "hour": time.hour, "minute": time.minute,
            "region": list(region) if region else None}


def _message_json(message: ProposedMessage) -> dict[str, object]:
    day = message.day
    return {
        "side": message.side.value, "text": message.text, "region": list(message.region),
        "time": None if message.time is None else {
            "raw": message.time.raw, "hour": message.time.hour, "minute": message.time.minute},
        "day": None if day is None else {
            "raw": day.raw, "date": day.day.isoformat() if day.day else None},
    }


# -- reading a stored document back ---------------------------------------------------


def decode(data: bytes) -> OcrDocument:
    raw = json.loads(data)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ValueError("not a spoorvast OCR document")
    page = OcrPage(int(raw["width"]), int(raw["height"]),
                   tuple(_word(w) for w in raw["words"]), str(raw["languages"]),
                   bool(raw["dark"]), int(raw["frame_count"]))
    refused = raw.get("refused")
    return OcrDocument(
        str(raw["engine"]), page, _chat(raw),
        tuple(_found(f) for f in raw["identifiers"]),
        None if not refused else (str(refused["code"]),
                                  tuple((str(k), str(v)) for k, v in refused["params"].items())),
    )


def _box(value: Any) -> Box:
    return (int(value[0]), int(value[1]), int(value[2]), int(value[3]))


def _word(cells: list[Any]) -> Word:
    return Word(str(cells[0]), _box(cells[1:5]), float(cells[5]),
                (int(cells[6]), int(cells[7]), int(cells[8])))


def _chat(raw: dict[str, Any]) -> ChatReading:
    status, title = raw.get("status_clock"), raw.get("title")
    return ChatReading(
        _time(status), _box(status["region"]) if status and status.get("region") else None,
        Marked(str(title["raw"]), _box(title["region"])) if title else None,
        tuple(_message(m) for m in raw["messages"]),
    )


def _time(value: Any) -> clock.ClockTime | None:
    if not value:
        return None
    raw = str(value["raw"])
    return clock.ClockTime(int(value["hour"]), int(value["minute"]), raw, 0, len(raw))


def _message(value: Any) -> ProposedMessage:
    day = value.get("day")
    mark = None if not day else clock.DayMark(
        str(day["raw"]), date.fromisoformat(day["date"]) if day.get("date") else None)
    return ProposedMessage(Side(value["side"]), str(value["text"]), _box(value["region"]),
                           _time(value.get("time")), mark)


def _found(value: Any) -> Found:
    return Found(IdentifierKind(value["kind"]), str(value["value"]), str(value["raw"]),
                 _box(value["region"]))
