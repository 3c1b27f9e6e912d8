"""Messages too large to parse are sealed whole, header analysed, memory bounded."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from spoorvast.importers.email import mbox
from tests.conftest import Cli
from tests.email.helpers import BASE, delivered

FROM_LINE = b"From pat.suspect@example.org Tue Mar  3 21:15:00 2026\n"
PEAK_MB = 500


def _big_message(path: Path, size: int, ending: bytes = b"\r\n") -> bytes:
    """A real message with a base64 body of about ``size`` bytes, written in blocks."""
    head = delivered(BASE.encode()).split(b"\r\n\r\n")[0].replace(b"\r\n", ending)
    head += ending + b"Content-Transfer-Encoding: base64" + ending * 2
    line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5" + ending
    with path.open("ab") as out:
        out.write(head)
        block = line * ((1 << 20) // len(line))
        for _ in range(size // len(block) + 1):
            out.write(block)
    return head


def _sha_range(path: Path, start: int, end: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        handle.seek(start)
        left = end - start
        while left:
            block = handle.read(min(1 << 20, left))
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


_MEASURE = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
            "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN)"
            ".ru_maxrss)")


def _add_in_child(path: Path) -> float:
    """``spoorvast add`` in its own process; its peak RSS in MB. Measured by a fresh
    interpreter whose only child it is: the test process's own RUSAGE_CHILDREN holds the
    largest of *every* child of the run (a browser, a 4 GiB test) before it."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "spoorvast",
                          "add", str(path)], check=True, capture_output=True, text=True)
    return int(out.stdout.split()[-1]) / 1024


def test_an_mbox_message_over_the_limit_is_sealed_whole_with_its_header_analysed(
        case_vault: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mbox, "MESSAGE_LIMIT", 100_000)
    path = tmp_path / "inbox.mbox"
    small = delivered(BASE.encode()).replace(b"\r\n", b"\n")
    path.write_bytes(FROM_LINE + small + b"\n" + FROM_LINE)
    head = _big_message(path, 300_000, b"\n")
    with path.open("ab") as out:
        out.write(b"\n" + FROM_LINE + small.replace(b"Synthetic", b"Another"))
    assert cli("add", str(path)).code == 0
    index = json.loads(cli("show", "--json", "1").out)["analysis"]["index"]
    big = json.loads(cli("show", "--json", "3").out)
    assert big["sha256"] == _sha_range(path, index[1]["byte_start"], index[1]["byte_end"])
    assert big["analysis"]["analysis"]["sending_ip"] == "192.0.2.10"
    assert [f["code"] for f in big["findings"]] == ["email.message-too-large"]
    assert index[1]["byte_end"] - index[1]["byte_start"] > len(head) + 300_000
    assert json.loads(cli("show", "--json", "4").out)["findings"] == []
    assert cli("verify").code == 0


@pytest.mark.slow
def test_a_1_gb_message_in_an_mbox_stays_under_500_mb(case_vault: Path, cli: Cli,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "big.mbox"
    path.write_bytes(FROM_LINE)
    _big_message(path, 1 << 30, b"\n")
    peak = _add_in_child(path)
    assert peak < PEAK_MB, peak
    big = json.loads(cli("show", "--json", "2").out)
    assert big["findings"][0]["code"] == "email.message-too-large"
    assert big["size"] > 1 << 30


@pytest.mark.slow
def test_a_300_mb_eml_stays_under_500_mb(case_vault: Path, cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "big.eml"
    _big_message(path, 300 << 20)
    peak = _add_in_child(path)
    assert peak < PEAK_MB, peak
    shown = json.loads(cli("show", "--json", "1").out)
    assert shown["sha256"] == _sha_range(path, 0, path.stat().st_size)
    assert [f["code"] for f in shown["findings"]] == ["email.message-too-large"]
    assert shown["analysis"]["analysis"]["from_"][0]["mailbox"] == "pat.suspect@example.org"


def test_each_message_event_keeps_its_own_basis(case_vault: Path, cli: Cli,
                                                 tmp_path: Path) -> None:
    """The bases are looked up per item (not the whole table): each message's event
    still points at its own original, and a second mbox reuses nothing it should not."""
    from spoorvast.storage.vault import open_vault
    from tests.conftest import PASSPHRASE

    for name, count in (("a.mbox", 5), ("b.mbox", 3)):
        path = tmp_path / name
        path.write_bytes(b"".join(
            FROM_LINE + delivered(BASE.encode()).replace(b"Synthetic", f"{name} {n}".encode())
            .replace(b"\r\n", b"\n") + b"\n" for n in range(count)))
        assert cli("add", str(path)).code == 0
    with open_vault(case_vault, PASSPHRASE, writable=False) as vault:
        conn = vault.store.conn  # type: ignore[attr-defined]
        rows = conn.execute(
            "SELECT e.loc_sha, a.sha256 FROM events e JOIN artifacts a ON a.item_id = "
            "e.item_id AND a.role = 'original'").fetchall()
        assert len(rows) == 8 and all(loc == sha for loc, sha in rows)
        assert conn.execute("SELECT count(*) FROM event_bases").fetchone()[0] == 8
