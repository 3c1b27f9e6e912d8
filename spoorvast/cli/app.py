"""The ``spoorvast`` command: a Typer app built by :func:`build_app`.

The app is built after the language is chosen (``--lang`` or ``SPOORVAST_LANG``) so that
help texts are translated too. :func:`main` turns every :class:`UserError` into one
translated sentence on stderr and its exit code; anything else is a bug, shown with a
traceback only under ``--debug`` (a traceback could quote evidence).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Annotated

import typer
from typer.exceptions import TyperException

from spoorvast import __version__
from spoorvast.cli import output
from spoorvast.errors import SpoorvastError, UserError
from spoorvast.i18n import _, pick_language, set_language

EXIT_BUG = 70

# More command modules, each with ``register(app: typer.Typer)``: one line per feature.
COMMAND_MODULES: list[str] = [
    "spoorvast.cli.cmd_chat",
    "spoorvast.cli.cmd_reread",
    "spoorvast.cli.cmd_workspace",
    "spoorvast.cli.cmd_parties",
    "spoorvast.cli.cmd_capture",
    "spoorvast.cli.cmd_ocr",
    "spoorvast.cli.cmd_email",
    "spoorvast.cli.cmd_dossier",
    "spoorvast.cli.cmd_ui",
    "spoorvast.cli.cmd_withdraw",
    "spoorvast.cli.cmd_watch",
    "spoorvast.cli.cmd_server",
    "spoorvast.cli.cmd_share",
    "spoorvast.cli.cmd_dropbox",
]


@dataclass
class Options:
    vault: Path | None = None
    passphrase_fd: int | None = None
    debug: bool = False


def build_app() -> typer.Typer:
    from spoorvast.cli import cmd_cases, cmd_items, cmd_vault

    app = typer.Typer(
        name="spoorvast", no_args_is_help=False, add_completion=False,
        help=_("Pin down online harassment evidence: capture, seal, verify, and make a "
               "complaint dossier for the police."),
        pretty_exceptions_enable=False, rich_markup_mode=None,
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
            cmd_vault.guided_start(ctx)

    for module in (cmd_vault, cmd_cases, cmd_items):
        module.register(app)
    for name in COMMAND_MODULES:
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
