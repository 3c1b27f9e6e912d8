"""The WhatsApp parser's plain path (the usual one-line messages gathered as columns: a
:class:`MessageRun`) gives exactly what the general path gives, on usual and hostile
lines alike, and storage makes the same columns from a run as from its events."""

from __future__ import annotations

import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from spoorvast.importers.chat.shared.accounting import Tally
from spoorvast.importers.chat.shared.participants import Participants
from spoorvast.importers.chat.whatsapp import parse as whatsapp_parse
from spoorvast.importers.chat.whatsapp.lines import LAYOUTS
from spoorvast.importers.chat.whatsapp.parse import ChatResult, WhatsAppParser
from spoorvast.model.instant import ZoneClock
from spoorvast.model.message_run import MessageRun, each_event
from spoorvast.model.records import Event
from spoorvast.storage.sqlite_event_columns import block_columns, event_columns

SHA = "cd" * 32
ZONE = "Europe/Brussels"
# around both DST changes of 2026 in Brussels (29 March 02:00 does not exist, 25 October
# 02:00-03:00 exists twice), a day that does not exist, and an ordinary evening
DATES = ["29/03/2026", "25/10/2026", "31/02/2026", "04/03/2026", "5/3/26"]
TIMES = ["01:59", "02:30", "02:30:15", "03:00", "22:15", "22:15:07", "25:00", "22:60",
         "10:15\u202fPM", "10:15\u202fAM", "22:15:60"]
SENDERS = ["Jan Peeters", "~\u00a0Anna", "+32 470 12 34 56", '"Quoted" Name', "x" * 90,
           "Jan Peeters", "Jan Peeters"]
BODIES = ["Waar is mijn géld", "", "ok", "<Media omitted>", "Gemiste spraakoproep",
          "Dit bericht is verwijderd", "<attached: 00000012-PHOTO-2026-03-04.jpg>",
          "IMG-20260304-WA0001.jpg (file attached)", "text <This message was edited>",
          "\u200eimage omitted", "\u200eplain after a mark", "ends with (brackets)",
          "a > b >", "<script>alert(1)</script>", "Ça va ? 🙂", "sms: 0470 12 34 56"]
SYSTEM = ["Messages and calls are end-to-end encrypted.", "Jan Peeters added Anna",
          "Berichten en oproepen worden end-to-end versleuteld."]


def _or_odd(usual: list[str], odd: list[str]) -> st.SearchStrategy[str]:
    """Mostly a usual value (so that runs form), sometimes an odd one."""
    return st.one_of(st.sampled_from(usual), st.sampled_from(usual), st.sampled_from(odd))


@st.composite
def lines(draw: st.DrawFn) -> str:
    shape = draw(st.integers(0, 12))
    if shape == 0:
        return draw(st.sampled_from(["a continued line", "", "\u200e", "12/13/2026 no"]))
    head = (f"{draw(_or_odd(DATES[3:4], DATES))}, "
            f"{draw(_or_odd(['22:15', '22:16', '22:15:07'], TIMES))}")
    if draw(st.booleans()):
        head = f"[{head}] "
    else:
        head += " - "
    if shape == 1:
        return head + draw(st.sampled_from(SYSTEM))
    return head + (f"{draw(_or_odd(SENDERS[:2], SENDERS))}: "
                   f"{draw(_or_odd(BODIES[:1], BODIES))}")


def _parse(data: bytes, layout: str, runs: bool
           ) -> tuple[list[Event | MessageRun], ChatResult, WhatsAppParser]:
    result = ChatResult(Tally(SHA), Participants(1), None, layout)
    parser = WhatsAppParser(1, SHA, ZoneClock(ZONE), "BE",
                            lambda name: "ef" * 32 if name.startswith("0") else None,
                            result, "dmy", runs=runs)
    return list(parser.events(io.BytesIO(data), LAYOUTS[layout])), result, parser


def _state(result: ChatResult) -> object:
    tally = result.tally
    return (tally.read, tally.events, tally.system, tally.continued, tally.problem_units,
            tally.finish(), result.problems, result.participants.identifiers(),
            result.attachment_names)


def _same(data: bytes, layout: str) -> list[MessageRun]:
    general, general_result, _ = _parse(data, layout, runs=False)
    given_, result, _ = _parse(data, layout, runs=True)
    assert all(type(e) is Event for e in general)
    runs = [r for r in given_ if isinstance(r, MessageRun)]
    for run in runs:
        events = list(run.events())
        assert len(run) == len(events) > 0
        assert block_columns(run, 1, 7, 3) == event_columns(events, 1, 7, 3)
    assert list(each_event(given_)) == general
    assert _state(result) == _state(general_result)
    assert result.tally.closes()
    return runs


