"""One visit: navigate, let the page settle, and take every artifact.

Nothing is injected into the page and nothing is clicked. The whole visit has a bounded
time (``CaptureOptions.timeout_seconds``). A step that fails (a PDF print, a screenshot)
becomes a Problem and the other steps go on; a visit that got no answer at all raises
:class:`CaptureFailed` and leaves nothing behind.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from playwright.sync_api import (
    BrowserContext,
    CDPSession,
    Page,
    Playwright,
    Request,
    Response,
    Route,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from spoorvast.capture import shots
from spoorvast.capture.exchanges import Exchange
from spoorvast.capture.guard import host_allowed
from spoorvast.capture.navigation import Hop, MainResponse, describe_response, fetch_direct
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.workdir import private_dir
from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model import instant
from spoorvast.model.records import Problem, Severity

T = TypeVar("T")
OpenContext = Callable[[Path], BrowserContext]
HTML_TYPES = ("text/html", "application/xhtml+xml", "")
BODY_BUFFER = 200 << 20


class CaptureFailed(UserError):
    """Nothing could be captured (no answer, DNS or TLS failure); exit 2."""


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
    blocked_hosts: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    in_flight: int = 0

    @property
    def hops(self) -> tuple[Hop, ...]:
        return self.main.hops if self.main else ()


def run_visit(open_context: OpenContext, url: str, options: CaptureOptions,
              zone: str, playwright: Playwright) -> Visit:
    visit = Visit(url, instant.now(zone))
    deadline = time.monotonic() + options.timeout_seconds
    with private_dir() as scratch:
        har_path = scratch / "visit.har"
        context = open_context(har_path)
        try:
            _drive(playwright, context, visit, options, deadline)
        finally:
            for page in context.pages:
                page.close()
            context.close()
        visit.har = har_path.read_bytes() if har_path.exists() else b""
    visit.ended = instant.now(zone)
    return visit


def _drive(playwright: Playwright, context: BrowserContext, visit: Visit,
           options: CaptureOptions, deadline: float) -> None:
    if not options.allow_private_network:
        _install_guard(context, visit)
    page = context.pages[0] if context.pages else context.new_page()
    cdp = context.new_cdp_session(page)
    _watch(page, visit)
    _follow_navigations(page, visit)
    _remember_documents(cdp, visit)
    response = _navigate(page, visit, options, deadline)
    visit.main = describe_response(response)
    if visit.main.media_type not in HTML_TYPES:
        visit.direct = _step(visit, "original",
                             lambda: fetch_direct(playwright, context, visit.main))
    _take_artifacts(page, cdp, visit, options, deadline)
    if visit.direct is None:
        visit.main_body = _step(visit, "original", lambda: _document_body(cdp, visit))


def _install_guard(context: BrowserContext, visit: Visit) -> None:
    cache: dict[str, bool] = {}

    def check(route: Route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if not host or host_allowed(host, cache):
            route.continue_()
        else:
            visit.blocked_hosts.append(host)
            route.abort("addressunreachable")

    context.route("**/*", check)


def _watch(page: Page, visit: Visit) -> None:
    def started(_request: Request) -> None:
        visit.in_flight += 1

    def done(_request: Request) -> None:
        visit.in_flight = max(0, visit.in_flight - 1)

    page.on("request", started)
    page.on("requestfinished", done)
    page.on("requestfailed", done)


def _remember_documents(cdp: CDPSession, visit: Visit) -> None:
    """DevTools keeps response bodies in its own buffer, also after the page replaced
    itself; note each main document's request id to read its body from there."""
    cdp.send("Network.enable", {"maxTotalBufferSize": BODY_BUFFER,
                                "maxResourceBufferSize": BODY_BUFFER // 2})

    def received(event: dict[str, object]) -> None:
        if event.get("type") == "Document" and event.get("frameId") is not None:
            visit.document_requests.append(str(event.get("requestId")))

    cdp.on("Network.responseReceived", received)


def _document_body(cdp: CDPSession, visit: Visit) -> bytes | None:
    if not visit.document_requests:
        return None
    answer = cdp.send("Network.getResponseBody", {"requestId": visit.document_requests[0]})
    text = str(answer.get("body", ""))
    return base64.b64decode(text) if answer.get("base64Encoded") else text.encode("utf-8")


def _follow_navigations(page: Page, visit: Visit) -> None:
    """Every document the main frame showed; more than one means it went elsewhere."""

    def navigated(frame: object) -> None:
        if frame is page.main_frame:
            visit.navigations.append(page.main_frame.url)

    page.on("framenavigated", navigated)


def _remaining_ms(deadline: float, at_most: float | None = None) -> float:
    left = max(0.1, deadline - time.monotonic())
    return 1000 * (left if at_most is None else min(left, at_most))


def _navigate(page: Page, visit: Visit, options: CaptureOptions, deadline: float) -> Response:
    limit = _remaining_ms(deadline, options.load_timeout_seconds)
    try:
        response = page.goto(visit.requested_url, wait_until="commit", timeout=limit)
    except PlaywrightTimeout as exc:
        raise CaptureFailed(_("{url} did not answer within {seconds} seconds; nothing was "
                              "captured.").format(url=visit.requested_url,
                                                  seconds=round(limit / 1000))) from exc
    except PlaywrightError as exc:
        raise CaptureFailed(_("{url} could not be opened ({reason}); nothing was captured.")
                            .format(url=visit.requested_url, reason=_net_reason(exc))) from exc
    if response is None:
        raise CaptureFailed(_("{url} could not be opened ({reason}); nothing was captured.")
                            .format(url=visit.requested_url, reason="no response"))
    _wait_for_load(page, visit, options, deadline)
    return response


def _net_reason(exc: PlaywrightError) -> str:
    message = str(exc.message or "")
    for word in message.replace("\n", " ").split():
        if word.startswith("net::"):
            return word.removeprefix("net::")
    return "browser error"


def _wait_for_load(page: Page, visit: Visit, options: CaptureOptions, deadline: float) -> None:
    limit = _remaining_ms(deadline, options.load_timeout_seconds)
    try:
        page.wait_for_load_state("load", timeout=limit)
    except PlaywrightTimeout:
        visit.problems.append(Problem(Severity.WARNING, "capture.load-timeout",
                                      (("seconds", str(round(limit / 1000))),)))
    except PlaywrightError:
        pass  # the page navigated on its own while loading; followed below


def _step(visit: Visit, name: str, action: Callable[[], T]) -> T | None:
    """One artifact step; a failure is recorded and the capture goes on."""
    try:
        return action()
    except (PlaywrightError, KeyError, ValueError) as exc:
        reason = exc.message if isinstance(exc, PlaywrightError) else type(exc).__name__
        visit.problems.append(Problem(Severity.WARNING, "capture.step-failed",
                                      (("step", name), ("error", _short(reason)))))
        return None


def _short(reason: str) -> str:
    first = (reason or "").strip().splitlines()[0] if reason else ""
    return first[:120]


def _take_artifacts(page: Page, cdp: CDPSession, visit: Visit, options: CaptureOptions,
                    deadline: float) -> None:
    html = visit.main is not None and visit.main.media_type in HTML_TYPES
    if html:
        lowest = _step(visit, "scroll", lambda: shots.scroll_through(
            page, cdp, options.viewport_height, options.height_cap, deadline)) or 0
        _settle(page, visit, options, deadline)
        _step(visit, "scroll", lambda: shots.scroll_to_top(page, cdp, lowest))
    visit.title = _step(visit, "title", page.title) or ""
    if not html:  # the original bytes are the evidence; screenshots of Chromium's own
        return    # viewer add nothing (and can leave its stream open: a hang on close)
    visit.viewport_png = _step(visit, "viewport-screenshot", lambda: shots.viewport_png(cdp))
    visit.dom = _step(visit, "dom", lambda: page.content().encode("utf-8"))
    visit.mhtml = _step(visit, "mhtml", lambda: shots.mhtml(cdp))
    visit.full = _step(visit, "full-screenshot", lambda: shots.full_png(cdp, options.height_cap))
    if options.pdf and time.monotonic() < deadline:
        visit.pdf = _step(visit, "pdf", lambda: page.pdf(print_background=True))


def _settle(page: Page, visit: Visit, options: CaptureOptions, deadline: float) -> None:
    """Wait (briefly, bounded) for the requests scrolling started."""
    until = min(deadline, time.monotonic() + options.settle_seconds)
    while visit.in_flight > 0 and time.monotonic() < until:
        page.wait_for_timeout(25)
