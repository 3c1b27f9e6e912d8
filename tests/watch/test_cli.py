"""``spoorvast watch`` in-process: add, list, pause, resume, remove, install --dry-run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli

pytestmark = pytest.mark.slow  # each command opens the vault (its real KDF, ≈1 s)


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


def test_an_interval_too_short_is_said_without_a_traceback(ready: Path, cli: Cli) -> None:
    result = cli("watch", "add", "https://example.org/x", "--every", "5m")
    assert result.code != 0 and "Traceback" not in result.err and "5m" in result.err


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


def test_install_and_uninstall_without_cron_or_systemd(ready: Path, cli: Cli, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    """No crontab or systemctl on the PATH: the schedule file is written, the line to add
    is said, and uninstall removes the file again (the user's crontab is never touched
    by this test: nothing on the PATH can reach it)."""
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert cli("watch", "add", "https://example.org/x", "--every", "1d").code == 0
    done = cli("watch", "install")
    assert done.code == 0, done.err
    assert "could not be added" in done.err and "*/15 * * * *" in done.err
    schedule = ready / "watch" / "schedule.json"
    assert schedule.stat().st_mode & 0o777 == 0o600
    assert "https://example.org/x" in schedule.read_text()
    assert cli("watch", "pause", "1").code == 0
    assert "example.org" not in schedule.read_text()  # paused: the timer skips it
    assert cli("watch", "uninstall").code == 0
    assert not schedule.exists()


def test_systemd_units_are_written_per_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    from spoorvast.services.watch import unattended

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    chosen = unattended.plan(tmp_path / "vault", notify=True, systemd=True)
    said = unattended.apply(chosen)
    units = sorted((tmp_path / "config" / "systemd" / "user").iterdir())
    assert [u.suffix for u in units] == [".service", ".timer"]
    service = units[0].read_text()
    assert "watch run --unattended --notify" in service and "Type=oneshot" in service
    timer = units[1].read_text()
    assert "OnUnitActiveSec=15min" in timer and "RandomizedDelaySec=" in timer
    assert "systemctl --user enable --now" in said[0]  # no systemctl here: said how
    unattended.uninstall(tmp_path / "vault")
    assert not list((tmp_path / "config" / "systemd" / "user").iterdir())


def test_watch_run_captures_and_compares(ready: Path, cli: Cli) -> None:
    """``watch run`` with real Chromium on a page served on 127.0.0.1 that is edited
    between the two runs."""
    from tests.capture.site import _serve

    state = {"words": "Bram wrote: first words."}
    server = _serve(lambda path, headers: (
        200, "text/html; charset=utf-8",
        f"<html><head><title>Bram</title></head><body><p>{state['words']}</p></body></html>"
        .encode(), {}))
    url = f"http://127.0.0.1:{server.server_address[1]}/bram"
    try:
        assert cli("watch", "add", url, "--every", "1h", "--allow-private-network").code == 0
        first = cli("watch", "run")
        assert first.code == 0, first.err
        assert "E-0001" in first.out and "first capture" in first.out
        assert "No watch is due." in cli("watch", "run").out  # never sooner than asked
        state["words"] = "Bram wrote: other words."
        second = cli("watch", "run", "--all")
        assert "E-0002" in second.out and "text edited" in second.out, second.out
        assert "Watching: 1 page was edited." in second.err
        assert "E-0001" in cli("watch", "list").out
        assert cli("verify").code == 0
    finally:
        server.shutdown()
        server.server_close()
