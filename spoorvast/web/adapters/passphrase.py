"""Passphrase change while the app holds the vault open.

``storage.vault.change_passphrase`` opens the vault itself, which the app's own open
handle (holding the exclusive lock) would refuse. So this runs the same atomic change
(``change_passphrase_open``: new key file beside the old, custody entry, rename) on the
open vault.
"""

from __future__ import annotations

from spoorvast.errors import UserError, WrongPassphrase
from spoorvast.i18n import _
from spoorvast.storage import vault as vaultlib
from spoorvast.web.session import VaultSession


def change(session: VaultSession, old: str, new: str) -> None:
    with session.use() as vault:
        try:
            vaultlib.change_passphrase_open(vault, old, new)
        except WrongPassphrase as exc:
            raise UserError(_("The current passphrase is not right; nothing was changed.")) \
                from exc
