"""The Telegram parser's plain path (runs of usual text messages, read as columns: a
:class:`MessageRun`) gives exactly what the general path gives, on usual and hostile
message shapes alike; and storage makes the same columns from a run as from its events."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spoorvast.importers.chat.telegram import parse as telegram_parse
from spoorvast.importers.chat.telegram.parse import RUN, TelegramParser
from spoorvast.model.message_run import MessageRun, each_event
from spoorvast.model.records import Event
from spoorvast.storage.sqlite_event_columns import block_columns, event_columns

CONTEXT = (("chat", "Synthetic chat"), ("chat_id", "4242"))
SHA = "ab" * 32


def _parser() -> TelegramParser:
    return TelegramParser(1, SHA, "Europe/Brussels", "BE", lambda path, where: None)


def _or_odd(usual: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """Mostly the usual value, sometimes one of the shapes real and broken exports hold."""
    return st.one_of(usual, usual, usual, st.sampled_from(
        [None, True, 0, -1, "", " 12", "²", "1.5", 1.5, [], {}, "99999999999999999999999"]))


texts = st.one_of(st.text(max_size=12), st.sampled_from(["a\ud800b", "\udfff", "é🙂"]),
                  st.lists(st.one_of(st.text(max_size=5), st.fixed_dictionaries(
                      {"type": st.sampled_from(["bold", "link", "mention", "phone"]),
                       "text": st.sampled_from(["@synth", "+32 470 00 00 01", "x\ud83d"])})),
                      max_size=3))


@st.composite
def records(draw: st.DrawFn) -> object:
    if draw(st.integers(0, 20)) == 0:
        return draw(st.sampled_from(["x", 7, None, [1], {}]))
    stamp = draw(st.one_of(st.integers(1772650800 - 10**6, 1772650800 + 10**6),
                           st.integers(0, 10**10 + 10**6)))  # 11 digits: the general path
    record: dict[str, object] = {
        "id": draw(_or_odd(st.integers(1, 10**6))),
        "type": draw(st.sampled_from(["message", "message", "message", "service", 5])),
        "date": draw(_or_odd(st.just("2026-03-04T21:00:00"))),
        "date_unixtime": draw(_or_odd(st.just(str(stamp)))),
        "from": draw(_or_odd(st.sampled_from(["Jan Peeters", "Anna", "+32470000001"]))),
        "from_id": draw(_or_odd(st.sampled_from(["user111", "user222", "channel9"]))),
        "text": draw(texts),
    }
    for key in draw(st.lists(st.sampled_from(["id", "type", "date", "date_unixtime", "from",
                                              "from_id", "text"]), max_size=2)):
        record.pop(key, None)
    extras = {"photo": "photos/p.jpg", "edited": "2026-03-04T22:00:00",
              "edited_unixtime": str(stamp + 60), "reply_to_message_id": 3, "actor": "Jan",
              "actor_id": "user111", "text_entities": [], "reactions": [{"count": 1}],
              "action": "pin_message", "mime_type": "image/jpeg"}
    for key in draw(st.lists(st.sampled_from(sorted(extras)), max_size=2)):
        record[key] = extras[key]
    return record


def _general(found: list[object]) -> tuple[list[Event], TelegramParser]:
    parser = _parser()
    events = [parser.message(copy.deepcopy(r), f"/messages/{n}", CONTEXT)
              for n, r in enumerate(found)]
    return [e for e in events if e is not None], parser


def _streamed(found: list[object], orjson_read: bool) -> tuple[list[Event], TelegramParser]:
    parser = _parser()
    given = list(parser.messages(copy.deepcopy(found), (), 0, CONTEXT, orjson_read))
    for run in given:
        if isinstance(run, MessageRun):
            events = list(run.events())
            assert len(run) == len(events) > 0
            assert block_columns(run, 1, 7, 3) == event_columns(events, 1, 7, 3)
    return list(each_event(given)), parser


def _state(parser: TelegramParser) -> object:
    return (parser.tally.read, parser.tally.events, parser.tally.system,
            parser.tally.finish(), parser.problems, parser.surrogates,
            parser.participants.identifiers(), parser.without_epoch)


def _has_surrogate(value: object) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(records(), max_size=8), st.sampled_from([1, 2, 3, RUN]))
def test_plain_path_equals_general_path(found: list[object], run: int) -> None:
    expected, general = _general(found)
    telegram_parse.RUN = run  # runs cut short too (restored below)
    try:
        _equal(found, expected, general)
    finally:
        telegram_parse.RUN = RUN


def _equal(found: list[object], expected: list[Event], general: TelegramParser) -> None:
    events, streamed = _streamed(found, orjson_read=False)
    assert events == expected
    assert _state(streamed) == _state(general)
    if not _has_surrogate(found):  # what orjson could have read
        events, streamed = _streamed(found, orjson_read=True)
        assert events == expected
        assert _state(streamed) == _state(general)


def test_the_usual_message_takes_the_plain_path() -> None:
    """Guards the benchmark's premise: a usual text message does not fall back."""
    parser = _parser()
    calls: list[object] = []
    parser._message = lambda *args: calls.append(args)  # type: ignore[method-assign]
    usual = {"id": 7, "type": "message", "date": "2026-03-04T21:00:00",
             "date_unixtime": "1772654400", "from": "Jan Peeters", "from_id": "user111",
             "text": "tot morgen", "text_entities": [{"type": "plain", "text": "tot morgen"}]}
    [run] = parser.messages([usual], (), 0, CONTEXT, True)
    assert isinstance(run, MessageRun)
    [event] = run.events()
    assert calls == [] and event.text == "tot morgen"
    assert event.details == (*CONTEXT, ("message_id", "7"))
    assert event.location is not None and event.location.field == "/messages/0"


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(records(), max_size=12))
def test_the_plain_mask_is_each_records_test(found: list[object]) -> None:
    """The mask made a test at a time over all records equals each record tested alone."""
    assert telegram_parse._plain_mask(found) == [telegram_parse._plain_record(r)
                                                 for r in found]


@pytest.mark.parametrize(("key", "odd"), [
    ("type", "service"), ("date", None), ("id", "7"), ("id", True), ("from_id", 111),
    ("from", None), ("photo", "photos/p.jpg"), ("date_unixtime", "17726508001")])
def test_one_odd_record_among_usual_ones_is_not_plain(key: str, odd: object) -> None:
    usual = {"id": 1, "type": "message", "date": "2026-03-04T21:00:00",
             "date_unixtime": "1772650800", "from": "Jan", "from_id": "user111", "text": "x"}
    found: list[object] = [dict(usual), {**usual, key: odd}, dict(usual)]
    assert telegram_parse._plain_mask(found) == [True, False, True]
