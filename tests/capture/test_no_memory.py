"""With no memory folder, a capture is refused with a clear message before anything of
the visit is written (never to /tmp on the disk)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spoorvast.storage import scratch
from tests.conftest import Cli


def test_capture_refused_without_a_memory_folder(cli: Cli, case_vault: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scratch, "candidates", lambda: [])
    done = cli("capture", "http://127.0.0.1:9/x", "--allow-private-network")
    assert done.code == 2 and "/dev/shm" in done.err and "disk" in done.err
    assert list((tmp_path / "tmp").iterdir()) == []  # TMPDIR of this test: untouched
