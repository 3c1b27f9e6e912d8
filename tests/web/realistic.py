"""A realistic case built the way a person builds it in the app: a WhatsApp export, an
e-mail, a screenshot of a chat (read by OCR, with proposals), a captured web page (a
real Chromium visit to a page served on 127.0.0.1), a note, people, a dossier and a
verify run. Synthetic people and data; Dutch evidence, as a Belgian victim's would be."""

from __future__ import annotations

import http.server
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from spoorvast.web.render import FLASHES
from tests.ocr.render import Bubble, Chat, png
from tests.web.conftest import PASSPHRASE, Browserish
from tests.web.helpers import csrf_header, upload, wait_job

WHATSAPP = (
    b"12-03-2026 21:06 - Kevin V: Waar ben je vanavond?\n"
    b"12-03-2026 21:07 - Kevin V: Ik weet waar je woont.\n"
    b"12-03-2026 21:09 - Lies: Laat me met rust.\n"
    b"13-03-2026 08:15 - Kevin V: Stuur me 150 euro of ik zet de foto online.\n"
    b"13-03-2026 08:16 - Kevin V: <Media weggelaten>\n")
EMAIL = (b"Received: from mail.example.org (mail.example.org [192.0.2.10])\r\n"
         b"\tby mx.example.net with ESMTPS id 4Abc; Tue, 3 Mar 2026 22:15:07 +0100\r\n"
         b"From: Kevin V <kevin.v@example.org>\r\nTo: Lies <lies@example.net>\r\n"
         b"Subject: Dinsdag\r\nDate: Tue, 3 Mar 2026 22:15:00 +0100\r\n"
         b"Message-ID: <m1@example.org>\r\nMIME-Version: 1.0\r\n"
         b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
         b"Ik weet waar je woont. Bel me op 0470 12 34 56.\r\n")
SCREENSHOT = Chat("14:32", "Kevin V", (  # no day above the messages: the day is asked
    Bubble("left", "Ik zie je morgen aan de schoolpoort.", "21:03"),
    Bubble("left", "Mail naar kevin.v@example.org als je durft.", "21:05"),
))
PAGE = ("<!doctype html><html lang='nl'><head><title>Profiel van Kevin V</title></head>"
        "<body><h1>Kevin V</h1><p>Profiel op een synthetisch sociaal netwerk.</p></body></html>")


# routes that give files, not words (a download, a picture, a chart, a dossier ZIP)
FILES = {"/c/{case_id}/items/{label}/thumb", "/c/{case_id}/items/{label}/file/{sha256}",
         "/c/{case_id}/charts/{name}.svg", "/c/{case_id}/dossier/{job_id}", "/favicon.ico",
         "/state", "/jobs/{job_id}", "/drafts/{name}",
         "/c/{case_id}/watches/{watch_id}/difference.png"}  # files, images, JSON
EXTRA = ("/c/{case_id}/search?q=woont", "/c/{case_id}/search?q=niets+hiervan",
         "/c/{case_id}/timeline?marked=1", "/c/{case_id}/items?all=1",
         *(f"/cases?msg={code}" for code in FLASHES))


@dataclass
class Built:
    case_id: int
    labels: list[str]
    jobs: dict[str, dict[str, object]] = field(default_factory=dict)


@contextmanager
def page_server(folder: Path) -> Iterator[str]:
    (folder / "profiel.html").write_text(PAGE, encoding="utf-8")
    handler = partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/profiel.html"
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


ALL_JOBS = ("ocr", "capture", "dossier", "verify")


