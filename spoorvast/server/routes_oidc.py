"""OIDC login (for an organisation that runs an identity provider, e.g. Keycloak).

``GET /account/oidc/start`` sends the browser to the issuer with a fresh state, nonce
and PKCE verifier (kept as a one-use step of 10 minutes; the state is also set in a
cookie only this path sees, so a callback in another browser is refused);
``GET /account/oidc/callback`` takes the step, trades the code for an ID token, checks
it (:mod:`spoorvast.server.oidc`) and answers the ``/account`` page with the API's
15-minute token, or with why not.

An identity logs in only to an account it was linked to, and only while that account
holds a role in the organisation it was linked for, and that organisation is one the
settings allow for the issuer. A link is made by the organisation's admin (naming the
issuer's subject), or by a link code (``POST /orgs/{org}/oidc/invitations``: one use,
7 days) that the admin makes for a member, or a member for themselves, and that the
member's browser brings through the issuer. No OIDC login ever makes an account or
gives a role: an unknown identity gets nothing.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Cookie, Query
from pydantic import BaseModel
from starlette.responses import RedirectResponse, Response

from spoorvast.server.access import ApiError, org_role
from spoorvast.server.deps import Me, State
from spoorvast.server.login_settings import OidcSettings
from spoorvast.server.oidc import OidcClient, OidcRefused
from spoorvast.server.routes_account_page import account_page
from spoorvast.server.routes_accounts import _issue_token
from spoorvast.server.routes_droppage import Accept, language
from spoorvast.server.state import ServerState
from spoorvast.storage.server_logins import LoginStore

router = APIRouter()
STATE_TTL = timedelta(minutes=10)
LINK_TTL = timedelta(days=7)
COOKIE = "sv_oidc"
PENDING_CAP = 10_000  # OIDC logins begun and not finished, at most, at once
_clients: dict[tuple[str, str, str], OidcClient] = {}
_clients_lock = threading.Lock()


class LinkSubject(BaseModel):
    account: uuid.UUID
    subject: str


class Subject(BaseModel):
    subject: str


class LinkInvite(BaseModel):
    account: uuid.UUID


def _settings(state: ServerState) -> tuple[OidcSettings, OidcClient]:
    settings, redirect = state.logins.oidc, state.logins.oidc_redirect
    if settings is None or redirect is None:
        raise ApiError(404, "oidc_off")
    key = (settings.issuer, settings.client_id, redirect)
    with _clients_lock:
        client = _clients.get(key)
        if client is None or client.settings != settings:
            client = _clients[key] = OidcClient(settings, redirect)
    return settings, client


@router.get("/account/oidc/start")
def start(state: State, link: str | None = None, lang: str | None = None,
          accept_language: Accept = None) -> Response:
    _unused, client = _settings(state)
    chosen = language(lang, accept_language)
    try:
        started = client.start()
    except OidcRefused as exc:
        return account_page(state, chosen, {"error": exc.code})
    data = json.dumps({"nonce": started.nonce, "verifier": started.verifier,
                       "link": link, "lang": chosen}).encode()
    if not LoginStore(state.store).add_step(started.state.encode(), "oidc_state", STATE_TTL,
                                            data, cap=PENDING_CAP):
        return account_page(state, chosen, {"error": "busy"})
    response = RedirectResponse(started.url, status_code=303)
    response.set_cookie(COOKIE, started.state, max_age=int(STATE_TTL.total_seconds()),
                        path="/account/oidc", httponly=True, samesite="lax",
                        secure=(state.logins.origin or "").startswith("https://"))
    return response


@router.get("/account/oidc/callback")
def callback(state: State, code: str | None = None,
             given: Annotated[str | None, Query(alias="state")] = None,
             sv_oidc: Annotated[str | None, Cookie()] = None,
             accept_language: Accept = None) -> Response:
    return _finish(state, code, given, sv_oidc, accept_language)


def _finish(state: ServerState, code: str | None, given: str | None, cookie: str | None,
            accept_language: str | None) -> Response:
    settings, client = _settings(state)
    if not given or not cookie or not hmac.compare_digest(given, cookie):
        return _answer(state, language(None, accept_language), {"error": "state_refused"})
    step = LoginStore(state.store).take_step(given.encode(), "oidc_state")
    if step is None:
        return _answer(state, language(None, accept_language), {"error": "state_refused"})
    kept = json.loads(step.data)
    lang = language(kept.get("lang"), accept_language)
    if not code:
        return _answer(state, lang, {"error": "issuer_refused"})
    try:
        claims = client.finish(code, kept["nonce"], kept["verifier"])
        account = _account(state, settings, str(claims["sub"]), kept.get("link"))
    except OidcRefused as exc:
        return _answer(state, lang, {"error": exc.code})
    return _answer(state, lang, {**_issue_token(state, account), "account": str(account),
                                 "via": "oidc"})


def _answer(state: ServerState, lang: str, result: dict[str, object]) -> Response:
    response = account_page(state, lang, result)
    response.delete_cookie(COOKIE, path="/account/oidc")
    return response


def _account(state: ServerState, settings: OidcSettings, subject: str,
             link: str | None) -> uuid.UUID:
    logins = LoginStore(state.store)
    if link:
        step = logins.take_step(link.encode(), "oidc_link")
        if step is None or step.account_id is None or step.org_id is None:
            raise OidcRefused("link_refused")
        _may_link(state, settings, step.org_id, step.account_id)
        maker = uuid.UUID(bytes=step.data)
        if not logins.link(settings.issuer, subject, step.account_id, step.org_id, maker):
            found = logins.linked(settings.issuer, subject)
            if found is None or found.account_id != step.account_id:
                raise OidcRefused("linked_elsewhere")
    found = logins.linked(settings.issuer, subject)
    if found is None:
        raise OidcRefused("not_linked")
    if found.org_id not in settings.orgs or not state.store.org_roles(found.org_id,
                                                                      found.account_id):
        raise OidcRefused("org_not_allowed")
    return found.account_id


def _may_link(state: ServerState, settings: OidcSettings, org: uuid.UUID,
              account: uuid.UUID) -> None:
    if org not in settings.orgs or not state.store.org_roles(org, account):
        raise OidcRefused("org_not_allowed")


@router.post("/orgs/{org}/oidc/links")
def link_subject(org: uuid.UUID, body: LinkSubject, me: Me, state: State
                 ) -> dict[str, bool]:
    """The org admin links the issuer's subject to an account of the org."""
    settings, _client = _settings(state)
    org_role(state.store, org, me, frozenset({"admin"}))
    if org not in settings.orgs or not state.store.org_roles(org, body.account):
        raise ApiError(422, "not_a_member")
    if not 1 <= len(body.subject) <= 255:
        raise ApiError(422, "bad_subject")
    if not LoginStore(state.store).link(settings.issuer, body.subject, body.account, org, me):
        raise ApiError(409, "linked_already")
    return {"ok": True}


