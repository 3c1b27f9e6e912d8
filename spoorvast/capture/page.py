"""One visit: navigate, let the page settle, and take every artifact.

Nothing is injected into the page's own world and nothing is clicked (what the page
shows is read in an isolated world of its own, ``probe.py``, where a change counter is
installed at document start). After the load event the visit waits for the
page to settle (``settle.py``: a minimum dwell, then no open request and no change for a
quiet moment, up to a ceiling); what was still open or changing, and when each file was
made, go into the record. Every connection goes through
the visit's guard proxy (``proxy.py``), which refuses barred addresses at connect time.
The whole visit has a bounded time (``CaptureOptions.timeout_seconds``; a watchdog kills
the renderer past it) and a bounded size (``CaptureOptions.max_bytes``). A step that fails
(a PDF print, a screenshot) becomes a Problem and the other steps go on. A visit that
was *halted* (its page led to a refused address, the renderer crashed, the limit of time
or size was reached) takes no further step; ``stops.py`` says why. A visit that got no
answer at all raises :class:`CaptureFailed` and leaves nothing behind. The files are
taken in ``taking.py``; the TLS chains are asked for before the page closes
(``certificates.py``) and the page's videos are fetched after it (``videos.py``).
"""

from __future__ import annotations

import base64
import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import (
    BrowserContext,
    CDPSession,
    Page,
    Playwright,
    Request,
    Response,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from spoorvast.capture.guard import PUBLIC_ONLY, Policy, Resolver, system_resolve
from spoorvast.capture.navigation import describe_response, fetch_direct
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.probe import isolated_world, watch_mutations
from spoorvast.capture.proxy import GuardProxy
from spoorvast.capture.taking import HTML_TYPES, short, step, take_artifacts
from spoorvast.capture.videos import save_videos
from spoorvast.capture.visit import Remote, host_port
from spoorvast.capture.visit import Visit as Visit  # where the other modules find it
from spoorvast.capture.watch import Watchdog, check_answers, count_bytes
from spoorvast.capture.workdir import private_dir
from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model import instant
from spoorvast.model.records import Problem, Severity

OpenContext = Callable[[Path, str], BrowserContext]  # (HAR path, proxy server)
LOAD_SLICE_MS = 250.0  # how often waiting for the load event looks whether to stop


class CaptureFailed(UserError):
    """Nothing could be captured (no answer, DNS or TLS failure); exit 2."""


def run_visit(open_context: OpenContext, url: str, options: CaptureOptions, zone: str,
              playwright: Playwright, policy: Policy = PUBLIC_ONLY,
              resolve: Resolver = system_resolve) -> Visit:
    deadline = time.monotonic() + options.timeout_seconds
    visit = Visit(url, instant.now(zone), policy=policy, deadline=deadline)
    with private_dir() as scratch, GuardProxy(policy, resolve, options.max_bytes) as proxy:
        visit.log, visit.proxy = proxy.log, _address(proxy.server)
        har_path = scratch / "visit.har"
        context = open_context(har_path, proxy.server)
        try:
            with Watchdog(deadline, _browser_pid(context), lambda: _time_up(visit)):
                _drive(playwright, context, visit, (options, deadline), proxy)
        except PlaywrightError as exc:  # the browser failed outside any step
            _failed_outside_steps(visit, exc)
        finally:
            _close(context)
        visit.har = har_path.read_bytes() if har_path.exists() else b""
    if options.videos and visit.media.cookies is not None:
        visit.videos = save_videos(playwright, visit.media, policy, resolve,
                                   (options.max_video_bytes, options.video_timeout_seconds))
    visit.ended = instant.now(zone)
    return visit


def _failed_outside_steps(visit: Visit, exc: PlaywrightError) -> None:
    """Before the page's answer: nothing to keep (CaptureFailed). After it: what was made
    is kept, with the failure (a crash is said as one)."""
    reason = short(str(exc.message or ""))
    if visit.main is None:
        raise CaptureFailed(_("{url} could not be captured: the browser failed ({reason}); "
                              "nothing was captured.").format(url=visit.requested_url,
                                                              reason=reason)) from exc
    if "crash" in reason.lower():
        visit.crashed = True
    else:
        visit.problems.append(Problem(Severity.WARNING, "capture.step-failed",
                                      (("step", "browser"), ("error", reason))))


def _address(server: str) -> Remote:
    parts = urlsplit(server)
    return parts.hostname or "", parts.port or 0


def _time_up(visit: Visit) -> None:
    visit.timed_out = True


def _close(context: BrowserContext) -> None:
    """Close the pages and the context (a crashed page may refuse; the context closes)."""
    for page in context.pages:
        try:
            page.close()
        except PlaywrightError:
            continue
    with contextlib.suppress(PlaywrightError):  # a crashed browser: the HAR may be
        context.close()                         # missing; the findings say why


def _browser_pid(context: BrowserContext) -> int:
    """The browser's own process (its renderers are what the watchdog kills); this
    process when Chromium does not say (a persistent context)."""
    if context.browser is None:
        return os.getpid()
    cdp = context.browser.new_browser_cdp_session()
    try:
        info = cdp.send("SystemInfo.getProcessInfo")
    except PlaywrightError:
        return os.getpid()
    finally:
        cdp.detach()
    found = [p.get("id") for p in info.get("processInfo", []) if p.get("type") == "browser"]
    return int(found[0]) if found and isinstance(found[0], int) else os.getpid()


Limits = tuple[CaptureOptions, float]  # the options and the visit's deadline


def _drive(playwright: Playwright, context: BrowserContext, visit: Visit, limits: Limits,
           proxy: GuardProxy) -> None:
    options, deadline = limits
    page = context.pages[0] if context.pages else context.new_page()
    cdp = context.new_cdp_session(page)
    with contextlib.suppress(PlaywrightError):  # a crashed page: the findings say so
        watch_mutations(cdp)
    _watch(page, visit)
    _follow_navigations(page, visit)
    _remember_documents(cdp, visit, options.max_bytes)
    visit.security.watch(cdp)
    visit.media.watch(cdp)
    check_answers(cdp, visit, proxy)
    count_bytes(cdp, visit, proxy, options)
    response = _navigate(page, visit, options, deadline)
    if response is None:
        return
    if visit.barred:
        return  # not even the headers of an answer from a barred address are kept
    try:
        main = describe_response(response)
    except PlaywrightError:
        return  # crashed or cut off right after the answer: the findings say so
    address = visit.served_by(main.url, main.server_ip)
    visit.main = replace(main, server_ip=address, server_port=host_port(main.url)[1]) \
        if (main.server_ip, main.server_port) == visit.proxy else main
    if visit.main.media_type not in HTML_TYPES:
        visit.direct = step(visit, "original",
                             lambda: fetch_direct(playwright, context, visit.main,
                                                        proxy.server))
    if visit.direct is None and not visit.halted:  # the page's own bytes first: they
        with contextlib.suppress(PlaywrightError):  # matter most, and a page that hangs
            visit.main_body = _document_body(cdp, visit)  # a later step keeps them
    take_artifacts(page, cdp, visit, options, deadline)
    if visit.direct is None and visit.main_body is None:  # still streaming before
        visit.main_body = step(visit, "original", lambda: _document_body(cdp, visit))
    if not (visit.crashed or visit.timed_out):  # a dead renderer would never answer
        visit.security.fetch_chains(cdp)
        _note_videos(context, cdp, visit)


def _note_videos(context: BrowserContext, cdp: CDPSession, visit: Visit) -> None:
    """The page's <video> addresses, and what fetching them again needs (its cookies)."""
    if visit.halted or visit.main is None:
        return
    with contextlib.suppress(PlaywrightError, ValueError, KeyError):
        visit.media.read_dom(cdp, isolated_world(cdp))
    if visit.media.candidates():
        with contextlib.suppress(PlaywrightError):
            visit.media.cookies = context.storage_state()
            visit.media.referer = visit.main.url


def _watch(page: Page, visit: Visit) -> None:
    def started(request: Request) -> None:
        visit.in_flight += 1
        visit.open_requests[id(request)] = request.url

    def done(request: Request) -> None:
        visit.in_flight = max(0, visit.in_flight - 1)
        visit.open_requests.pop(id(request), None)

    def failed(request: Request) -> None:
        done(request)
        if request.is_navigation_request() and request.frame.parent_frame is None:
            visit.note_failed_navigation(request.url)

    def crashed(_page: Page) -> None:
        visit.crashed = True

    page.on("request", started)
    page.on("requestfinished", done)
    page.on("requestfailed", failed)
    page.on("crash", crashed)


def _remember_documents(cdp: CDPSession, visit: Visit, budget: int) -> None:
    """DevTools keeps response bodies in its own buffer, also after the page replaced
    itself; note each main document's request id to read its body from there."""
    cdp.send("Network.enable", {"maxTotalBufferSize": budget,
                                "maxResourceBufferSize": budget})

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


def _navigate(page: Page, visit: Visit, options: CaptureOptions,
              deadline: float) -> Response | None:
    """The page's response; None when the guard (or a crash) stopped the visit."""
    limit = _remaining_ms(deadline, options.load_timeout_seconds)
    try:
        response = page.goto(visit.requested_url, wait_until="commit", timeout=limit)
    except PlaywrightTimeout as exc:
        raise CaptureFailed(_("{url} did not answer within {seconds} seconds; nothing was "
                              "captured.").format(url=visit.requested_url,
                                                  seconds=round(limit / 1000))) from exc
    except PlaywrightError as exc:
        if "SOCKS" in str(exc.message or ""):
            visit.note_failed_navigation(None)
        if visit.refused_navigation or visit.barred:
            return None  # a stopped visit: service.py stores the record and a finding
        if visit.crashed:
            raise CaptureFailed(_("The browser's page process crashed while opening {url} "
                                  "(the page may use too much memory); nothing was "
                                  "captured.").format(url=visit.requested_url)) from exc
        raise CaptureFailed(_("{url} could not be opened ({reason}); nothing was captured.")
                            .format(url=visit.requested_url,
                                    reason=_net_reason(exc, visit))) from exc
    if response is None:
        raise CaptureFailed(_("{url} could not be opened ({reason}); nothing was captured.")
                            .format(url=visit.requested_url, reason="no response"))
    _wait_for_load(page, visit, options, deadline)
    return response


def _net_reason(exc: PlaywrightError, visit: Visit) -> str:
    """Chromium's reason; for a connection the guard proxy could not make (Chromium only
    says SOCKS_CONNECTION_FAILED), the proxy's own."""
    message = str(exc.message or "")
    for word in message.replace("\n", " ").split():
        if word.startswith("net::"):
            reason = word.removeprefix("net::")
            failed = list(visit.log.failed.values())
            return failed[-1] if "SOCKS" in reason and failed else reason
    return "browser error"


def _wait_for_load(page: Page, visit: Visit, options: CaptureOptions, deadline: float) -> None:
    """Until the load event, the load limit, or the visit was halted (cut off)."""
    limit = _remaining_ms(deadline, options.load_timeout_seconds)
    until = time.monotonic() + limit / 1000
    while not visit.halted:
        try:
            page.wait_for_load_state("load", timeout=min(LOAD_SLICE_MS, limit))
            return
        except PlaywrightTimeout:
            if time.monotonic() >= until:
                visit.problems.append(Problem(Severity.WARNING, "capture.load-timeout",
                                              (("seconds", str(round(limit / 1000))),)))
                return
        except PlaywrightError as exc:
            # a crashed page: no DevTools call may wait on it (the dead renderer never
            # answers); else it navigated on its own while loading, followed below
            visit.crashed = visit.crashed or "crash" in str(exc.message or "").lower()
            return
