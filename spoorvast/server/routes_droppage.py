"""The phone page of the drop box (an installable web app), served by the server.

``GET /drop`` is the page (its words translated here, in the language the phone asks
for); ``/drop/manifest.webmanifest`` makes it installable under a neutral name and icon
and registers it on Android as a Web Share Target (a share POSTs the files to ``/drop``,
where the page's service worker takes them in memory and hands them to the page, which
encrypts them before anything leaves the phone). The service worker caches the page's
code only. A share POST that reaches the server (no service worker yet) is not read:
the page is shown again, asking to share once more. ``/drop/away`` is the quick exit's
neutral page. Nothing here needs a login, and nothing here reads a case.
"""

from __future__ import annotations

import html
import io
import json
from functools import cache
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Header
from starlette.responses import JSONResponse, RedirectResponse, Response

from spoorvast.i18n import LANGUAGES, N_, gettext_in
from spoorvast.server.access import ApiError

router = APIRouter()
STATIC = resources.files("spoorvast.server") / "static"
FILES = {"drop.js": "text/javascript", "drop-hash.js": "text/javascript",
         "drop-seal.js": "text/javascript",
         "vendor/libsodium-wrappers-sumo.mjs": "text/javascript",
         "vendor/libsodium-sumo.mjs": "text/javascript"}
