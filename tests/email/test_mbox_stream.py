"""An mbox of many messages is streamed: drafts are written as they are read, in the
input's one transaction, so memory holds one message while the vault stays whole or
untouched after an error, an interruption or a kill (adding again then starts afresh)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.email import mbox
from spoorvast.importers.registry import builtin_registry
from spoorvast.services.ingest_step import EAGER_DRAFTS
from spoorvast.services.intake import Status, add_paths
from spoorvast.storage.vault import open_vault
from tests.conftest import PASSPHRASE, Cli
from tests.storage.tamper import stored_names

FROM_LINE = b"From pat.suspect@example.org Tue Mar  3 21:15:00 2026\n"
COUNT = EAGER_DRAFTS + 10  # some messages beyond the part read at once


def message(n: int) -> bytes:
    return (f"Received: from mail.example.org (mail.example.org [192.0.2.7])\n"
            f"        by mx.example.net with ESMTPS; Tue, 3 Mar 2026 13:15:00 +0100\n"
            f"From: Pat Suspect <pat.suspect@example.org>\nTo: vic.tim@example.net\n"
            f"Subject: Bericht {n}\nDate: Tue, 3 Mar 2026 13:14:{n % 60:02d} +0100\n"
            f"Message-ID: <m{n}@example.org>\n\nTekst van bericht {n}.\n").encode()


def write_mbox(path: Path, count: int) -> Path:
    with path.open("wb") as out:
        for n in range(1, count + 1):
            out.write(FROM_LINE + message(n) + b"\n")
    return path


def _items(vault_dir: Path) -> list[str]:
    with open_vault(vault_dir, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        return [i.title for i in vault.store.items(case.id or 0)]


def test_every_message_of_a_long_mbox_becomes_an_item(case_vault: Path, cli: Cli,
                                                      tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "takeout.mbox", COUNT)
    assert cli("add", str(path)).code == 0
    titles = _items(case_vault)
    assert len(titles) == COUNT + 1 and titles[0] == "takeout.mbox"
    assert [t.split(" — ")[0] for t in titles[1:]] == [
        f"takeout.mbox #{n}" for n in range(1, COUNT + 1)]
    assert titles[-1].endswith(f"Bericht {COUNT}")
    assert cli("verify").code == 0


def _failing_at(number: int, error: type[BaseException],
                monkeypatch: pytest.MonkeyPatch) -> None:
    real = mbox.MboxImporter._message

    def failing(self: mbox.MboxImporter, context: ImportContext, source: Source,
                handle: object, one: mbox.Kept) -> list[ItemDraft]:
        if one.entry.number == number:
            raise error("synthetic failure")
        return real(self, context, source, handle, one)  # type: ignore[arg-type]

    monkeypatch.setattr(mbox.MboxImporter, "_message", failing)


def test_a_reader_failing_in_the_streamed_part_keeps_what_it_read_and_says_so(
        case_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stop = EAGER_DRAFTS + 5
    _failing_at(stop, RuntimeError, monkeypatch)
    path = write_mbox(tmp_path / "takeout.mbox", COUNT)
    with open_vault(case_vault, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        [result] = add_paths(vault, case, [path], builtin_registry())
        assert result.status is Status.ADDED and len(result.labels) == stop
        container = vault.store.items(case.id or 0)[0]
        [finding] = [f for f in vault.store.findings(case.id or 0, container.id)
                     if f.code == "import.items-stopped"]
        assert dict(finding.params) == {"importer": "mbox", "count": str(stop),
                                        "error": "RuntimeError"}


def test_an_interruption_in_the_streamed_part_keeps_nothing_and_adding_again_works(
        case_vault: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = mbox.MboxImporter._message
    _failing_at(EAGER_DRAFTS + 5, KeyboardInterrupt, monkeypatch)
    path = write_mbox(tmp_path / "takeout.mbox", COUNT)
    with open_vault(case_vault, PASSPHRASE) as vault:
        case = vault.store.cases()[0]
        with pytest.raises(KeyboardInterrupt):
            add_paths(vault, case, [path], builtin_registry())
        assert vault.store.items(case.id or 0) == []
    assert cli("verify").code == 0
    monkeypatch.setattr(mbox.MboxImporter, "_message", real)
    assert cli("add", str(path)).code == 0
    assert len(_items(case_vault)) == COUNT + 1


def _blob_count(vault_dir: Path) -> int:
    return len(stored_names(vault_dir))


@pytest.mark.slow
def test_a_kill_during_a_streamed_mbox_leaves_the_vault_whole(case_vault: Path, cli: Cli,
                                                              tmp_path: Path) -> None:
    """kill -9 while messages are being written: nothing of the mbox is in the case,
    verify is clean, and adding it again gives every message."""
    count = 1500
    path = write_mbox(tmp_path / "takeout.mbox", count)
    before = _blob_count(case_vault)
    child = subprocess.Popen([sys.executable, "-m", "spoorvast", "add", str(path)],
                             env={**os.environ, "PYTHONPATH": os.getcwd()},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _blob_count(case_vault) < before + 2 * (EAGER_DRAFTS + 200):
        assert child.poll() is None, "the add ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert _items(case_vault) == []
    assert cli("verify").code == 0
    assert cli("add", str(path)).code == 0
    assert len(_items(case_vault)) == count + 1
