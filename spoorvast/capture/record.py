"""The provenance record of a capture: what the browser saw, how, when, and what that
proves. Stored as canonical JSON (sorted keys) in the ANALYSIS artifact ``capture.json``;
its SHA-256 is what a trusted timestamp covers.

Session secrets never enter the record: cookie, authorization and token headers are
replaced by ``[removed]``, and so are secret query values in every URL of the record
(the rule is in :mod:`spoorvast.model.secrets`; the exact URLs stay in the sealed WACZ).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from spoorvast import __version__
from spoorvast.capture import shots
from spoorvast.capture.assemble import stop_problems
from spoorvast.capture.browser import BrowserInfo
from spoorvast.capture.navigation import MainResponse
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.platforms import PlatformFacts
from spoorvast.capture.visit import Visit
from spoorvast.i18n import N_
from spoorvast.model.secrets import redact_headers, strip_json_value
from spoorvast.model.serialize import to_json

SCHEMA = "spoorvast.capture-record/1"

PROVES = (
    N_("This browser (versions below) received these bytes from the address below, at the "
    "times below as read from this computer's clock."),
    N_("Each stored file has the SHA-256 listed here; the vault's custody log and, where "
    "present, a trusted timestamp show that the files were not changed afterwards."),
)
DOES_NOT_PROVE = (
    N_("A TLS connection authenticates the server to the browser during the visit only; it "
    "is not a signature of the server over the content, so a third party cannot check "
    "from these files alone that the server sent them."),
    N_("Who wrote or posted the content, or who controls the account."),
    N_("That the computer's clock was right (a trusted timestamp, when present, bounds the "
    "time independently)."),
    N_("That the page looks the same for other people, other countries or logged-in users."),
)


@dataclass(frozen=True, slots=True)
class ArtifactEntry:
    role: str
    name: str
    media_type: str
    size: int
    sha256: str


def _main_json(main: MainResponse | None) -> dict[str, object] | None:
    if main is None:
        return None
    return {
        "url": main.url, "status": main.status, "status_text": main.status_text,
        "server_ip": main.server_ip, "server_port": main.server_port,
        "tls": to_json(main.tls),
        "headers": [list(h) for h in redact_headers(main.headers)],
        "request_headers": [list(h) for h in redact_headers(main.request_headers)],
    }


def _screenshot_json(visit: Visit, options: CaptureOptions) -> dict[str, object]:
    full = visit.full
    return {"height_cap": options.height_cap,
            "page_height": full.page_height if full else None,
            "captured_height": full.captured_height if full else None,
            "width": full.width if full else None,
            "page_width": full.page_width if full else None,
            "truncated": full.truncated if full else None,
            "tiles": [{"file": shots.tile_name(n), "y": t.y, "height": t.height}
                      for n, t in enumerate(full.tiles)] if full else []}


def build_record(visit: Visit, options: CaptureOptions, browser: BrowserInfo,
                 artifacts: list[ArtifactEntry], platform: PlatformFacts) -> dict[str, object]:
    main = visit.main
    record: dict[str, object] = {
        "schema": SCHEMA, "requested_url": visit.requested_url,
        "redirects": [to_json(h) for h in visit.hops],
        "final_url": main.url if main else None, "status": main.status if main else None,
        "response": _main_json(main), "title": visit.title,
        "started": _when(visit.started), "ended": _when(visit.ended),
        "navigations": visit.navigations, "blocked_hosts": visit.blocked_hosts,
        "guard": _guard_json(visit, options),
        "browser": {"name": browser.name, "version": browser.version,
                    "user_agent": browser.user_agent,
                    "user_agent_of_headless_browser": browser.reported_user_agent,
                    "client_hints": _client_hints(main),
                    "executable": browser.executable},
        "tls": visit.security.to_json(main.url if main else None),
        "dns": _dns_json(visit),
        "videos": {"saved": visit.videos.entries,
                   "note": "Fetched again by spoorvast after the page's files, with the "
                           "page's cookies, through the capture's guard: not the bytes "
                           "the browser played."} if visit.videos.entries else None,
        "playwright_version": browser.playwright_version,
        "tool": {"name": "spoorvast", "version": __version__},
        "options": options.to_json(), "screenshot": _screenshot_json(visit, options),
        "platform": to_json(platform), "problems": [p.code for p in visit.problems],
        "page_state": _state_json(visit),
        "artifacts": [to_json(a) for a in artifacts],
        "statement": {"proves": list(PROVES), "does_not_prove": list(DOES_NOT_PROVE)},
    }
    cleaned = strip_json_value(record)
    assert isinstance(cleaned, dict)
    return cleaned


def _client_hints(main: MainResponse | None) -> dict[str, str]:
    """The user-agent client hints the browser sent with the page's request."""
    if main is None:
        return {}
    return {k.lower(): v for k, v in main.request_headers
            if k.lower().startswith("sec-ch-ua")}


def _dns_json(visit: Visit) -> dict[str, object]:
    """Every name the visit's guard proxy resolved (once, pinned for the visit)."""
    return {"answers": [to_json(r) for r in (*visit.log.resolved, *visit.videos.resolved)],
            "note": "Names are resolved once per visit by the guard proxy and every "
                    "connection to a name goes to these addresses. The system resolver "
                    "gives no TTL (null)."}


def _state_json(visit: Visit) -> dict[str, object]:
    """How settled the page was when its files were taken, and when each was made."""
    seen = visit.seen
    return {"settle": visit.settled.to_json() if visit.settled else None,
            "changed_while_taken": visit.changed_while_taken,
            "files_taken_again": visit.retaken,
            "changed_after_taken": visit.changed_after_taken,
            "watched_after_seconds": visit.watched_after,
            "visible_dom_changes": seen.changes if seen else None,
            "files_taken": dict(sorted(visit.taken.items())),
            "steps_skipped": sorted(set(visit.skipped)),
            "overlay_percent": seen.overlay if seen else None,
            "overflow_hidden": seen.overflow_hidden if seen else None,
            "password_fields": seen.passwords if seen else None}


def _guard_json(visit: Visit, options: CaptureOptions) -> dict[str, object]:
    """What the guard allowed, refused and saw (every connection went through it)."""
    return {"private_allowed": visit.policy.private,
            "test_only_origins": sorted(f"{a}:{p}" for a, p in visit.policy.origins),
            "refused": [to_json(r) for r in visit.log.refused],
            "barred_answers": sorted(set(visit.barred)),
            "received_bytes": max(visit.received, visit.log.received),
            "stopped": visit.halted,
            "findings": [p.code for p in stop_problems(visit, options)]}


def _when(moment: object) -> object:
    from spoorvast.model.instant import Instant

    if not isinstance(moment, Instant):
        return None
    return {**moment.to_json(), "local": moment.isoformat()}


def record_bytes(record: dict[str, object]) -> bytes:
    return json.dumps(record, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8")
