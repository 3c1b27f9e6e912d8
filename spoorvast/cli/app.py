"""The ``spoorvast`` command: a Typer app built by :func:`build_app`.

The app is built after the language is chosen (``--lang`` or ``SPOORVAST_LANG``) so that
help texts are translated too. :func:`main` turns every :class:`UserError` into one
translated sentence on stderr and its exit code; anything else is a bug, shown with a
traceback only under ``--debug`` (a traceback could quote evidence).

Commands are loaded lazily: :data:`COMMANDS` names each command and the module whose
``register(app)`` adds it, and that module is imported only when its command runs (or
for the full ``spoorvast --help`` listing). Importing every command module at start
cost ≈0.5 s of CPU here (OCR, e-mail, chat importers …) for any command; ``spoorvast
dossier`` now imports only the dossier's own modules. Adding a command is one line in
:data:`COMMANDS` (``"watch": "spoorvast.cli.cmd_watch",``); a test fails when a
command module adds a command that is not listed, or when the lazy help differs from
the eager one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from spoorvast import __version__
from spoorvast.cli import ahead, output
from spoorvast.errors import SpoorvastError, UserError
from spoorvast.i18n import _, current_language, pick_language, set_language

if TYPE_CHECKING:  # typer's own copy of click
    from typer._click import Command, Context

EXIT_BUG = 70

# Every command, in the order ``spoorvast --help`` lists them -> the module whose
# ``register(app: typer.Typer)`` adds it. One line per command: a plain command goes
# before "passphrase", a command group (``app.add_typer``) at the end.
COMMANDS: dict[str, str] = {
    "init": "spoorvast.cli.cmd_vault",
    "verify": "spoorvast.cli.cmd_vault",
    "add": "spoorvast.cli.cmd_items",
    "items": "spoorvast.cli.cmd_items",
    "show": "spoorvast.cli.cmd_items",
    "export-original": "spoorvast.cli.cmd_items",
    "participants": "spoorvast.cli.cmd_chat",
    "search": "spoorvast.cli.cmd_chat",
    "mark": "spoorvast.cli.cmd_chat",
    "unmark": "spoorvast.cli.cmd_chat",
    "calls": "spoorvast.cli.cmd_chat",
    "reread": "spoorvast.cli.cmd_reread",
    "timeline": "spoorvast.cli.cmd_workspace",
    "patterns": "spoorvast.cli.cmd_workspace",
    "guidance": "spoorvast.cli.cmd_workspace",
    "identifiers": "spoorvast.cli.cmd_parties",
    "capture": "spoorvast.cli.cmd_capture",
    "ocr": "spoorvast.cli.cmd_ocr",
    "ocr-text": "spoorvast.cli.cmd_ocr",
    "proposals": "spoorvast.cli.cmd_ocr",
    "confirm": "spoorvast.cli.cmd_ocr",
    "reject": "spoorvast.cli.cmd_ocr",
    "correct": "spoorvast.cli.cmd_ocr",
    "harmful": "spoorvast.cli.cmd_ocr",
    "duplicates": "spoorvast.cli.cmd_ocr",
    "add-headers": "spoorvast.cli.cmd_email",
    "dossier": "spoorvast.cli.cmd_dossier",
    "verify-bundle": "spoorvast.cli.cmd_dossier",
    "ui": "spoorvast.cli.cmd_ui",
    "withdraw": "spoorvast.cli.cmd_withdraw",
    "restore": "spoorvast.cli.cmd_withdraw",
    "server": "spoorvast.cli.cmd_server",
    "worker": "spoorvast.cli.cmd_server",
    "passphrase": "spoorvast.cli.cmd_vault",
    "case": "spoorvast.cli.cmd_cases",
    "call": "spoorvast.cli.cmd_chat",
    "note": "spoorvast.cli.cmd_workspace",
    "checklist": "spoorvast.cli.cmd_workspace",
    "party": "spoorvast.cli.cmd_parties",
    "browser": "spoorvast.cli.cmd_capture",
    "watch": "spoorvast.cli.cmd_watch",
    "org": "spoorvast.cli.cmd_share",
}
# The command modules, each once, in the order above.
COMMAND_MODULES: list[str] = list(dict.fromkeys(COMMANDS.values()))
TYPER_SETTINGS: dict[str, Any] = {"add_completion": False, "pretty_exceptions_enable": False,
                                  "rich_markup_mode": None}


def commands_of(module: str) -> dict[str, Command]:
    """The click commands that ``module`` registers, by name, with their help in the
    current language."""
    return _commands_in(module, current_language())


@cache
def _commands_in(module: str, language: str) -> dict[str, Command]:
    app = typer.Typer(**TYPER_SETTINGS)
    import_module(module).register(app)
    return dict(typer.main.get_group(app).commands)


class LazyCommands(MutableMapping[str, "Command"]):
    """The root's commands: every name of :data:`COMMANDS` is listed at once (help,
    "Did you mean …?"), a command is built (its module imported) when looked up."""

    def __init__(self, eager: MutableMapping[str, Command]) -> None:
        self._eager = eager

    def __getitem__(self, name: str) -> Command:
        if name in self._eager:
            return self._eager[name]
        module = COMMANDS.get(name)
        found = commands_of(module).get(name) if module is not None else None
        if found is None:
            raise KeyError(name)
        return found

    def __setitem__(self, name: str, command: Command) -> None:
        self._eager[name] = command

    def __delitem__(self, name: str) -> None:
        del self._eager[name]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._eager, *COMMANDS]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*self._eager, *COMMANDS]))


class LazyGroup(TyperGroup):
    """The root group, over :class:`LazyCommands`."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.commands)

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)  # names only: the default would build every command


