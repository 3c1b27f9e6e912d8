"""While the web app has the vault unlocked, seal what the browser extension adds to the
inbox as it arrives, so the extension can say "sealed as E-0042" at once.

The agent marks its presence in the inbox folder (``inbox/agent``, an empty file): the
host then waits a little for the entry's receipt instead of answering "kept in the
inbox". It seals on its own vault handle (like a job), one entry batch at a time, and
removes the mark when the vault is locked or the app ends.
"""

from __future__ import annotations

import threading

from spoorvast.errors import UserError
from spoorvast.storage import inbox
from spoorvast.storage.vault import Vault
from spoorvast.web.session import Locked, VaultSession

INTERVAL = 0.5  # seconds between looks at the inbox folder (a directory listing)


class InboxAgent:
    def __init__(self, session: VaultSession, interval: float = INTERVAL) -> None:
        self.session, self.interval = session, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="spoorvast-inbox",
                                        daemon=True)
        session.after_open(self._opened)
        session.before_close(self._closing)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _opened(self, vault: Vault) -> None:
        """At an unlock: make the inbox keys of a vault that has none, and mark the
        agent present (a changed inbox key file is named by the next CLI command)."""
        try:
            inbox.ensure_keys(vault.root, vault.keyring)
        except UserError:
            return
        inbox.set_agent(vault.root, True)

    def _closing(self, vault: Vault) -> None:
        inbox.set_agent(vault.root, False)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if self.session.unlocked:
                self.seal_waiting()

    def seal_waiting(self) -> None:
        try:
            with self.session.use() as vault:
                if not inbox.entries(vault.root):
                    return
            handle = self.session.job_handle()
        except Locked:
            return
        try:
            from spoorvast.services.browser_capture import drain

            drain(handle)
        except UserError:
            return  # the inbox key file changed: the next CLI command names it
        finally:
            handle.close()
