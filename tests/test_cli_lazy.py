"""The CLI loads a command's module only when that command runs, and says exactly what
the eagerly built CLI says (every help page, in every language)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup

from spoorvast.cli import app as cli_app
from spoorvast.i18n import LANGUAGES, in_language

CLI_DIR = Path(cli_app.__file__).parent
# The order in which the CLI registered its modules before lazy loading.
EAGER_ORDER = ["spoorvast.cli.cmd_vault", "spoorvast.cli.cmd_cases", "spoorvast.cli.cmd_items",
               "spoorvast.cli.cmd_chat", "spoorvast.cli.cmd_reread",
               "spoorvast.cli.cmd_workspace", "spoorvast.cli.cmd_parties",
               "spoorvast.cli.cmd_capture", "spoorvast.cli.cmd_ocr", "spoorvast.cli.cmd_email",
               "spoorvast.cli.cmd_dossier", "spoorvast.cli.cmd_ui", "spoorvast.cli.cmd_withdraw"]


def command_paths(group: TyperGroup, ctx: typer.Context,
                  prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        found.append((*prefix, name))
        if isinstance(command, TyperGroup):
            found.extend(command_paths(command, ctx, (*prefix, name)))
    return found


def help_text(command: TyperGroup, path: tuple[str, ...],
              capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    with pytest.raises(SystemExit) as stop:
        command([*path, "--help"], prog_name="spoorvast", standalone_mode=True)
    assert stop.value.code == 0
    return capsys.readouterr().out


def test_every_command_module_is_listed() -> None:
    """A command module whose command is missing from COMMANDS would vanish from the
    CLI: every ``cmd_*.py`` with ``register`` is listed, and registers exactly the names
    listed for it."""
    modules = {f"spoorvast.cli.{p.stem}" for p in CLI_DIR.glob("cmd_*.py")
               if "def register(" in p.read_text("utf-8")}
    assert modules == set(cli_app.COMMAND_MODULES)
    for module in modules:
        listed = {name for name, owner in cli_app.COMMANDS.items() if owner == module}
        assert set(cli_app.commands_of(module)) == listed, module


@pytest.mark.parametrize("language", LANGUAGES)
def test_lazy_help_is_the_eager_help(language: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    with in_language(language):
        order = [*EAGER_ORDER, *(m for m in cli_app.COMMAND_MODULES if m not in EAGER_ORDER)]
        lazy = typer.main.get_command(cli_app.build_app())
        eager = typer.main.get_command(cli_app.build_app(order))
        assert isinstance(lazy, TyperGroup) and isinstance(eager, TyperGroup)
        paths = command_paths(lazy, typer.Context(lazy))
        assert ("dossier",) in paths and ("party", "id") in paths
        for path in [(), *paths]:
            assert help_text(lazy, path, capsys) == help_text(eager, path, capsys), path


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_app.run(["no-such-command"]) == 2
    assert "no-such-command" in capsys.readouterr().err
    assert cli_app.run(["dosier"]) == 2  # the suggestions know every command, unloaded
    assert "Did you mean 'dossier'" in capsys.readouterr().err


@pytest.mark.slow
def test_a_command_imports_only_its_own_module() -> None:
    """``spoorvast dossier --help`` loads neither OCR, nor e-mail, nor chat importers."""
    probe = ("import sys\nfrom spoorvast.cli.app import run\nrun(['dossier', '--help'])\n"
             "print(sorted(m for m in sys.modules if m.startswith('spoorvast.cli.cmd_')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "['spoorvast.cli.cmd_dossier']"
