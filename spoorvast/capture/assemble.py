"""A finished visit → the files to seal (bytes with role, name and media type), the WACZ
built from every HTTP exchange of the visit, and the findings the visit implies."""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from spoorvast import __version__
from spoorvast.capture import shots
from spoorvast.capture.browser import BrowserInfo
from spoorvast.capture.draft import Draft
from spoorvast.capture.exchanges import Exchange, main_document, read_har, with_original
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.visit import Visit, host_port
from spoorvast.capture.wacz import PackageInfo, PageEntry, build_wacz, check_wacz
from spoorvast.capture.warc import write_warc
from spoorvast.model.records import ArtifactRole, Location, Problem, Severity

REMOVED_STATUSES = (404, 410, 451)
MEDIA_SUFFIX = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg",
                "image/gif": ".gif", "image/webp": ".webp", "video/mp4": ".mp4",
                "text/html": ".html", "application/xhtml+xml": ".xhtml"}


def original_of(visit: Visit, exchanges: list[Exchange]) -> Exchange | None:
    if visit.direct is not None:
        return visit.direct
    found = main_document(exchanges, visit.main.url) if visit.main else None
    if found is not None and not found.body and visit.main_body:
        return replace(found, body=visit.main_body)  # the HAR lost it (page went away)
    return found


def _original_name(exchange: Exchange) -> str:
    stem = PurePosixPath(urlsplit(exchange.url).path).name or "page"
    suffix = MEDIA_SUFFIX.get(exchange.media_type, "")
    return stem if not suffix or stem.lower().endswith(suffix) else stem + suffix


def _lost(visit: Visit, original: Exchange | None) -> bool:
    """The page replaced itself before its own bytes could be read (a finding says so):
    store no empty stand-in as if it were the original."""
    failed = any(p.code == "capture.step-failed" and ("step", "original") in p.params
                 for p in visit.problems)
    return original is not None and not original.body and failed


def drafts_of(visit: Visit, exchanges: list[Exchange]) -> list[Draft]:
    """The page's own files; none when an answer came from a barred address (they could
    show what it sent)."""
    if visit.barred:
        return []
    original = original_of(visit, exchanges)
    if _lost(visit, original) or (original is not None and not original.body
                                  and visit.halted):
        original = None  # cut off or crashed before its bytes were read
    found = [
        (ArtifactRole.ORIGINAL, _original_name(original) if original else "",
         original.media_type if original else "", original.body if original else None),
        (ArtifactRole.SCREENSHOT, "full-page.png", "image/png",
         visit.full.png if visit.full else None),
        (ArtifactRole.SCREENSHOT, "viewport.png", "image/png", visit.viewport_png),
        (ArtifactRole.MHTML, "page.mhtml", "multipart/related", visit.mhtml),
        (ArtifactRole.PDF, "page.pdf", "application/pdf", visit.pdf),
        (ArtifactRole.DOM, "dom.html", "text/html", visit.dom),
    ]
    if visit.full is not None:  # a tall page: the tiles under the first
        found += [(ArtifactRole.SCREENSHOT, shots.tile_name(n), "image/png", tile.png)
                  for n, tile in enumerate(visit.full.tiles) if n > 0]
    return [Draft(role, name, media or "application/octet-stream", data)
            for role, name, media, data in found if data is not None]


def _guarded(visit: Visit, exchanges: list[Exchange]) -> list[Exchange]:
    """Each exchange with the address that served it (the guard proxy's connection, not
    the proxy); one from an address the visit's policy bars is left out, and noted."""
    kept = []
    for exchange in exchanges:
        address = visit.served_by(exchange.url, exchange.server_ip)
        port = host_port(exchange.url)[1]
        if address and not visit.policy.allows(address, port):
            visit.barred.append(f"{address}:{port}")
            continue
        kept.append(replace(exchange, server_ip=address))
    return kept


def visit_exchanges(visit: Visit) -> list[Exchange]:
    """Every exchange of the visit that may be kept (call before ``drafts_of``)."""
    exchanges = _guarded(visit, read_har(visit.har))
    if visit.direct:
        return with_original(exchanges, visit.direct)
    original = original_of(visit, exchanges)
    if original is None:
        return exchanges
    return [original if e.url == original.url and e.method == "GET" and not e.body else e
            for e in exchanges]


