"""The capture commands, run in-process like a person would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.capture.site import PROFILE_NAME, Site
from tests.conftest import Cli


@pytest.mark.slow
def test_capture_show_verify(case_vault: Path, cli: Cli, site: Site) -> None:
    done = cli("capture", "--allow-private-network", site.url("/profile"))
    assert done.code == 0, done.err
    assert "E-0001" in done.err and site.url("/profile") in done.err
    shown = cli("show", "E-0001")
    assert shown.code == 0
    assert "Capture record" in shown.out and "127.0.0.1" in shown.out
    assert "signature" in shown.out  # the plain statement of what is not proven
    data = json.loads(cli("show", "E-0001", "--json").out)
    assert data["kind"] == "capture" and data["analysis"]["title"].startswith(PROFILE_NAME)
    assert {a["role"] for a in data["artifacts"]} >= {"screenshot", "mhtml", "pdf", "wacz",
                                                      "analysis", "dom", "original"}
    assert cli("verify").code == 0


@pytest.mark.slow
def test_batch_from_file_one_browser_isolated(case_vault: Path, cli: Cli, site: Site,
                                              tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# synthetic list\n{site.url('/login-set')}\n\n{site.url('/whoami')}\n"
                       f"file:///etc/passwd\n{site.url('/gone')}\n")
    done = cli("capture", "--allow-private-network", "--from-file", str(listing), "--json",
               "--no-pdf")
    assert done.code == 7  # one of the four was refused
    results = json.loads(done.out)
    assert [r["status"] for r in results] == ["captured", "captured", "failed", "captured"]
    assert results[3]["findings"] == ["capture.removed"]
    whoami = json.loads(cli("show", results[1]["item"], "--json").out)
    # the cookie set by the first capture did not leak into the second one
    assert whoami["analysis"]["title"] == "Who"
    dom = [a for a in whoami["artifacts"] if a["name"] == "dom.html"]
    assert dom


def test_private_address_is_refused_without_the_override(case_vault: Path, cli: Cli,
                                                         site: Site) -> None:
    done = cli("capture", site.url("/profile"))
    assert done.code == 2
    assert "--allow-private-network" in done.err
    assert "E-0001" not in cli("items").out


def test_nothing_to_capture_is_a_usage_error(case_vault: Path, cli: Cli) -> None:
    assert cli("capture").code == 2


@pytest.mark.slow
def test_videos_are_saved_unless_told_not_to(case_vault: Path, cli: Cli, site: Site) -> None:
    done = cli("capture", "--allow-private-network", "--no-pdf", site.url("/video-direct"))
    assert done.code == 0, done.err
    shown = json.loads(cli("show", "E-0001", "--json").out)
    names = {a["name"] for a in shown["artifacts"] if a["role"] == "attachment"}
    assert {n.rpartition(".")[2] for n in names} == {"webm", "mp4"}
    assert "saved whole" in cli("show", "E-0001").out
    done = cli("capture", "--allow-private-network", "--no-pdf", "--no-videos",
               site.url("/video-direct"))
    assert done.code == 0, done.err
    shown = json.loads(cli("show", "E-0002", "--json").out)
    assert not [a for a in shown["artifacts"] if a["role"] == "attachment"]
