"""Lazy events through the real intake: parsed while stored, from the sealed bytes, with
flat memory; a reader that fails half-way keeps what it read; an export whose layout is
unknown is kept as a plain file that quotes its first lines."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.registry import Registry, builtin_registry
from spoorvast.model.conversation import EventQuery
from spoorvast.model.message_run import MessageRun
from spoorvast.model.records import Event, ItemKind
from spoorvast.services.intake import add_paths
from spoorvast.services.verify import verify
from spoorvast.storage.prefetch import Prefetch
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli


def whatsapp_lines(count: int, start: int = 0) -> str:
    return "".join(f"{1 + (n // 1440) % 28:02d}/03/2026, {(n // 60) % 24:02d}:{n % 60:02d} - "
                   f"{'Jan Peeters' if n % 2 else 'Anna'}: bericht {n}\n"
                   for n in range(start, start + count))


def test_a_long_export_is_stored_in_chunks_and_verifies(case_vault: Path, cli: Cli,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Jan.txt"
    path.write_text(whatsapp_lines(20_000), encoding="utf-8")  # more than two chunks
    assert cli("add", str(path)).code == 0
    path.write_text("overwritten after sealing", encoding="utf-8")  # events use the seal
    with open_vault(case_vault, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        events = vault.store.events(case.id or 0)
        assert [e.seq for e in events[:3]] == [1, 2, 3] and len(events) == 20_000
        assert events[-1].text == "bericht 19999"
        hits = vault.store.search_events(EventQuery(case.id or 0, text="19999"))
        assert [h.event.seq for h in hits] == [20_000]
    assert cli("verify").code == 0


class Failing:
    """An importer whose events stop with a bug half-way."""

    name, priority = "failing", 1000

    def detect(self, source: Source) -> bool:
        return source.name.endswith(".fail")

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        draft = ItemDraft(ItemKind.CONVERSATION, source.name, self.name, [source.original])

        def events() -> Iterator[Event | MessageRun]:
            for n in range(5_000):
                yield Event(None, context.case_id, None, "message", None, f"m{n}")
            stamps = list(range(1_772_000_000, 1_772_005_000))  # and 5,000 as one run
            yield MessageRun(context.case_id, "message", "UTC", source.original.sha256,
                             stamps, [0] * 5_000, ["raw"] * 5_000,
                             [f"m{n}" for n in range(5_000, 10_000)], [None] * 5_000,
                             [f"/m/{n}" for n in range(5_000)], (), "id", stamps)
            raise KeyError("bug")

        draft.events = events()
        yield draft


def test_a_reader_failing_half_way_keeps_what_it_read(case_vault: Path, tmp_path: Path
                                                      ) -> None:
    registry = builtin_registry()
    registry.register(Failing())
    path = tmp_path / "chat.fail"
    path.write_bytes(b"anything")
    with open_vault(case_vault, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        [result] = add_paths(vault, case, [path], registry)
        assert result.status.value == "added"
        findings = vault.store.findings(case.id or 0)
        stopped = [f for f in findings if f.code == "import.stopped"]
        assert [dict(f.params) for f in stopped] == [
            {"importer": "failing", "count": "10000", "error": "KeyError"}]
        assert len(vault.store.events(case.id or 0)) == 10_000
        assert not verify(vault).problems


def test_an_error_in_storage_stops_the_reader_and_stores_nothing(
        case_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_gone(self: Prefetch[object]) -> None:
        raise OSError("disk gone")

    path = tmp_path / "WhatsApp Chat with Jan.txt"
    path.write_text(whatsapp_lines(20_000), encoding="utf-8")
    monkeypatch.setattr(Prefetch, "release", disk_gone)
    with open_vault(case_vault, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        with pytest.raises(OSError):
            add_paths(vault, case, [path], builtin_registry())
        assert vault.store.items(case.id or 0) == []
        assert vault.store.events(case.id or 0) == []


def test_prefetch_hands_over_chunks_and_errors() -> None:
    with Prefetch(range(10), 4) as chunks:
        got = []
        for chunk in chunks:
            got.append(chunk)
            chunks.release()
    assert got == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]

    def broken() -> Iterator[int]:
        yield 1
        raise ValueError("x")

    with pytest.raises(ValueError), Prefetch(broken(), 4) as chunks:
        for _chunk in chunks:
            chunks.release()


def test_prefetch_stops_a_producer_nobody_reads() -> None:
    closed = []

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                n += 1
                yield n
        finally:
            closed.append(True)

    with Prefetch(endless(), 100) as chunks:
        for _chunk in chunks:
            break
    assert closed == [True]


def test_unknown_layout_is_a_plain_file_quoting_its_first_lines(
        case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Jan.txt"
    path.write_text("2026-03-04T22:15 Jan >> hallo\n" * 3 + "nog iets\n", encoding="utf-8")
    added = json.loads(cli("add", "--json", str(path)).out)
    assert added[0]["kind"] == "file"
    shown = json.loads(cli("show", "E-0001", "--json").out)
    [finding] = [f for f in shown["findings"] if f["code"] == "chat.layout-unknown"]
    assert "2026-03-04T22:15 Jan >> hallo | 2026-03-04T22:15 Jan >> hallo" in finding["message"]


def test_unreadable_named_file_is_not_taken_for_a_chat(tmp_path: Path) -> None:
    registry: Registry = builtin_registry()
    path = tmp_path / "notes.txt"
    path.write_text("just text\n", encoding="utf-8")
    from tests.chat.helpers import source_for

    assert registry.detect(source_for(path)).name == "file"


MEMORY = textwrap.dedent("""
    import sys
    from pathlib import Path
    from spoorvast.importers.registry import builtin_registry
    from spoorvast.services.cases import create_case
    from spoorvast.services.intake import add_paths
    from spoorvast.storage.vault import create
    with create(Path(sys.argv[1]), "pass phrase 42") as vault:
        case = create_case(vault, "m", "en", "Europe/Brussels")
        [r] = add_paths(vault, case, [Path(sys.argv[2])], builtin_registry())
        assert r.status.value == "added", r
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]
    print(int(hwm[0].split()[1]) // 1024)
""")


def _peak_mb(tmp_path: Path, name: str, count: int) -> int:
    path = tmp_path / f"{name}.txt"
    with path.open("w", encoding="utf-8") as out:
        for start in range(0, count, 50_000):
            out.write(whatsapp_lines(min(50_000, count - start), start))
    done = subprocess.run([sys.executable, "-c", MEMORY, str(tmp_path / name), str(path)],
                          capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_the_export(tmp_path: Path) -> None:
    from spoorvast.storage.sqlite import CACHE_KIB

    small = _peak_mb(tmp_path, "WhatsApp Chat small", 20_000)
    large = _peak_mb(tmp_path, "WhatsApp Chat large", 300_000)  # 15x the messages
    # the page cache fills up to its bound as the database grows; a list of the events
    # (what the import held before) would add ~250 MB more
    assert large < small + CACHE_KIB // 1024 + 30, (small, large)


@pytest.mark.parametrize("block", [97, 1 << 20])
def test_date_survey_names_the_deciding_line_across_blocks(
        block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from spoorvast.importers.chat.whatsapp import date_survey

    monkeypatch.setattr(date_survey, "SURVEY_BLOCK", block)
    text = "\ufeff" + whatsapp_lines(3000).replace(": bericht 7\n", ": bericht 7\nnog\n")
    text += "13/04/2026, 10:00 - Jan: groot\n"
    found = date_survey.survey(io.BytesIO(text.encode()), "android").decide()
    assert (found.order, found.rule, found.line) == ("dmy", "first-above-12", 3002)


ZIPPED = textwrap.dedent("""
    import os, sys, zipfile
    from pathlib import Path
    from spoorvast.importers.registry import builtin_registry
    from spoorvast.services.cases import create_case
    from spoorvast.services.intake import add_paths
    from spoorvast.storage.vault import create
    export = Path(sys.argv[2])
    with zipfile.ZipFile(export, "w", zipfile.ZIP_STORED) as archive:
        line = "[04/03/2026, 22:15:07] Jan: <attached: 00000012-VIDEO.mp4>\\n"
        archive.writestr("_chat.txt", line)
        with archive.open("00000012-VIDEO.mp4", "w", force_zip64=True) as member:
            block = os.urandom(1 << 20)
            for _ in range(int(sys.argv[3])):
                member.write(block)
    with create(Path(sys.argv[1]), "pass phrase 42") as vault:
        case = create_case(vault, "m", "en", "Europe/Brussels")
        [r] = add_paths(vault, case, [export], builtin_registry())
        assert r.status.value == "added", r
        [event] = vault.store.events(case.id)
        assert len(event.attachments) == 1
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]
    print(int(hwm[0].split()[1]) // 1024)
""")


@pytest.mark.slow
def test_a_big_archive_member_is_sealed_with_flat_memory(tmp_path: Path) -> None:
    peaks = []
    for megabytes in (8, 256):
        done = subprocess.run([sys.executable, "-c", ZIPPED, str(tmp_path / f"v{megabytes}"),
                               str(tmp_path / f"WhatsApp Chat {megabytes}.zip"),
                               str(megabytes)], capture_output=True, text=True, check=True)
        peaks.append(int(done.stdout.split()[-1]))
    assert peaks[1] < peaks[0] + 40, peaks  # read whole, the video alone would add 256 MB


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["04/03/2026, 22:15 - Jan: ", "[4/3/26, 10:15:07] Anna: ",
                                           "05/03/2026, 09:00 - ", ""]),
                          st.binary(max_size=30).map(lambda b: b.replace(b"\n", b" ")),
                          st.sampled_from([b"\n", b"\r\n"])), min_size=1, max_size=25),
       st.sampled_from([1, 2, 7, 64, 1 << 20]), st.booleans())
def test_events_do_not_depend_on_where_the_blocks_are_cut(
        chunks: list[tuple[str, bytes, bytes]], block: int, bom: bool) -> None:
    """Lines are read a block at a time; CRLF, a BOM, bytes that are not UTF-8 and lines
    longer than a block give the same events, findings and accounting at any block size."""
    import io

    from spoorvast.importers.chat.shared import textfile
    from spoorvast.importers.chat.shared.accounting import Tally
    from spoorvast.importers.chat.shared.participants import Participants
    from spoorvast.importers.chat.whatsapp.lines import LAYOUTS
    from spoorvast.importers.chat.whatsapp.parse import ChatResult, WhatsAppParser
    from spoorvast.model.instant import ZoneClock

    data = (b"\xef\xbb\xbf" if bom else b"") + b"04/03/2026, 22:15 - Jan: start\n" + b"".join(
        h.encode() + text + end for h, text, end in chunks)

    def parse(size: int) -> tuple[list[Event], list[str], int]:
        original = textfile.BLOCK
        textfile.BLOCK = size
        try:
            result = ChatResult(Tally("ab" * 32), Participants(1), None, "android")
            parser = WhatsAppParser(1, "ab" * 32, ZoneClock("Europe/Brussels"), "BE",
                                    lambda name: None, result, "dmy")
            events = list(parser.events(io.BytesIO(data), LAYOUTS["android"]))
        finally:
            textfile.BLOCK = original
        codes = [p.code for p in (*result.problems, *result.tally.problems)]
        return events, codes, result.tally.read

    whole = parse(1 << 20)
    assert parse(block) == whole
    assert whole[2] == data.count(b"\n")


_NUMBER = st.integers(0, 40) | st.integers(1990, 2030)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_NUMBER, st.integers(0, 31), _NUMBER, st.sampled_from("/.-"),
                          st.sampled_from(["", " PM", "\u202fa. m."]),
                          st.sampled_from(["", "\n12/13/2026 is a date in a message"])),
                min_size=1, max_size=40),
       st.sampled_from([64, 1 << 20]), st.booleans())
def test_quick_date_order_equals_the_full_survey(
        lines: list[tuple[int, int, int, str, str, str]], block: int, ios: bool) -> None:
    """Deciding from the first year-first / above-12 lines gives what surveying every
    date gives, at any block size, for both layouts."""
    import io

    from spoorvast.importers.chat.whatsapp import date_survey

    layout = "ios" if ios else "android"
    text = "".join(
        (f"[{a:02d}{sep}{b:02d}{sep}{c}, 10:1{n % 10}:00{ampm}] Jan: m{n}{extra}\n" if ios else
         f"{a:02d}{sep}{b:02d}{sep}{c}, 10:1{n % 10}{ampm} - Jan: m{n}{extra}\n")
        for n, (a, b, c, sep, ampm, extra) in enumerate(lines))
    original = date_survey.SURVEY_BLOCK
    date_survey.SURVEY_BLOCK = block
    try:
        full = date_survey.survey(io.BytesIO(text.encode()), layout).decide()
        quick = date_survey.date_order(lambda: io.BytesIO(text.encode()), layout)
    finally:
        date_survey.SURVEY_BLOCK = original
    assert quick == full
