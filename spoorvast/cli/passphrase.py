"""Where the passphrase comes from, in this order:

1. ``--passphrase-fd N``: read one line from an inherited file descriptor;
2. ``SPOORVAST_PASSPHRASE_FILE``: the first line of that file;
3. ``SPOORVAST_PASSPHRASE``: the value itself (as restic's ``RESTIC_PASSWORD``);
4. a prompt on the terminal (twice when creating a vault).

The passphrase is never echoed, logged or put in an error message.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from spoorvast.errors import UserError
from spoorvast.i18n import _

MIN_LENGTH = 8


def _first_line(data: str) -> str:
    return data.split("\n", 1)[0].rstrip("\r")


def from_environment(fd: int | None) -> str | None:
    if fd is not None:
        with os.fdopen(fd, "r", encoding="utf-8", closefd=False) as handle:
            return _first_line(handle.readline())
    file = os.environ.get("SPOORVAST_PASSPHRASE_FILE")
    if file:
        try:
            return _first_line(Path(file).read_text(encoding="utf-8"))
        except OSError as exc:
            raise UserError(_("The passphrase file {path} cannot be read.")
                            .format(path=file)) from exc
    return os.environ.get("SPOORVAST_PASSPHRASE")


def interactive() -> bool:
    return sys.stdin.isatty() and os.environ.get("CI") != "true"


def ask(fd: int | None) -> str:
    given = from_environment(fd)
    if given is not None:
        return given
    if not interactive():
        raise UserError(_("No passphrase given. Type it at the prompt, or set "
                          "SPOORVAST_PASSPHRASE or SPOORVAST_PASSPHRASE_FILE."))
    return str(typer.prompt(_("Passphrase"), hide_input=True))


def ask_new(fd: int | None, prompt: str | None = None, env: str | None = None) -> str:
    given = os.environ.get(env) if env else from_environment(fd)
    if given is None:
        if not interactive():
            raise UserError(_("No passphrase given. Set {var}.").format(
                var=env or "SPOORVAST_PASSPHRASE"))
        given = str(typer.prompt(prompt or _("Choose a passphrase"), hide_input=True,
                                 confirmation_prompt=_("Repeat the passphrase")))
    if len(given) < MIN_LENGTH:
        raise UserError(_("The passphrase needs at least {n} characters. A few words "
                          "that only you know work well.").format(n=MIN_LENGTH))
    return given
