"""A batch of captures: one browser, a fresh isolated context per URL (or the unpacked
logged-in profile, one launch per URL), results reported as they finish."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import BrowserContext

from spoorvast.capture import profile
from spoorvast.capture.browser import BrowserSession, context_args
from spoorvast.capture.guard import TargetRefused
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.page import CaptureFailed
from spoorvast.capture.service import CaptureResult, CaptureService
from spoorvast.model.records import Case
from spoorvast.storage.vault import Vault


@dataclass(frozen=True, slots=True)
class Failed:
    url: str
    message: str


Outcome = CaptureResult | Failed
Report = Callable[[str, Outcome], None]


def _factory(session: BrowserSession, options: CaptureOptions,
             profile_dir: Path | None) -> Callable[[Path, str], BrowserContext]:
    def open_context(har_path: Path, proxy: str) -> BrowserContext:
        if profile_dir is None:
            return session.new_context(options, har_path, proxy)
        return profile.launch_persistent(session, profile_dir, True,
                                         context_args(options, har_path, proxy,
                                                      session.info.user_agent
                                                      if session.info else None))

    return open_context


def capture_all(vault: Vault, case: Case, options: CaptureOptions, urls: Iterable[str],
                report: Report | None = None) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with ExitStack() as stack:
        session = stack.enter_context(BrowserSession())
        profile_dir = stack.enter_context(profile.unpacked(vault)) if options.logged_in \
            else None
        assert session.info is not None
        service = CaptureService(vault, case, options, session.info,
                                 _factory(session, options, profile_dir), session.playwright)
        for url in urls:
            outcome = _one(service, url)
            outcomes.append(outcome)
            if report is not None:
                report(url, outcome)
    return outcomes


def _one(service: CaptureService, url: str) -> Outcome:
    try:
        return service.capture(url)
    except (TargetRefused, CaptureFailed) as exc:
        return Failed(url, exc.message)


def read_url_file(text: str) -> Iterator[str]:
    """One URL a line; blank lines and lines starting with # are skipped."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield stripped
