"""What one visit produced and learnt, filled in while it runs (``page.py``) and read by
the files and findings made from it (``assemble.py``, ``record.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from spoorvast.capture import shots
from spoorvast.capture.certificates import SecurityLog
from spoorvast.capture.exchanges import Exchange
from spoorvast.capture.guard import PUBLIC_ONLY, Policy
from spoorvast.capture.navigation import Hop, MainResponse
from spoorvast.capture.probe import Probe
from spoorvast.capture.proxy import ProxyLog, Refusal
from spoorvast.capture.settle import Settled
from spoorvast.capture.videos import MediaLog, Saved
from spoorvast.model import instant
from spoorvast.model.records import Problem

Remote = tuple[str, int]


@dataclass
class Visit:
    """What one visit produced (bytes are evidence: never logged)."""

    requested_url: str
    started: instant.Instant
    main: MainResponse | None = None
    ended: instant.Instant | None = None
    title: str = ""
    full: shots.FullShot | None = None
    viewport_png: bytes | None = None
    mhtml: bytes | None = None
    pdf: bytes | None = None
    dom: bytes | None = None
    direct: Exchange | None = None
    main_body: bytes | None = None  # the page's own response body, from DevTools
    document_requests: list[str] = field(default_factory=list)
    har: bytes = b""
    navigations: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    in_flight: int = 0
    open_requests: dict[int, str] = field(default_factory=dict)  # id(request) → URL
    settled: Settled | None = None  # the state of the page when its files were taken
    seen: Probe | None = None  # what the page showed then (overlay, text, password form)
    changed_while_taken: bool = False  # its content differed after the files were taken
    retaken: bool = False  # the files were taken again (the first time it changed)
    changed_after_taken: str | None = None  # UTC: changed within the watch after them
    watched_after: float = 0.0  # seconds the page was watched after its files were taken
    taken: dict[str, str] = field(default_factory=dict)  # file name → UTC time it was made
    skipped: list[str] = field(default_factory=list)  # steps not made (a halted visit)
    policy: Policy = PUBLIC_ONLY
    proxy: Remote | None = None  # the guard proxy's own address (what Chromium sees)
    log: ProxyLog = field(default_factory=ProxyLog)
    security: SecurityLog = field(default_factory=SecurityLog)  # TLS of each origin
    media: MediaLog = field(default_factory=MediaLog)  # the videos the page played
    videos: Saved = field(default_factory=Saved)  # and what became of them
    barred: list[str] = field(default_factory=list)  # answers from barred addresses
    refused_navigation: tuple[str, Refusal] | None = None  # (url, why) of the page itself
    received: int = 0  # decoded bytes, as DevTools counts them
    over_budget: bool = False
    too_large: str | None = None  # a document (script, style sheet) past its own limit
    crashed: bool = False
    timed_out: bool = False
    deadline: float = float("inf")  # time.monotonic() at the visit's limit

    @property
    def hops(self) -> tuple[Hop, ...]:
        return self.main.hops if self.main else ()

    @property
    def blocked_hosts(self) -> list[str]:
        return sorted({f"{r.host}:{r.port}" for r in self.log.refused})

    def note_failed_navigation(self, url: str | None) -> None:
        """The page's own navigation failed: was it the guard? (the first one counts)"""
        if self.refused_navigation is not None or not self.log.refused:
            return
        wanted = host_port(url) if url else None
        found = [r for r in self.log.refused if wanted in (None, (r.host, r.port))]
        if found:
            refusal = found[-1]
            self.refused_navigation = (url or f"{refusal.host}:{refusal.port}", refusal)

    @property
    def halted(self) -> bool:
        return bool(self.barred or self.refused_navigation or self.crashed
                    or self.timed_out or self.over_budget or self.log.over_budget
                    or self.too_large)

    def served_by(self, url: str, reported: str | None) -> str | None:
        """The address that answered ``url``: the one the proxy connected to, when the
        answer came through it; else the one the browser reported."""
        host, port = host_port(url)
        return self.log.address_of(host, port) or reported


def host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return ((parts.hostname or "").strip("[]").lower(),
            port or (443 if parts.scheme == "https" else 80))

