"""The seam between deciding a watch runs and making its capture.

A :class:`Runner` makes one full, sealed capture of a watch's address and says which
item it became. Embedded mode has one: :class:`LocalRunner`, a headless Chromium on this
computer through the capture service (the settled, wall-aware capture, with its account
binding). Server mode (not built yet) adds another behind the same method: a
Procrastinate periodic job on a worker, whose result arrives encrypted to the case and
is then recorded with :func:`spoorvast.services.watch.service.record_run`, exactly like
a local run. Runs made while the vault is locked use ``unattended.InboxRunner``.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from spoorvast.model.records import Case
from spoorvast.services.watch.model import Watch
from spoorvast.storage.vault import Vault

if TYPE_CHECKING:  # the capture package loads Playwright: only when capturing
    from playwright.sync_api import BrowserContext

    from spoorvast.capture.browser import BrowserSession
    from spoorvast.capture.guard import Resolver
    from spoorvast.capture.options import CaptureOptions


class WatchRunFailed(Exception):
    """The capture of a run could not be made (the message says why, without content)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Runner(Protocol):
    def capture(self, case: Case, watch: Watch) -> str:
        """Capture ``watch.url`` into ``case``; the new item's label (E-0042), or
        :class:`WatchRunFailed`. A runner that only queues the capture (the inbox of a
        locked vault, a server job) returns "" and the run is recorded when it lands."""
        ...

    def close(self) -> None: ...


def default_options() -> CaptureOptions:
    from spoorvast.capture.options import CaptureOptions

    return CaptureOptions(timeout_seconds=60.0, load_timeout_seconds=20.0)


class LocalRunner:
    """Captures with one headless Chromium, started at the first run of a pass."""

    def __init__(self, vault: Vault, options: CaptureOptions | None = None,
                 session: BrowserSession | None = None,
                 resolve: Resolver | None = None) -> None:
        self.vault, self.options = vault, options or default_options()
        self._session, self._resolve = session, resolve
        self._stack = ExitStack()

    def _browser(self) -> BrowserSession:
        if self._session is None:
            from spoorvast.capture.browser import BrowserSession

            self._session = self._stack.enter_context(BrowserSession())
        return self._session

    def capture(self, case: Case, watch: Watch) -> str:
        from spoorvast.capture.guard import TargetRefused, system_resolve
        from spoorvast.capture.page import CaptureFailed
        from spoorvast.capture.service import CaptureService

        session = self._browser()
        assert session.info is not None
        options = replace(self.options, allow_private_network=watch.private
                          or self.options.allow_private_network)

        def open_context(har: Path, proxy: str) -> BrowserContext:
            return session.new_context(options, har, proxy)

        service = CaptureService(self.vault, case, options, session.info, open_context,
                                 session.playwright, self._resolve or system_resolve)
        try:
            return service.capture(watch.url).label
        except (TargetRefused, CaptureFailed) as exc:
            raise WatchRunFailed(exc.message) from exc

    def close(self) -> None:
        self._stack.close()