# libsodium.js imports its core by a bare name; served, that import names its path here
# (import maps do not reach the hashing worker). The vendored file stays unchanged.
BARE_IMPORT = (b'from"libsodium-sumo"', b'from"/drop/static/vendor/libsodium-sumo.mjs"')
TEXT = {
    "title": N_("Files"),
    "heading": N_("Send files"),
    "intro": N_("Files you choose here are locked on this phone before they are sent. "
                "Nothing you send stays readable here, and nothing is shown."),
    "pick": N_("Choose files"),
    "exit": N_("Close"),
    "noscript": N_("This page needs JavaScript."),
    "paired": N_("This phone is linked. Choose files to send, or share them to this page "
                 "from another app."),
    "unpaired": N_("This page is not linked yet. Open the link or QR code you were given."),
    "sending": N_("Sending file {n} of {total}…"),
    "sent": N_("Done. Files sent: {n}. Nothing of them is kept on this phone."),
    "waiting": N_("The connection was lost. Sending goes on when the phone is online again."),
    "failed": N_("Sending did not work. Please try again."),
    "ended": N_("This link has ended or was used already. Ask for a new one."),
    "quota": N_("There is no room left for more files through this link. What was sent "
                "before is safe. Ask the person who gave you the link for more room."),
    "again": N_("Please share the files once more."),
    "away": N_("No notes yet."),
    "away_title": N_("Notes"),
}
_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<link rel="manifest" href="/drop/manifest.webmanifest?lang={lang}">
<link rel="icon" href="/drop/icon.svg">
<style>
body {{ font: 17px/1.45 system-ui, sans-serif; margin: 0; padding: 1rem; color: #222; }}
header {{ display: flex; justify-content: space-between; align-items: center; }}
h1 {{ font-size: 1.3rem; margin: 0; }}
#exit {{ font-size: 1rem; padding: .5rem 1rem; }}
label.pick {{ display: block; margin: 1.5rem 0; padding: 1.2rem; text-align: center;
  border: 2px dashed #888; border-radius: .6rem; }}
progress {{ width: 100%; height: 1.2rem; }}
</style>
<script type="application/json" id="drop-text">{text}</script>
<script type="module" src="/drop/static/drop.js"></script>
</head><body data-state="loading">
<header><h1>{heading}</h1><button id="exit" type="button">{exit}</button></header>
<p>{intro}</p>
<noscript><p>{noscript}</p></noscript>
<label class="pick" id="pick" hidden>{pick}
<input id="files" type="file" multiple hidden></label>
<progress id="bar" max="1" value="0"></progress>
<p id="status" role="status" aria-live="polite">{status}</p>
</body></html>
"""


def language(lang: str | None, accept: str | None) -> str:
    if lang in LANGUAGES:
        return str(lang)
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


def words(lang: str) -> dict[str, str]:
    return {key: gettext_in(lang, text) for key, text in TEXT.items()}


Accept = Annotated[str | None, Header(alias="accept-language")]


def _csp() -> str:
    return ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
            "worker-src 'self'; style-src 'unsafe-inline'; img-src 'self'; "
            "connect-src 'self'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")


@router.get("/drop")
def page(accept_language: Accept = None, lang: str | None = None,
         again: str | None = None) -> Response:
    chosen = language(lang, accept_language)
    text = words(chosen)
    body = _PAGE.format(
        lang=chosen,
        text=json.dumps(text).replace("<", "\\u003c"),
        status=html.escape(text["again"]) if again else "",
        **{k: html.escape(text[k]) for k in ("title", "heading", "intro", "pick", "exit",
                                             "noscript")})
    return Response(body, media_type="text/html; charset=utf-8", headers={
        "cache-control": "no-store", "content-security-policy": _csp(),
        "referrer-policy": "no-referrer", "x-content-type-options": "nosniff"})


@router.post("/drop")
def share_without_worker() -> Response:
    """A share that reached the server (the service worker was not running): its body
    is not read, and the page asks to share again."""
    return RedirectResponse("/drop?again=1", status_code=303)


@router.get("/drop/manifest.webmanifest")
def manifest(accept_language: Accept = None, lang: str | None = None) -> Response:
    text = words(language(lang, accept_language))
    return JSONResponse({
        "name": text["title"], "short_name": text["title"], "start_url": "/drop",
        "scope": "/drop", "display": "standalone", "background_color": "#ffffff",
        "theme_color": "#ffffff",
        "icons": [{"src": "/drop/icon.svg", "sizes": "any", "type": "image/svg+xml"},
                  {"src": "/drop/icon-192.png", "sizes": "192x192", "type": "image/png"},
                  {"src": "/drop/icon-512.png", "sizes": "512x512", "type": "image/png"}],
        "share_target": {"action": "/drop", "method": "POST",
                         "enctype": "multipart/form-data",
                         "params": {"files": [{"name": "files", "accept": ["*/*"]}]}},
    }, media_type="application/manifest+json")


@router.get("/drop/sw.js")
def service_worker() -> Response:
    return Response((STATIC / "drop-sw.js").read_bytes(), media_type="text/javascript",
                    headers={"service-worker-allowed": "/drop", "cache-control": "no-cache"})


@router.get("/drop/static/{name:path}")
def static(name: str) -> Response:
    if name not in FILES:
        raise ApiError(404, "not_found")
    data = (STATIC / name).read_bytes()
    if name == "vendor/libsodium-wrappers-sumo.mjs":
        data = data.replace(*BARE_IMPORT)
    return Response(data, media_type=FILES[name],
                    headers={"cache-control": "no-cache", "x-content-type-options": "nosniff"})


ICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        '<rect width="64" height="64" rx="12" fill="#5f6b7a"/>'
        '<path d="M20 14h17l9 9v27H20z" fill="#fff"/><path d="M37 14v9h9" fill="#d5dae0"/>'
        '</svg>')


@router.get("/drop/icon.svg")
def icon_svg() -> Response:
    return Response(ICON, media_type="image/svg+xml")


@cache
def _png(size: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), "#5f6b7a")
    draw = ImageDraw.Draw(image)
    unit = size / 64
    draw.polygon([(20 * unit, 14 * unit), (37 * unit, 14 * unit), (46 * unit, 23 * unit),
                  (46 * unit, 50 * unit), (20 * unit, 50 * unit)], fill="#ffffff")
    draw.polygon([(37 * unit, 14 * unit), (46 * unit, 23 * unit), (37 * unit, 23 * unit)],
                 fill="#d5dae0")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@router.get("/drop/icon-{size}.png")
def icon_png(size: int) -> Response:
    if size not in (192, 512):
        raise ApiError(404, "not_found")
    return Response(_png(size), media_type="image/png")


@router.get("/drop/away")
def away(accept_language: Accept = None, lang: str | None = None) -> Response:
    text = words(language(lang, accept_language))
    title, line = html.escape(text["away_title"]), html.escape(text["away"])
    body = ('<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" '
            'content="width=device-width, initial-scale=1">'
            f"<title>{title}</title></head><body><p>{line}</p></body></html>")
    return Response(body, media_type="text/html; charset=utf-8",
                    headers={"cache-control": "no-store"})
