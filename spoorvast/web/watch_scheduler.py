"""While the app runs with the vault unlocked, run the due watches in the background.

A thread looks every :data:`INTERVAL` seconds (with jitter, so looks do not come at
fixed moments); when a watch is due it runs one pass on its own vault handle (like a
job), through the same service and runner as ``spoorvast watch run``, so the politeness
rules (interval, jitter, per-site gap, back-off, one pass per vault at a time) are the
same. At each unlock it first seals and compares what locked runs left in the watch
inbox. A lock ends the pass after the capture under way (its own handle stays valid
until then). A pass that fails unexpectedly is left to the next look (the runner turns
capture failures into back-off; nothing is logged: a message could quote a page).
"""

from __future__ import annotations

import random
import threading
import time

from spoorvast.errors import UserError
from spoorvast.services.watch import store
from spoorvast.services.watch.waiting import drain_if_waiting, waiting
from spoorvast.storage.vault import Vault
from spoorvast.web.session import Locked, VaultSession

INTERVAL = 60.0  # seconds between looks at the watches
JITTER = 20.0


class WatchScheduler:
    def __init__(self, session: VaultSession, interval: float = INTERVAL) -> None:
        self.session, self.interval = session, interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._rng = random.SystemRandom()
        self._thread = threading.Thread(target=self._run, name="spoorvast-watch",
                                        daemon=True)
        session.after_open(self._opened)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=60)

    def wake(self) -> None:
        """Look now (a watch was asked to run now)."""
        self._wake.set()

    def _opened(self, vault: Vault) -> None:
        self._wake.set()  # look at once: the inbox, and watches due while locked

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval + self._rng.uniform(0.0, JITTER))
            self._wake.clear()
            if not self._stop.is_set() and self.session.unlocked:
                try:
                    self.look()
                except Exception:  # the thread's boundary: the next look tries again;
                    continue  # nothing is logged (a message could quote a page)

    def look(self) -> None:
        """Seal what waits in the watch inbox, then run the due watches."""
        try:
            with self.session.use() as vault:
                due = waiting(vault.root) or any(
                    not w.paused and w.server is None and w.next_due <= time.time()
                    for w in store.watches(vault))
            if not due:
                return
            handle = self.session.job_handle()
        except Locked:
            return
        try:
            self._pass(handle)
        except UserError:
            return  # said by the next CLI command or page that meets it
        finally:
            handle.close()

    def _pass(self, vault: Vault) -> None:
        from spoorvast.services.watch import service, unattended
        from spoorvast.services.watch.runner import LocalRunner

        drain_if_waiting(vault)
        runner = LocalRunner(vault)
        try:
            service.run_pass(vault, runner, rng=self._rng, sleep=self._stop.wait,
                             stopped=lambda: self._stop.is_set() or not self.session.unlocked)
        finally:
            runner.close()
        unattended.sync_schedule(vault)
