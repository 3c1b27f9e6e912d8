"""The provenance record of a capture made in the victim's own browser (the extension),
and its findings.

Like the headless capture's record (``record.py``) it is canonical JSON in the ANALYSIS
artifact ``capture.json``, with every session secret removed (cookies, authorization,
tokens, secret URL values); the sealed WACZ keeps them, encrypted. It says which path
was taken (``fidelity``): the Chromium debugger, with the page loaded again under it so
that every network answer could be recorded; the viewport screenshot is taken *before*
that reload, as the person saw the page.

The capture guard does not apply: these pages come from the person's own browser, which
fetched them itself; spoorvast made no connection.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from spoorvast import __version__
from spoorvast.capture.assemble import REMOVED_STATUSES
from spoorvast.capture.exchanges import Exchange
from spoorvast.capture.extension_entry import Received
from spoorvast.capture.platforms import PlatformFacts
from spoorvast.capture.record import DOES_NOT_PROVE, PROVES, ArtifactEntry
from spoorvast.findings import register_codes
from spoorvast.i18n import N_
from spoorvast.model.instant import Instant
from spoorvast.model.records import Location, Problem, Severity
from spoorvast.model.secrets import redact_headers, strip_json_value
from spoorvast.model.serialize import to_json

SCHEMA = "spoorvast.browser-capture-record/1"
EXTENSION_DIR = Path(__file__).resolve().parents[2] / "extension"
FIDELITY = {
    "chromium-debugger-reload": N_(
        "Chromium debugger: the page was loaded again under the browser's debugger so "
        "that every network answer was recorded as it arrived; the viewport screenshot "
        "was taken before that, as you saw the page."),
    "firefox-webrequest-reload": N_(
        "Firefox network filters: the page was loaded again while Firefox's webRequest "
        "filters recorded every answer's bytes as the network delivered them (before any "
        "decoding of text); the viewport screenshot was taken before that, as you saw "
        "the page. Lower fidelity than Chromium's debugger otherwise: Firefox makes no "
        "MHTML or PDF for an extension, sends no page probe, and answers a service worker "
        "served are not seen."),
}
OWN_BROWSER = (
    N_("This capture was made in the person's own browser, logged in as they were; "
       "anyone using that browser could have changed the page before capturing it."),
    N_("The capture guard did not apply: the browser fetched these pages itself; "
       "spoorvast made no connection."),
)

register_codes({
    "capture.extension-reloaded": N_(
        "The page was loaded again to record its network "
        "answers. The viewport screenshot shows the page as you saw it before that; the "
        "other files show it as it was loaded again, which can differ (a new post, a "
        "closed comment)."),
    "capture.extension-hash-differs": N_(
        "{count} file(s) the browser sent did not have the hash the browser computed "
        "({ids}); what arrived was kept and sealed with the hash it had on arrival."),
    "capture.extension-unknown": N_(
        "The browser extension that made this capture ({hash}) is not the one shipped "
        "with this spoorvast ({known}); it may be another version, or changed."),
    "capture.extension-text-bodies": N_(
        "{count} answer(s) came from the browser as text it had already decoded ({urls}); "
        "they were stored re-encoded as UTF-8. For a page in another character set their "
        "bytes, and so their SHA-256, differ from what the server sent; the text is the "
        "same."),
    "capture.no-document": N_(
        "The browser did not send the page's own answer (the HTML); the screenshots, "
        "MHTML and the other answers were kept."),
})


def shipped_extension_hash(directory: Path = EXTENSION_DIR) -> str | None:
    """The hash of the extension shipped with spoorvast, computed as the extension
    computes its own: SHA-256 over ``"<sha256>  <path>\\n"`` of every file named in
    ``files.json``, in that order. None when the extension is not shipped here."""
    try:
        names = json.loads((directory / "files.json").read_bytes())
        lines = [f"{hashlib.sha256((directory / n).read_bytes()).hexdigest()}  {n}\n"
                 for n in names]
    except (OSError, ValueError, TypeError):
        return None
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def _main_json(main: Exchange | None) -> dict[str, object] | None:
    if main is None:
        return None
    return {"url": main.url, "status": main.status, "status_text": main.status_text,
            "server_ip": main.server_ip,
            "headers": [list(h) for h in redact_headers(main.response_headers)],
            "request_headers": [list(h) for h in redact_headers(main.request_headers)]}


def _extension_json(received: Received) -> dict[str, object]:
    ext = received.meta.get("extension")
    own = ext if isinstance(ext, dict) else {}
    shipped = shipped_extension_hash()
    return {"id": own.get("id"), "version": own.get("version"), "sha256": own.get("sha256"),
            "shipped_sha256": shipped,
            "matches_shipped": None if shipped is None else own.get("sha256") == shipped}


def _screenshot(received: Received) -> dict[str, object]:
    shot = received.meta.get("viewport")
    shot = shot if isinstance(shot, dict) else {}
    return {"height_cap": shot.get("height_cap"), "width": shot.get("width"),
            "captured_height": shot.get("captured_height"),
            "page_height": shot.get("page_height")}


def build(received: Received, main: Exchange | None, exchanges: list[Exchange],
          artifacts: list[ArtifactEntry], facts: PlatformFacts,
          times: tuple[Instant, Instant], problems: list[Problem]) -> bytes:
    """The record; ``times``: when the capture was made and when it was sealed. Its
    common fields are named as in the headless capture's record (``show`` and the
    dossier read both)."""
    meta = received.meta
    path = received.text("fidelity")
    captured, sealed = times
    record: dict[str, object] = {
        "schema": SCHEMA, "url": received.url, "title": received.text("title"),
        "requested_url": received.url, "final_url": main.url if main else received.url,
        "status": main.status if main else None,
        "started": {**captured.to_json(), "local": captured.isoformat()},
        "screenshot": _screenshot(received),
        "captured_at": meta.get("captured_at"), "received_at": received.received_at,
        "sealed_at": sealed.utc.isoformat(), "browser": meta.get("browser"),
        "extension": _extension_json(received),
        "host": {"name": "spoorvast", "version": received.host_version},
        "tool": {"name": "spoorvast", "version": __version__},
        "fidelity": {"path": path, "reloaded": meta.get("reloaded"),
                     "explained": FIDELITY.get(path, "")},
        "viewport": meta.get("viewport"), "checklist": meta.get("checklist"),
        "note": meta.get("note"), "response": _main_json(main),
        "text_bodies": text_bodies(received),
        "bodies_missing": [str(s.open.get("url")) for s in received.responses
                           if s.open.get("body_encoding") == "missing"],
        "steps_failed": meta.get("notes") if isinstance(meta.get("notes"), list) else [],
        "page_state": {"settle": meta.get("settle")},
        "responses": len(exchanges), "platform": to_json(facts),
        "problems": [p.code for p in problems],
        "artifacts": [to_json(a) for a in artifacts],
        "statement": {"proves": list(PROVES),
                      "does_not_prove": [*DOES_NOT_PROVE, *OWN_BROWSER]},
    }
    cleaned = strip_json_value(record)
    return json.dumps(cleaned, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8")


def text_bodies(received: Received) -> list[str]:
    """The answers the browser gave as decoded text (stored re-encoded as UTF-8)."""
    return [str(s.open.get("url")) for s in received.responses
            if s.open.get("body_encoding") == "text"]


def _text_bodies(received: Received) -> list[Problem]:
    urls = text_bodies(received)
    if not urls:
        return []
    return [Problem(Severity.INFO, "capture.extension-text-bodies", (
        ("count", str(len(urls))), ("urls", ", ".join(u[:120] for u in urls[:3]))))]


def _settle(received: Received) -> list[Problem]:
    """The reloaded page did not load, or answers were still pending, when its files
    were taken; an optional step (full page, MHTML, PDF, probe) failed."""
    state = received.meta.get("settle")
    state = state if isinstance(state, dict) else {}
    found = []
    if state.get("loaded") is False:
        found.append(Problem(Severity.WARNING, "capture.load-timeout",
                             (("seconds", str(state.get("load_timeout"))),)))
    if isinstance(state.get("pending"), int) and state["pending"] > 0:
        found.append(Problem(Severity.WARNING, "capture.unsettled-requests", (
            ("count", str(state["pending"])), ("seconds", _seconds(state.get("waited"))))))
    notes = received.meta.get("notes")
    for note in notes if isinstance(notes, list) else []:
        step, _, error = str(note).partition(": ")
        found.append(Problem(Severity.WARNING, "capture.step-failed",
                             (("step", step[:40]), ("error", error[:200]))))
    return found


def _seconds(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "?"
    return str(round(float(value), 1))


def _height(received: Received) -> list[Problem]:
    """The full-page screenshot stops at the browser's cap; the other files hold all."""
    shot = received.meta.get("viewport")
    page = shot.get("page_height") if isinstance(shot, dict) else None
    taken = shot.get("captured_height") if isinstance(shot, dict) else None
    if isinstance(page, int) and isinstance(taken, int) and page > taken:
        return [Problem(Severity.WARNING, "capture.height-capped",
                        (("height", str(page)), ("cap", str(taken))))]
    return []


def problems(received: Received, main: Exchange | None) -> list[Problem]:
    found: list[Problem] = []
    if received.meta.get("reloaded"):
        found.append(Problem(Severity.INFO, "capture.extension-reloaded"))
    if main is None:
        found.append(Problem(Severity.WARNING, "capture.no-document"))
    elif main.status in REMOVED_STATUSES:
        found.append(Problem(Severity.WARNING, "capture.removed",
                             (("status", str(main.status)),)))
    elif main.status >= 400:
        found.append(Problem(Severity.WARNING, "capture.http-error",
                             (("status", str(main.status)),)))
    found.extend(_height(received))
    found.extend(_settle(received))
    found.extend(_text_bodies(received))
    differing = received.differing
    if differing:
        found.append(Problem(Severity.WARNING, "capture.extension-hash-differs", (
            ("count", str(len(differing))), ("ids", ", ".join(differing[:10])))))
    ext = _extension_json(received)
    if ext["matches_shipped"] is False:
        found.append(Problem(Severity.WARNING, "capture.extension-unknown", (
            ("hash", str(ext["sha256"])[:16]), ("known", str(ext["shipped_sha256"])[:16])),
            Location(field="capture.json:extension")))
    return found