def build(client: Browserish, folder: Path, which: tuple[str, ...] = ALL_JOBS) -> Built:
    """Everything through the app's own routes (the jobs as the pages start them)."""
    case_id = client.new_case("Berichten van Kevin")
    built = Built(case_id, [])
    built.jobs["add"] = upload(client, case_id, {
        "WhatsApp-chat met Kevin V.txt": WHATSAPP, "dinsdag.eml": EMAIL,
        "schermafbeelding.png": png(SCREENSHOT)})
    jobs(client, built, folder, which)
    client.post(f"/c/{case_id}/parties", {"role": "suspect", "name": "Kevin V"})
    client.post(f"/c/{case_id}/parties", {"role": "victim", "name": "Lies"})
    client.post(f"/c/{case_id}/notes", {"kind": "requested-action", "at": "2026-03-13T09:00",
                                        "text": "Ik heb 150 euro overgeschreven."})
    built.labels = sorted({line.split(":")[0] for line in _item_lines(client, case_id)})
    client.post(f"/c/{case_id}/watches", {"url": "https://example.org/kevin", "every": "1d"})
    client.post(f"/c/{case_id}/watches/1/pause")  # paused: the test never captures it
    return built


def jobs(client: Browserish, built: Built, folder: Path,
         which: tuple[str, ...] = ALL_JOBS) -> None:
    """The jobs a page starts (read text, capture, dossier, verify), in the client's
    current language; their results go into ``built.jobs``."""
    case_id = built.case_id
    if "ocr" in which:
        built.jobs["ocr"] = _started(client, f"/c/{case_id}/read-text")
    if "capture" in which:
        with page_server(folder) as url:
            built.jobs["capture"] = _started(client, f"/c/{case_id}/capture",
                                             {"url": url, "private": "1"})
    if "dossier" in which:
        built.jobs["dossier"] = _started(client, f"/c/{case_id}/dossier")
    if "verify" in which:
        built.jobs["verify"] = _started(client, "/verify")


def _started(client: Browserish, path: str, data: dict[str, str] | None = None
             ) -> dict[str, object]:
    response = client.post(path, data or {})
    assert response.status_code == 303, (path, response.status_code, response.text[:300])
    job = response.headers["location"].split("job=")[1]
    return wait_job(client, job, timeout=180)


def _item_lines(client: Browserish, case_id: int) -> list[str]:
    html = client.http.get(f"/c/{case_id}/items").text
    found: list[str] = []
    marker = f'href="/c/{case_id}/items/'
    for part in html.split(marker)[1:]:
        label = part.split('"', 1)[0]
        if label.startswith("E-") and "/" not in label:
            found.append(label)
    return found


def take_over(page: Any, url: str) -> None:
    """Unlock in the browser page (the test's HTTP client, which built the case, is
    signed out: one browser holds the vault at a time)."""
    page.goto(url + "/")
    page.fill("#passphrase", PASSPHRASE)
    page.click("#unlock")
    page.wait_for_url("**/cases*")


def screens(app: Any, built: Built) -> list[str]:
    """Every screen: each GET route of the app that gives a page (so a new route is
    checked too), with the case's items, plus a few query variants."""
    values = {"case_id": [str(built.case_id)], "label": built.labels, "watch_id": ["1"]}
    paths: list[str] = []
    for route in _routes(app.routes):
        if "GET" not in route.methods or route.path in FILES:
            continue
        params = re.findall(r"\{(\w+)\}", route.path)
        missing = [p for p in params if p not in values]
        assert not missing, f"no sample value for {missing} in {route.path}: add one"
        expanded = [route.path]
        for param in params:
            expanded = [p.replace("{" + param + "}", v) for p in expanded
                        for v in values[param]]
        paths.extend(expanded)
    return paths + [p.replace("{case_id}", str(built.case_id)) for p in EXTRA]


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every route of the app (FastAPI keeps an included router's routes inside it)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _routes(route.original_router.routes)


def wait_quiet(client: Browserish) -> None:
    """Let the jobs of the app end (a later page must not race a running one)."""
    deadline = time.monotonic() + 60
    while client.live.app.state.jobs.running() and time.monotonic() < deadline:
        time.sleep(0.1)


__all__ = ["Built", "build", "csrf_header", "jobs", "screens", "wait_quiet"]