def wacz_of(visit: Visit, exchanges: list[Exchange], browser: BrowserInfo) -> Draft:
    software = (f"spoorvast {__version__}; Playwright {browser.playwright_version}; "
                f"Chromium {browser.version}")
    started = visit.started.utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    warc = write_warc(exchanges, {"software": software, "format": "WARC File Format 1.1",
                                  "isPartOf": "spoorvast capture"})
    url = visit.main.url if visit.main else visit.requested_url
    page = PageEntry(url, started, visit.title)
    data = build_wacz(warc, [page], PackageInfo(visit.title or url, started, software))
    return Draft(ArtifactRole.WACZ, "capture.wacz", "application/wacz", data)


def visit_problems(visit: Visit, options: CaptureOptions, wacz: Draft) -> list[Problem]:
    problems = list(visit.problems)
    status = visit.main.status if visit.main else None
    if status in REMOVED_STATUSES:
        problems.append(Problem(Severity.WARNING, "capture.removed", (("status", str(status)),)))
    elif status is not None and status >= 400:
        problems.append(Problem(Severity.WARNING, "capture.http-error",
                                (("status", str(status)),)))
    if len(visit.navigations) > 1:
        problems.append(Problem(Severity.WARNING, "capture.navigated-away",
                                (("url", visit.navigations[-1][:300]),)))
    if visit.full is not None and visit.full.truncated:
        problems.append(Problem(Severity.WARNING, "capture.height-capped", (
            ("height", str(visit.full.page_height)), ("cap", str(options.height_cap)))))
    problems.extend(settle_problems(visit))
    problems.extend(stop_problems(visit, options))
    problems.extend(visit.videos.problems)
    problems.extend(Problem(Severity.ERROR, "capture.wacz-invalid", (("detail", d[:200]),),
                            Location(field="capture.wacz")) for d in check_wacz(wacz.data))
    return problems


def settle_problems(visit: Visit) -> list[Problem]:
    """The page may not have finished loading, or changed while its files were taken;
    files not made because the visit had been stopped."""
    found: list[Problem] = []
    state = visit.settled
    if state is not None and not state.settled:
        seconds = ("seconds", str(round(state.waited, 1)))
        if state.pending_count:
            found.append(Problem(Severity.WARNING, "capture.unsettled-requests",
                                 (("count", str(state.pending_count)), seconds)))
        elif state.changing:
            found.append(Problem(Severity.WARNING, "capture.unsettled-content", (seconds,)))
    if visit.changed_while_taken:
        found.append(Problem(Severity.WARNING, "capture.changed-while-taken"))
    if visit.changed_after_taken:
        found.append(Problem(Severity.WARNING, "capture.changed-after-taken",
                             (("time", visit.changed_after_taken),
                              ("seconds", str(visit.watched_after)))))
    skipped = sorted(set(visit.skipped) - {"scroll", "title", "original"})
    if skipped:
        found.append(Problem(Severity.WARNING, "capture.steps-skipped",
                             (("steps", ", ".join(skipped)),)))
    return found


def stop_problems(visit: Visit, options: CaptureOptions) -> list[Problem]:
    """Why a visit was stopped or cut short, and what the guard refused."""
    found: list[Problem] = []
    if visit.barred:
        found.append(Problem(Severity.ERROR, "capture.unguarded",
                             (("address", sorted(set(visit.barred))[0]),)))
    if visit.refused_navigation is not None:
        url, refusal = visit.refused_navigation
        found.append(Problem(Severity.ERROR, "capture.refused", (
            ("url", url[:300]), ("host", refusal.host), ("port", str(refusal.port)),
            ("address", refusal.address))))
    others = [h for h in visit.blocked_hosts if visit.refused_navigation is None
              or h != f"{visit.refused_navigation[1].host}:{visit.refused_navigation[1].port}"]
    if others:
        found.append(Problem(Severity.WARNING, "capture.blocked", (
            ("count", str(len(others))), ("hosts", ", ".join(others[:10])))))
    if visit.over_budget or visit.log.over_budget:
        found.append(Problem(Severity.ERROR, "capture.too-large",
                             (("limit", str(options.max_bytes >> 20)),)))
    if visit.too_large:
        found.append(Problem(Severity.ERROR, "capture.document-too-large", (
            ("url", visit.too_large), ("limit", str(options.max_document_bytes >> 20)))))
    if visit.crashed and not visit.timed_out:
        found.append(Problem(Severity.ERROR, "capture.crashed"))
    if visit.timed_out:
        found.append(Problem(Severity.WARNING, "capture.deadline",
                             (("seconds", str(round(options.timeout_seconds))),)))
    return found
