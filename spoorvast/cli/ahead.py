"""The vault's Argon2id derivation started before the CLI has loaded a command.

Unlocking derives the wrapping key with Argon2id (≈0.2 s of one core here, parameters
unchanged). For the commands in :data:`UNLOCK_AHEAD` it starts in a thread
(``crypto.derive_ahead``; argon2-cffi releases the GIL) the moment the CLI starts, so
that it runs on the other core while Typer builds the app and the command's modules
load (≈0.3 s for ``dossier``); the unlock then takes the result. Only when the
passphrase is in the environment: one given on a file descriptor or typed at the prompt
is read by the command, as always. The global options are read here from ``argv`` the
way the root command takes them; when this reading and the command's differ (another
vault, another passphrase) the result is simply not used.
"""

from __future__ import annotations

import os
from pathlib import Path

from spoorvast.errors import UserError

UNLOCK_AHEAD = frozenset({"dossier"})
VALUED = ("--vault", "--lang", "--passphrase-fd")  # the root's options that take a value


def global_options(argv: list[str]) -> tuple[dict[str, str], str | None, list[str]]:
    """The root's valued options, the command name (None for none or help/version) and
    the arguments after it."""
    given: dict[str, str] = {}
    args = iter(argv)
    for arg in args:
        name, equals, value = arg.partition("=")
        if name in VALUED:
            found = value if equals else next(args, None)
            if found is None:
                return given, None, []
            given[name] = found
        elif arg in ("--help", "--version"):
            return given, None, []
        elif not arg.startswith("-"):
            return given, arg, list(args)
    return given, None, []


def vault_root(given: dict[str, str]) -> Path:
    """The vault the command will open: ``--vault``, else ``SPOORVAST_VAULT`` (as the
    root option reads it), else the default location."""
    named = given.get("--vault") or os.environ.get("SPOORVAST_VAULT")
    if named:
        return Path(named)
    from spoorvast.storage.vault import default_location

    return default_location()


def start(argv: list[str]) -> None:
    given, command, rest = global_options(argv)
    if command not in UNLOCK_AHEAD or "--help" in rest or "--passphrase-fd" in given:
        return
    from spoorvast.cli.passphrase import from_environment

    try:
        secret = from_environment(None)
    except UserError:  # an unreadable passphrase file: the command reports it
        return
    if secret is None:
        return
    from spoorvast.storage.crypto import derive_ahead
    from spoorvast.storage.vault import KEYFILE

    derive_ahead(vault_root(given) / KEYFILE, secret)