@router.post("/orgs/{org}/oidc/unlink")
def unlink_subject(org: uuid.UUID, body: Subject, me: Me, state: State) -> dict[str, bool]:
    """The org admin ends a link the org made (someone left the organisation)."""
    settings, _client = _settings(state)
    org_role(state.store, org, me, frozenset({"admin"}))
    if not LoginStore(state.store).unlink(settings.issuer, body.subject, org):
        raise ApiError(404, "no_such_link")
    return {"ok": True}


@router.post("/orgs/{org}/oidc/invitations")
def link_code(org: uuid.UUID, body: LinkInvite, me: Me, state: State) -> dict[str, object]:
    """A one-use code that links the identity it comes back with to the account: the
    org admin's for any member of the org, or a member's for themselves."""
    settings, _client = _settings(state)
    if body.account != me:
        org_role(state.store, org, me, frozenset({"admin"}))
    if org not in settings.orgs or not state.store.org_roles(org, body.account):
        raise ApiError(404, "no_such_org")
    code = secrets.token_urlsafe(32)
    LoginStore(state.store).add_step(code.encode(), "oidc_link", LINK_TTL, me.bytes,
                                     account=body.account, org=org)
    return {"code": code, "expires_in": int(LINK_TTL.total_seconds()),
            "url": f"{state.logins.origin}/account/oidc/start?link={code}"}
