"""Drafts of forms not yet sent, kept in the vault as the person types (#24).

**The attribute.** Any form of the web app marked ``<form data-draft="NAME">`` keeps
what is typed in it: ``NAME`` is lower-case letters, digits and dashes (start with a
letter, at most 64), unique per form and including the case (and the thing) it is
about, e.g. ``data-draft="note-{{ case.id }}"``, ``data-draft="call-{{ case.id }}"``,
``data-draft="withdraw-{{ case.id }}-{{ item.label|lower }}"``. Nothing else is needed:
``static/app.js`` does the rest for every such form:

- a moment after each change it sends the fields that differ from what the page
  showed (``POST /drafts/NAME``); they are stored in the vault's settings table
  (SQLCipher: encrypted with everything else), never in the browser;
- a lock (button, auto-lock) sends them first; a quick exit (Esc twice, Shift+Esc, the
  button) sends them with its request, so neither loses a draft;
- when the page shows the form again (after an unlock, a restart of the app, another
  visit) it asks ``GET /drafts/NAME``, puts the text back and says so, with a button
  to throw the draft away;
- sending the form flushes the draft, then adds ``?_draft=NAME`` to its address: when
  the app answers with a redirect (the form was accepted, see :func:`clear_if_accepted`)
  the draft is removed; an error page keeps it.

Never kept: password fields, file inputs, hidden fields (the CSRF token), fields marked
``data-no-draft``, and, on the server, any field whose name says pass(word/phrase) or
csrf. A draft holds the person's own words: it stays in the vault (it is not in any
log, temp file or browser storage).
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from spoorvast.errors import UserError
from spoorvast.web.security import SESSION_COOKIE
from spoorvast.web.session import VaultSession
from spoorvast.web.vault_settings import read_setting, write_settings

PREFIX = "web.draft."
MAX_CHARS = 200_000  # a draft larger than this is not kept (a note is far smaller)
QUERY = "_draft"
_NAME = re.compile(r"[a-z][a-z0-9-]{0,63}")
_NEVER = re.compile(r"pass|csrf", re.IGNORECASE)


def valid_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name))


def parse(fields: str) -> dict[str, str] | None:
    """A draft's fields from the page (JSON of name -> text), or None if not one."""
    if len(fields) > MAX_CHARS:
        return None
    try:
        value = json.loads(fields)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    return {str(k)[:50]: v for k, v in value.items()
            if isinstance(v, str) and not _NEVER.search(str(k))}


def keep(vault_session: VaultSession, name: str, fields: dict[str, str]) -> None:
    """Store the draft, or remove it when nothing is left in it."""
    typed = any(value.strip() for value in fields.values())
    write_settings(vault_session, {PREFIX + name: json.dumps(fields) if typed else None})


def kept(vault_session: VaultSession, name: str) -> dict[str, str]:
    text = read_setting(vault_session, PREFIX + name)
    return (parse(text) or {}) if text else {}


def drop(vault_session: VaultSession, name: str) -> None:
    write_settings(vault_session, {PREFIX + name: None})


def accepted(status: int, location: str) -> bool:
    """A form's answer that means it was taken: a redirect, not to the unlock page (a
    lock came first) nor to the neutral page (a quick exit)."""
    path = urlsplit(location).path
    return 300 <= status < 400 and path not in ("", "/", "/weather")


async def clear_if_accepted(request: Request, response: Response,
                            session: VaultSession) -> None:
    """After a form sent with ``?_draft=NAME``: its draft is removed once the app
    accepted it. Never raises (the answer is already decided)."""
    name = request.query_params.get(QUERY, "")
    if request.method != "POST" or not valid_name(name):
        return
    if not accepted(response.status_code, response.headers.get("location", "")):
        return
    if not session.owns(request.cookies.get(SESSION_COOKIE)):
        return
    try:
        await run_in_threadpool(drop, session, name)
    except UserError:  # locked meanwhile, or a full disk: the draft is offered again
        return
