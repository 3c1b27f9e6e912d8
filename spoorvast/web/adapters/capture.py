"""Web capture (spoorvast/capture/): one browser visit per URL, sealed as one item."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from spoorvast.model.records import Case
from spoorvast.storage.vault import Vault
from spoorvast.web.adapters import present

TSA_SETTING = "capture.tsa_url"  # the same key the CLI uses


def available() -> bool:
    return present("spoorvast.capture.batch")


@dataclass(frozen=True, slots=True)
class Outcome:
    url: str
    label: str | None  # E-0007 when captured
    message: str  # why not, when it failed
    problems: tuple[str, ...] = ()  # finding messages


def capture(vault: Vault, case: Case, url: str, allow_private: bool,
            tsa_url: str | None, logged_in: bool = False) -> Outcome:
    from spoorvast.capture.batch import Failed, capture_all
    from spoorvast.capture.options import CaptureOptions
    from spoorvast.model.records import Finding
    from spoorvast.web import wording

    options = CaptureOptions(allow_private_network=allow_private, tsa_url=tsa_url or None,
                             logged_in=logged_in)
    outcome = capture_all(vault, case, options, [url])[0]
    if isinstance(outcome, Failed):
        return Outcome(url, None, outcome.message)
    problems = tuple(wording.finding(Finding(None, case.id or 0, None, p.severity, p.code,
                                             p.params)) for p in outcome.problems)
    return Outcome(url, outcome.label, "", problems)


def has_session(vault: Vault) -> bool:
    """A logged-in browser session was saved (``browser login``, or the web's form)."""
    if not present("spoorvast.capture.profile"):
        return False
    from spoorvast.capture import profile

    return profile.has_profile(vault)


def can_show_window() -> bool:
    """Whether a visible browser window can open here: Windows and macOS always; Linux
    and the BSDs only with a display (X11 or Wayland), not on a server or over SSH."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def login(vault: Vault, url: str | None) -> None:
    """Open a visible browser; when the person closes it, its session is sealed."""
    from spoorvast.capture import profile

    profile.login(vault, start_urls=(url,) if url else ())
