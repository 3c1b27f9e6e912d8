"""Accounting closes for every conversation fixture, of every format: each line (text
exports) or record (JSON, XML, CSV) of the original is exactly one of an event, part of
an event (a counted continuation line) or a finding with its place. The number of lines
or records is counted here from the fixture itself, not taken from the importer; the
importer is found by the registry from the content (the file is named ``export.bin``
unless the format is known by its name)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from spoorvast.importers.base import ImportContext, ItemDraft
from spoorvast.importers.registry import builtin_registry
from spoorvast.model import instant
from spoorvast.model.message_run import each_event
from spoorvast.model.records import ItemKind
from tests.chat import meta_samples, sms_samples, telegram_samples
from tests.chat.helpers import ZONE, Sealed, counts, source_for
from tests.chat.test_calllog_csv import EXAMPLE as CALLS_CSV
from tests.chat.test_discord import dce_export
from tests.chat.whatsapp_locales import all_fixtures
from tests.chat.whatsapp_samples import SAMPLES


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    units: int  # lines or records, counted from the fixture
    file_name: str = "export.bin"


def _lines(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


_SHAPES = [  # the classes of issue 26, as whole files
    "[29.01.18, 12:25:00] Anna: Hallo\n[\ufeff29.01.18, 12:26:03] Dave: Ich\n"
    "[1.2.2019, 00:00:00] John Doe: quoted\n[30.01.18, 08:00:00] Anna: ok",
    "04/03/2026, 22:15 - Anna: hoi\n04/03/2026, 22:16 - Carol:\n04/03/2026, 22:17 - John:\n"
    "\n\nthe text\n31/02/2026, 22:18 - Anna: no such day\nits second line\n",
    "garbage before\n\u200f[١٥/٠٣/٢٠٢٤، ٩:١٢:٠٥ م] أحمد: مرحبا\n",
    "[2023. 12. 31. 오후 11:58:02] 김민준: 새해\n[2024/2/9 下午8:01:15] 王: body line\n",
]


def _cases() -> list[Case]:
    found = [Case(f"whatsapp-{s.name}", s.text.encode(), _lines(s.text)) for s in SAMPLES]
    found += [Case(f"whatsapp-{f.name}", f.text.encode(), f.lines) for f in all_fixtures()]
    found += [Case(f"whatsapp-shape-{n}", t.encode(), _lines(t)) for n, t in enumerate(_SHAPES)]
    single = telegram_samples.single_chat()
    found.append(Case("telegram-single", telegram_samples.dump(single),
                      len(single["messages"])))  # type: ignore[arg-type]
    full = telegram_samples.full_export()
    chats = full["chats"]["list"]  # type: ignore[index]
    found.append(Case("telegram-full", telegram_samples.dump(full),
                      sum(len(c["messages"]) for c in chats)))
    dce = dce_export()
    found.append(Case("discord-dce", dce, len(json.loads(dce)["messages"])))
    found += [Case(f"sms-{n}", text.encode(), len(re.findall(r"<(?:sms|mms|call) ", text)))
              for n, text in (("messages", sms_samples.SMS_FILE),
                              ("calls", sms_samples.CALLS_FILE))]
    thread = meta_samples.thread()
    found.append(Case("meta", meta_samples.dump(thread), len(thread["messages"]),  # type: ignore[arg-type]
                      "message_1.json"))
    found.append(Case("calllog-csv", CALLS_CSV.encode(), _lines(CALLS_CSV) - 1, "calls.csv"))
    return found


CASES = _cases()


def _read(case: Case, tmp_path: Path) -> ItemDraft:
    path = tmp_path / case.file_name
    path.write_bytes(case.data)
    source = source_for(path)
    importer = builtin_registry().detect(source)
    context = ImportContext(1, ZONE, instant.now(ZONE), Sealed())
    [draft] = list(importer.read(context, source))
    draft.events = list(each_event(draft.events))
    return draft


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_line_or_record_is_an_event_a_continuation_or_a_finding(
        case: Case, tmp_path: Path) -> None:
    draft = _read(case, tmp_path)
    assert draft.kind in (ItemKind.CONVERSATION, ItemKind.CALL_LOG), draft.importer
    c = counts(draft)
    assert c["read"] == case.units
    assert c["events"] + c["continued"] + c["problems"] == case.units
    assert c["events"] == len(draft.events)
    placed = [p for p in draft.problems if p.code == "chat.unreadable"]
    assert len(placed) <= c["problems"]
    assert all(p.location is not None and (p.location.line or p.location.field)
               for p in placed)
    assert bool(placed) == bool(c["problems"])
