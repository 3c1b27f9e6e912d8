"""``passphrase change --rekey`` in the browser: a new passphrase *and* a new data key,
the database and every stored file re-encrypted, as a job with progress.

The work is the CLI's (``storage/rekey.py``): the new vault is built beside the old one
in ``rekey-new/`` (a kill or a stop there leaves the old vault, old passphrase, as it
was; the folder is removed at the next open), then put in place by renames that the
next open finishes if the app dies in between. The app's own open vault is handed to
it through ``VaultSession.rebuild``, which holds every other use of the vault back
meanwhile (nothing may be written into the old files after they were copied) and
opens the new files for the same browser session at the end. A quick exit stops the
re-encryption at the next file (nothing changed); the lock button waits for it.
"""

from __future__ import annotations

import hmac

from spoorvast.errors import UserError, WrongPassphrase
from spoorvast.i18n import _
from spoorvast.storage import crypto, rekey
from spoorvast.storage import vault as vaultlib
from spoorvast.storage.sqlite import SqliteStore
from spoorvast.web import resumable
from spoorvast.web.jobs import Job, JobRegistry, Link
from spoorvast.web.session import VaultSession


class Stopped(UserError):
    """The re-encryption was stopped (a quick exit) before anything changed."""


def check_old(session: VaultSession, old: str) -> None:
    """The current passphrase, checked against the key file of the open vault."""
    with session.use() as vault:
        try:
            keyring = crypto.unlock_keyfile(vault.root / vaultlib.KEYFILE, old)
        except WrongPassphrase as exc:
            raise UserError(_("The current passphrase is not right; nothing was "
                              "changed.")) from exc
        if not hmac.compare_digest(keyring.data_key, vault.keyring.data_key):
            raise UserError(_("The current passphrase is not right; nothing was changed."))


def start(jobs: JobRegistry, session: VaultSession, new: str) -> Job:
    vaultlib.refuse_rekey_with_postgres(session.settings.vault_root)
    def work(job: Job) -> None:
        session.rebuild(lambda vault: _build(job, session, vault, new),
                        lambda: rekey.switch(session.settings.vault_root, vaultlib.REKEYED,
                                             vaultlib.LOOSE), new)
        job.lines.append(_("Passphrase changed and everything re-encrypted under a new "
                           "key: an old key file with the old passphrase opens nothing in "
                           "this vault any more."))
        job.lines.append(_("Copies of the vault made before (backups) still open with the "
                           "old passphrase: replace them with a new copy."))
        job.links.append(Link(_("Back to the settings"), "/settings"))

    return jobs.submit_alone("rekey", work)


def _build(job: Job, session: VaultSession, vault: vaultlib.Vault, new: str) -> None:
    params = crypto.keyfile_params(crypto.read_keyfile(vault.root / vaultlib.KEYFILE))
    assert isinstance(vault.store, SqliteStore)  # refused for PostgreSQL in start()
    # unfinished uploads are kept under a subkey of the old data key: the new key could
    # not read them back, so they go now (logged), not at the finish of an upload
    resumable.discard_all(vault, "re-encrypted")
    plan = rekey.plan(vault.store, vault.blobs)
    job.total = max(1, plan.work)

    def progress(nbytes: int) -> None:
        if session.exited or job.cancelled:
            raise Stopped(_("The re-encryption was stopped before it finished; nothing "
                            "changed: the vault still opens with the old passphrase."))
        job.done += nbytes

    rekey.build(vault.root, vault.store, vault.blobs, vault.keyring, new, params,
                vaultlib.DATABASE, vaultlib.KEYFILE, progress)
    job.done = job.total
