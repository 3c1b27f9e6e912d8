"""Lazy events from the sealed original: the first event comes before the file has been
read, attachments are sealed as the parse goes, and the findings (count reconciliation,
accounting) are on the draft once the events are exhausted."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import BinaryIO

from spoorvast.importers.base import ImportContext
from spoorvast.importers.chat.sms.importer import SmsBackupImporter
from spoorvast.importers.chat.telegram.importer import TelegramImporter
from spoorvast.model import instant
from spoorvast.model.message_run import each_event
from tests.chat.helpers import ZONE, Sealed, closes, codes, counts, source_for
from tests.chat.sms_samples import HEADER, T0, mms
from tests.chat.telegram_gen import write_large


class Opened:
    """``ImportContext.open_sealed`` for a test: the readers it handed out."""

    def __init__(self, path: Path) -> None:
        self.path, self.handles = path, list[BinaryIO]()

    def __call__(self, sha256: str) -> BinaryIO:
        handle = self.path.open("rb")
        self.handles.append(handle)
        return handle


def _backup(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + f'<smses count="{count + 1}" type="full">\n')
        for n in range(count):
            part = base64.b64encode(n.to_bytes(4, "big") * 6000).decode()  # 24 KB, unique
            out.write(mms(T0 + n * 1000, 1 + n % 2, "+32470123456", f"foto {n}", "r", part))
        out.write("</smses>\n")


def test_mms_backup_is_read_lazily_and_accounts(tmp_path: Path) -> None:
    path = tmp_path / "sms-20260305.xml"
    _backup(path, 300)
    size = path.stat().st_size
    opened, sealed = Opened(path), Sealed()
    context = ImportContext(1, ZONE, instant.now(ZONE), sealed, opened)
    draft = next(SmsBackupImporter().read(context, source_for(path)))
    events = iter(draft.events)
    first = next(events)
    assert first.text == "foto 0" and len(first.attachments) == 1
    assert opened.handles[0].tell() < size // 10  # the rest of the file is not read yet
    assert len(draft.artifacts) == 2 and draft.problems == []
    draft.events = [first, *events]
    assert opened.handles[0].closed
    assert len(draft.events) == 300 and len(draft.artifacts) == 301
    assert [e.attachments[0] for e in draft.events] == [a.sha256 for a in draft.artifacts[1:]]
    assert len(sealed.files) == 1  # every part is named image0.png: the last one kept here
    assert closes(draft) and counts(draft)["read"] == 300
    assert dict(next(p for p in draft.problems if p.code == "chat.count-mismatch").params
                ) == {"expected": "301", "found": "300"}
    assert {(i.kind.value, i.value) for i in draft.identifiers} >= {("phone", "+32470123456")}


def test_telegram_reads_the_sealed_original_lazily(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    write_large(path, 12_000)  # 6 MB: several blocks
    opened = Opened(path)
    context = ImportContext(1, ZONE, instant.now(ZONE), Sealed(), opened)
    draft = next(TelegramImporter().read(context, source_for(path)))
    found = iter(draft.events)
    events = each_event(found)  # the usual messages come as runs (MessageRun)
    assert next(events).text.startswith("bericht 0 ")
    assert opened.handles[0].tell() <= path.stat().st_size // 4
    assert draft.problems == [] and draft.identifiers == []
    rest = list(events)
    assert len(rest) == 11_999 and rest[-1].location is not None
    assert rest[-1].location.field == "/messages/11999"
    draft.events = rest
    assert counts(draft)["read"] == 12_000 and codes(draft) == ["chat.counts"]
    assert len(draft.identifiers) == 2 and opened.handles[0].closed
