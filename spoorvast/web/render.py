"""Templates and the page frame: translations for the request, the CSRF token, the nav.

Jinja2 autoescapes everything (``autoescape=True`` for every template): evidence text,
file names, party names and JSON are always shown as text. Translated strings are plain
``str`` too, so a translation cannot inject markup either.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from starlette.responses import HTMLResponse

from spoorvast import units
from spoorvast.i18n import LANGUAGES, N_, _, ngettext, pick_language, use_in_context
from spoorvast.model.role_words import ROLE_WORDS
from spoorvast.web import words
from spoorvast.web.security import csrf_token
from spoorvast.web.watch_notices import watch_notices

TEMPLATES = Path(__file__).parent / "templates"
LANG_COOKIE = "sv_lang"
LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "de": "Deutsch", "en": "English"}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.globals.update(_=lambda message: _(message), ngettext=ngettext,
                       language_names=LANGUAGE_NAMES, languages=LANGUAGES)
    env.filters.update(when=words.when, when_iso=words.when_iso, size=human_size,
                       pretty_json=pretty_json, person=words.person, short=short,
                       duration=words.duration, event_kind=partial(words.word, words.EVENT_KINDS),
                       action=partial(words.word, words.CUSTODY_ACTIONS),
                       role=partial(words.word, ROLE_WORDS),
                       importer=partial(words.word, words.IMPORTERS),
                       ocr_state=partial(words.word, words.OCR_STATES),
                       hop_side=partial(words.word, words.HOP_SIDES),
                       severity=partial(words.word, words.SEVERITIES))
    return env


def short(text: str | None, limit: int = 300) -> str:
    """A long text (an e-mail's body) cut for a table row; the item page shows it all."""
    text = text or ""
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def human_size(size: int | None) -> str:
    return units.human_size(size or 0)


def pretty_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str, sort_keys=True)


KIND_NAMES = {
    "image": N_("picture"), "audio": N_("recording"), "video": N_("video"),
    "pdf": N_("PDF"), "document": N_("document"), "file": N_("file"),
    "capture": N_("web page"), "email": N_("e-mail"), "conversation": N_("conversation"),
    "call-log": N_("calls"), "note": N_("note"),
}
ROLE_NAMES = {"victim": N_("victim (you)"), "suspect": N_("suspect"),
              "witness": N_("witness"), "other": N_("other")}
ID_KIND_NAMES = {"email": N_("e-mail address"), "phone": N_("phone number"),
                 "account": N_("account"), "ip": N_("IP address"), "name": N_("name"),
                 "url": N_("web address")}
STATUS_NAMES = {"proposed": N_("proposed"), "confirmed": N_("confirmed"),
                "rejected": N_("rejected")}
FLASHES = {
    "locked": N_("The vault was locked. Enter your passphrase to continue."),
    "taken-over": N_("The vault was opened from another browser window, so this window was "
                     "signed out. If that was not you, open it here, lock it, and change "
                     "your passphrase."),
    "other-window-ended": N_("The vault was open in another browser window; that window "
                             "has been signed out."),
    "case-created": N_("The case was created."),
    "note-added": N_("The note was sealed and added."),
    "party-added": N_("Saved."),
    "passphrase-changed": N_("Passphrase changed."),
    "saved": N_("Saved."),
}


def translated(names: dict[str, str]) -> dict[str, str]:
    return {key: _(value) for key, value in names.items()}


def flash(code: str) -> str:
    message = FLASHES.get(code)
    return _(message) if message else ""


def language_of(request: Request) -> str:
    """The language the user chose; until they choose, the browser's (``nl-BE`` → nl),
    then the machine's."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return str(chosen)
    return browser_language(request.headers.get("accept-language", "")) or pick_language()


def browser_language(header: str) -> str | None:
    """The first supported language of an Accept-Language header, by its q weights."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        code = tag.strip().split("-")[0].lower()
        if code in LANGUAGES and weight > 0:
            ranked.append((-weight, position, code))
    return min(ranked)[2] if ranked else None


def use_language(request: Request) -> str:
    """Pick the request's language for ``_()``, for this request only (and the jobs it
    starts: they run in a copy of its context)."""
    language = language_of(request)
    use_in_context(language)
    return language


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    state = request.app.state
    language = use_language(request)
    base = {
        "request": request, "lang": language,
        "csrf": csrf_token(state.session.secret, request.state.sid),
        "unlocked": state.session.owns(request.cookies.get("sv")),
        "autolock": int(state.session.autolock_seconds),
        "kind_names": translated(KIND_NAMES), "role_names": translated(ROLE_NAMES),
        "id_kind_names": translated(ID_KIND_NAMES), "status_names": translated(STATUS_NAMES),
        "case": None, "active": "", "flash": flash(request.query_params.get("msg", "")),
        "notices": [],
    }
    if base["unlocked"]:
        base["notices"] = [*state.jobs.take_interrupted(), *watch_notices(state.session)]
    html = state.env.get_template(template).render({**base, **context})
    return HTMLResponse(html, status_code=status)
