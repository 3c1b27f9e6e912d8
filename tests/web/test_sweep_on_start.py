"""The app's start removes what a killed spoorvast left in memory (see
spoorvast/storage/scratch.py), like any CLI command does."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from spoorvast.storage import scratch
from tests.web.conftest import StartApp


def test_app_start_sweeps_leftovers_of_dead_processes(start_app: StartApp, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    base = scratch.memory_base()
    assert base is not None
    root = Path(os.path.realpath(base)) / f"spv-test-web-{os.getpid()}-{tmp_path.name}"
    root.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(root))
    child = subprocess.Popen(["true"])
    child.wait()
    left = root / f"spv-profile-{child.pid}-0-abcd1234"
    left.mkdir()
    (left / "Cookies").write_bytes(b"synthetic")
    try:
        start_app()
        assert not left.exists()
    finally:
        shutil.rmtree(root, ignore_errors=True)
