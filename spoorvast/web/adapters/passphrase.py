"""Passphrase change while the app holds the vault open.

``storage.vault.change_passphrase`` opens the vault itself, which the app's own open
handle (holding the exclusive lock) would refuse. So this does the same two steps on
the open vault: re-wrap the key file (checking the old passphrase) and log it.
"""

from __future__ import annotations

from spoorvast.errors import UserError, WrongPassphrase
from spoorvast.i18n import _
from spoorvast.storage import crypto
from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.storage.vault import KEYFILE
from spoorvast.web.session import VaultSession


def change(session: VaultSession, old: str, new: str) -> None:
    with session.use() as vault:
        try:
            crypto.rewrap_keyfile(vault.root / KEYFILE, old, new)
        except WrongPassphrase as exc:
            raise UserError(_("The current passphrase is not right; nothing was changed.")) \
                from exc
        with vault.store.transaction() as tx:
            tx.log(VAULT_CHAIN, "vault.passphrase-changed", "vault", {})
