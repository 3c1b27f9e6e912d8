"""``GET /account``: the server's browser login page (passkeys, and OIDC where set up).

A member whose app holds their keys opens the link their app made
(``/account#enrol=…``: the code stays in the fragment, so it reaches no log and no
Referer) and adds a passkey; later the page logs in with it and holds the API's
15-minute token in the tab's session storage, for the server's other web pages. The OIDC
callback answers this same page with its result. The page's words are translated here,
in the language the browser asks for; its script (``/account/static/account.js``) uses
the browser's ``navigator.credentials`` and no library.

Logged in, the page lists the account's passkeys (when each was added and last used, in
the browser's language) and removes one — a lost phone's passkey ends here, not only
through the API.

A browser login never sees a case key: evidence stays sealed to the member's X25519
key, in their own app.
"""

from __future__ import annotations

import html
import json
from importlib import resources

from fastapi import APIRouter
from starlette.responses import Response

from spoorvast.i18n import N_, gettext_in
from spoorvast.server.deps import State
from spoorvast.server.routes_droppage import Accept, language
from spoorvast.server.state import ServerState

router = APIRouter()
SCRIPT = resources.files("spoorvast.server") / "static" / "account.js"
TEXT = {
    "title": N_("Your account"),
    "heading": N_("Log in to the organisation's server"),
    "intro": N_("This login lets you reach your organisation's server. It never opens "
                "what is in a case: that stays locked to the keys in your own app."),
    "login_passkey": N_("Log in with a passkey"),
    "login_oidc": N_("Log in with your organisation's account"),
    "enrol": N_("Add a passkey to your account, so that you can log in with it from "
                "this device."),
    "add": N_("Add a passkey"),
    "added": N_("The passkey was added. You can now log in with it."),
    "logged_in": N_("You are logged in as account {account}."),
    "logout": N_("Log out"),
    "logged_out": N_("You are logged out."),
    "refused": N_("The login was refused."),
    "failed": N_("That did not work. Please try again."),
    "unsupported": N_("This browser cannot use passkeys."),
    "not_linked": N_("This account of your organisation is not linked to an account "
                     "here yet. Ask your organisation's administrator."),
    "ended": N_("This link has ended or was used already. Ask for a new one."),
    "noscript": N_("This page needs JavaScript."),
    "off": N_("No way to log in from a browser is set up on this server."),
    "keys": N_("Passkeys on this account"),
    "key_used": N_("Added {added}, last used {used}."),
    "key_unused": N_("Added {added}, not used yet."),
    "key_remove": N_("Remove this passkey"),
    "key_removed": N_("The passkey was removed: it can no longer log in."),
    "no_keys": N_("There is no passkey on this account."),
}
_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>
body {{ font: 17px/1.45 system-ui, sans-serif; margin: 0 auto; padding: 1rem;
  max-width: 36rem; color: #222; }}
h1 {{ font-size: 1.3rem; }}
h2 {{ font-size: 1.1rem; }}
#key-list {{ padding: 0; list-style: none; }}
#key-list li {{ border-top: 1px solid #ccc; padding: .5rem 0; }}
button {{ display: block; width: 100%; margin: .8rem 0; padding: .8rem;
  font-size: 1rem; }}
</style>
<script type="application/json" id="account-data">{data}</script>
<script type="module" src="/account/static/account.js"></script>
</head><body data-state="loading">
<h1>{heading}</h1>
<p>{intro}</p>
<noscript><p>{noscript}</p></noscript>
<section id="enrol" hidden><p>{enrol}</p>
<button id="add" type="button">{add}</button></section>
<section id="out" hidden>
<button id="passkey" type="button" hidden>{login_passkey}</button>
<button id="oidc" type="button" hidden>{login_oidc}</button></section>
<section id="in" hidden><p id="who"></p>
<section id="keys" hidden><h2>{keys}</h2><ul id="key-list"></ul></section>
<button id="add-more" type="button" hidden>{add}</button>
<button id="logout" type="button">{logout}</button></section>
<p id="status" role="status" aria-live="polite"></p>
</body></html>
"""
HEADERS = {"cache-control": "no-store", "referrer-policy": "no-referrer",
           "x-content-type-options": "nosniff",
           "content-security-policy": (
               "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; "
               "connect-src 'self'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")}


def words(lang: str) -> dict[str, str]:
    return {key: gettext_in(lang, text) for key, text in TEXT.items()}


def account_page(state: ServerState, lang: str, result: dict[str, object] | None = None
                 ) -> Response:
    text = words(lang)
    data = {"text": text, "passkeys": state.logins.relying_party is not None,
            "oidc": state.logins.oidc is not None and state.logins.origin is not None,
            "lang": lang, "result": result}
    body = _PAGE.format(lang=lang, data=json.dumps(data).replace("<", "\\u003c"),
                        **{k: html.escape(v) for k, v in text.items()})
    return Response(body, media_type="text/html; charset=utf-8", headers=HEADERS)


@router.get("/account")
def page(state: State, accept_language: Accept = None, lang: str | None = None) -> Response:
    return account_page(state, language(lang, accept_language))


@router.get("/account/static/account.js")
def script() -> Response:
    return Response(SCRIPT.read_bytes(), media_type="text/javascript",
                    headers={"cache-control": "no-cache", "x-content-type-options": "nosniff"})
