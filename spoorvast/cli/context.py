"""Opening the vault for a command."""

from __future__ import annotations

from pathlib import Path

import typer

from spoorvast.cli import passphrase
from spoorvast.storage import vault as vaultlib


def options(ctx: typer.Context) -> object:
    return ctx.find_root().obj


def vault_path(ctx: typer.Context) -> Path:
    opts = ctx.find_root().obj
    return opts.vault if opts.vault is not None else vaultlib.default_location()


def open_vault(ctx: typer.Context, *, writable: bool = True,
               check_anchor: bool = True) -> vaultlib.Vault:
    path = vault_path(ctx)
    if not vaultlib.is_vault(path):
        return vaultlib.open_vault(path, "", writable=writable)  # raises VaultNotFound
    secret = passphrase.ask(ctx.find_root().obj.passphrase_fd)
    vault = vaultlib.open_vault(path, secret, writable=writable, check_anchor=check_anchor)
    from spoorvast.cli.browser_host import drain_at_open, mention_waiting
    from spoorvast.services.watch.waiting import drain_if_waiting

    if not writable:
        mention_waiting(vault)
        return vault
    try:
        drain_at_open(vault)  # captures the browser extension left in the inbox
        drain_if_waiting(vault)  # captures watches made while the vault was locked
    except BaseException:
        vault.close()
        raise
    return vault