@dataclass
class Options:
    vault: Path | None = None
    passphrase_fd: int | None = None
    debug: bool = False


def build_app(eager_modules: Sequence[str] = ()) -> typer.Typer:
    """The app. With ``eager_modules``, those command modules are registered at once
    instead (as before lazy loading; the tests compare both)."""
    app = typer.Typer(
        name="spoorvast", no_args_is_help=False,
        cls=TyperGroup if eager_modules else LazyGroup,
        help=_("Pin down online harassment evidence: capture, seal, verify, and make a "
               "complaint dossier for the police."), **TYPER_SETTINGS,
    )

    @app.callback(invoke_without_command=True)
    def root(
        ctx: typer.Context,
        vault: Annotated[Path | None, typer.Option(
            "--vault", envvar="SPOORVAST_VAULT", help=_("The vault directory."))] = None,
        lang: Annotated[str | None, typer.Option(
            "--lang", help=_("Language of messages: nl, fr, de or en."))] = None,
        passphrase_fd: Annotated[int | None, typer.Option(
            "--passphrase-fd", help=_("Read the passphrase from this file descriptor."))] = None,
        debug: Annotated[bool, typer.Option(
            "--debug", help=_("Show a traceback on unexpected errors."))] = False,
        version: Annotated[bool, typer.Option("--version", help=_("Show the version."))] = False,
    ) -> None:
        ctx.obj = Options(vault, passphrase_fd, debug)
        if version:
            output.line(f"spoorvast {__version__}")
            raise typer.Exit(0)
        if ctx.invoked_subcommand is None:
            from spoorvast.cli import cmd_vault

            cmd_vault.guided_start(ctx)

    for name in eager_modules:
        import_module(name).register(app)
    return app


def _language_from_argv(argv: list[str]) -> str | None:
    """The global ``--lang`` (before the command name; ``case new --lang`` is the case's)."""
    args = iter(argv)
    for arg in args:
        if arg == "--lang":
            return next(args, None)
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg in ("--vault", "--passphrase-fd"):
            next(args, None)
        elif not arg.startswith("-"):
            return None
    return None


def _database_damage(exc: BaseException) -> UserError | None:
    if "sqlcipher3" not in sys.modules:  # not loaded: not a database error (stay light)
        return None
    from spoorvast.storage.sqlite import as_damage

    return as_damage(exc)


def run(argv: list[str]) -> int:
    """Run the CLI in-process; returns the exit code."""
    ahead.start(argv)  # first: Argon2id on the other core while the rest loads
    set_language(pick_language(_language_from_argv(argv)))
    debug = "--debug" in argv
    try:
        result = build_app()(argv, prog_name="spoorvast", standalone_mode=False)
    except UserError as exc:
        output.error(exc.message)
        return int(exc.exit_code)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except TyperException as exc:  # usage errors: typer's vendored click shows them
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            output.error(exc.format_message())
        return int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        output.error(_("Stopped. Nothing half-done was kept."))
        return 130
    except (SpoorvastError, Exception) as exc:
        if debug:
            raise
        damaged = _database_damage(exc)
        if damaged is not None:
            output.error(damaged.message)
            return int(damaged.exit_code)
        output.error(_("Something unexpected went wrong (a bug in spoorvast). Your evidence "
                       "is safe: nothing half-written was kept. Run the command again with "
                       "--debug to see the details."))
        return EXIT_BUG
    return result if isinstance(result, int) else 0


def main() -> None:
    from spoorvast.storage import scratch

    scratch.install_signal_cleanup()
    scratch.sweep()  # what a killed spoorvast left in memory or in an output folder
    sys.exit(run(sys.argv[1:]))