_SEEN = "04/03/2026, 22:14 - Jan Peeters: seen"


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(lines(), min_size=1, max_size=30), st.sampled_from(["\n", "\r\n"]),
       st.sampled_from(["android", "ios"]), st.sampled_from([1, 2, 3, 4096]))
# the cases a run could get wrong, each after a sender is seen (else the general path)
@example([_SEEN, "04/03/2026, 22:15 - Jan Peeters: a", "04/03/2026, 22:15:07 - Jan "
          "Peeters: seconds", "04/03/2026, 22:16 - Jan Peeters: minutes"], "\n", "android",
         4096)
@example([_SEEN, *(f"25/10/2026, {t} - Jan Peeters: overlap" for t in (
    "02:30", "02:30", "02:10", "01:59", "02:30", "03:00"))], "\n", "android", 4096)
@example([_SEEN, *(f"29/03/2026, {t} - Jan Peeters: gap" for t in ("01:59", "02:30", "02:30",
                                                                    "03:00"))],
         "\r\n", "android", 2)
@example([_SEEN, "04/03/2026, 22:15 - Jan Peeters: \u200eafter a mark",
          "04/03/2026, 22:15 - Jan Peeters: (bracketed)", "04/03/2026, 22:15 - Jan Peeters: "
          "Gemiste spraakoproep.", "31/02/2026, 22:15 - Jan Peeters: no such day",
          "04/03/2026, 22:16 - Jan Peeters: again"], "\n", "android", 4096)
@example([_SEEN, "04/03/2026, 10:15\u202fPM - Jan Peeters: evening", "04/03/2026, 10:16\u202fAM - "
          "Jan Peeters: morning", "04/03/2026, 22:60 - Jan Peeters: no such minute",
          "04/03/2026, 22:15:07 - Jan Peeters: seconds", "04/03/2026, 22:15:60 - Jan Peeters: "
          "no such second"], "\n", "android", 4096)
# which of the two 02:30 of 25 October is meant follows from the message before it: the
# general path must see the time of a message the plain path read in between
@example(["25/10/2026, 03:10 - Jan Peeters: <Media omitted>", "25/10/2026, 01:00 - Jan "
          "Peeters: plain", "25/10/2026, 03:10 - Jan Peeters: <Media omitted>",
          "25/10/2026, 02:30 - Jan Peeters: after"], "\n", "android", 4096)
# the same header again after a message the general path read: the plain path notes its
# time again (the plain path notes it only when the header changes)
@example(["25/10/2026, 01:00 - Jan Peeters: <Media omitted>", "25/10/2026, 01:00 - Jan "
          "Peeters: plain", "25/10/2026, 03:10 - Jan Peeters: <Media omitted>",
          "25/10/2026, 01:00 - Jan Peeters: plain again", "25/10/2026, 02:30 - Jan Peeters: "
          "after"], "\n", "android", 4096)
def test_runs_equal_the_general_path(found: list[str], ending: str, layout: str,
                                     run: int) -> None:
    original = whatsapp_parse.RUN
    whatsapp_parse.RUN = run  # runs cut short as well
    try:
        _same(ending.join(found).encode(), layout)
    finally:
        whatsapp_parse.RUN = original


def test_usual_messages_come_as_runs_and_the_rest_as_events(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(whatsapp_parse, "RUN", 3)
    text = "".join([
        "04/03/2026, 22:15 - Messages and calls are end-to-end encrypted.\n",
        "04/03/2026, 22:15 - Jan Peeters: first\n",  # a sender seen first: general
        *(f"04/03/2026, 22:{16 + n} - Jan Peeters: usual {n}\n" for n in range(4)),
        "04/03/2026, 22:30 - Jan Peeters: <Media omitted>\n",
        "04/03/2026, 22:31 - Jan Peeters: two\nlines\n",
        "04/03/2026, 22:32 - Jan Peeters: last\n"])
    runs = _same(text.encode(), "android")
    given_, result, _ = _parse(text.encode(), "android", runs=True)
    shapes = ["run" if isinstance(g, MessageRun) else g.kind for g in given_]
    assert shapes == ["system", "message", "run", "run", "message", "message", "run"]
    assert [len(r) for r in runs] == [3, 1, 1]
    assert runs[0].lines == [3, 4, 5] and runs[0].texts == ["usual 0", "usual 1", "usual 2"]
    assert result.tally.events == 9 and result.tally.closes()
