"""``spoorvast watch`` in-process: add, list, pause, resume, remove, install --dry-run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli


@pytest.fixture
def ready(vault_dir: Path, cli: Cli) -> Path:
    assert cli("init").code == 0
    assert cli("case", "new", "Watched", "--lang", "en", "--tz", "Europe/Brussels").code == 0
    return vault_dir


def test_add_list_pause_resume_remove(ready: Path, cli: Cli) -> None:
    added = cli("watch", "add", "https://www.instagram.com/bram.subject/", "--every", "6h")
    assert added.code == 0, added.err
    assert "Watch 1 added" in added.out
    listed = cli("watch", "list")
    assert "instagram.com/bram.subject" in listed.out and "6h" in listed.out
    assert cli("watch", "pause", "1").code == 0
    assert "paused" in cli("watch", "list").out
    assert cli("watch", "resume", "1").code == 0
    assert cli("watch", "remove", "1").code == 0
    assert "No watches" in cli("watch", "list").out
    assert cli("watch", "pause", "1").code != 0  # gone: said, no traceback


@pytest.mark.parametrize("every", ["5m", "often", "0h"])
def test_an_interval_too_short_or_unreadable_is_refused(ready: Path, cli: Cli,
                                                        every: str) -> None:
    result = cli("watch", "add", "https://example.org/x", "--every", every)
    assert result.code != 0 and "Traceback" not in result.err
    assert every in result.err


def test_only_web_addresses_and_no_twice(ready: Path, cli: Cli) -> None:
    assert cli("watch", "add", "file:///etc/passwd").code != 0
    assert cli("watch", "add", "https://example.org/x").code == 0
    again = cli("watch", "add", "https://example.org/x")
    assert again.code != 0 and "already watched" in again.err


def test_install_dry_run_writes_nothing(ready: Path, cli: Cli, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    shown = cli("watch", "install", "--dry-run")
    assert shown.code == 0
    assert "watch run --unattended" in shown.out
    assert "--vault" in shown.out and str(ready.resolve()) in shown.out
    assert not (tmp_path / "config").exists()
    assert not (ready / "watch" / "schedule.json").exists()
    cron = cli("watch", "install", "--dry-run", "--cron")
    assert "*/15 * * * *" in cron.out and "# spoorvast-watch-" in cron.out
