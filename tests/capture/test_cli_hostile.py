"""Hostile pages through the command line: a clean message and exit code, never a
traceback (exit 70). Chromium is started through a wrapper with a small JavaScript heap,
so the greedy page crashes its renderer within a second."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from spoorvast.capture.browser import chromium_path
from tests.capture.test_limits import hostile
from tests.conftest import Cli

__all__ = ["hostile"]


@pytest.fixture
def small_heap_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wrapper = tmp_path / "chromium-small-heap"
    wrapper.write_text(f'#!/bin/sh\nexec {chromium_path()} '
                       f'--js-flags=--max-old-space-size=64 "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("SPOORVAST_CHROMIUM", str(wrapper))
    assert os.access(wrapper, os.X_OK)


@pytest.mark.slow
def test_a_crashing_page_is_a_finding_on_the_command_line(
        case_vault: Path, cli: Cli, hostile: str, small_heap_chromium: None) -> None:
    done = cli("capture", "--allow-private-network", "--no-pdf", hostile + "/hungry")
    assert done.code == 0, done.err
    assert "Traceback" not in done.err
    assert "crashed during the capture" in done.err
    assert "E-0001" in done.err
    assert cli("verify").code == 0
