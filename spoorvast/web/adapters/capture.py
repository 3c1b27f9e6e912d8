"""Web capture (spoorvast/capture/): one browser visit per URL, sealed as one item."""

from __future__ import annotations

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
            tsa_url: str | None) -> Outcome:
    from spoorvast.capture.batch import Failed, capture_all
    from spoorvast.capture.options import CaptureOptions
    from spoorvast.findings import render
    from spoorvast.model.records import Finding

    options = CaptureOptions(allow_private_network=allow_private, tsa_url=tsa_url or None)
    outcome = capture_all(vault, case, options, [url])[0]
    if isinstance(outcome, Failed):
        return Outcome(url, None, outcome.message)
    problems = tuple(render(Finding(None, case.id or 0, None, p.severity, p.code, p.params))
                     for p in outcome.problems)
    return Outcome(url, outcome.label, "", problems)
