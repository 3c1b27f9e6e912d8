"""Accounts (public keys only), login by a signed challenge, organisations, notices.

Login: the client asks for a challenge (32 random bytes, valid 2 minutes, usable once),
signs ``spoorvast-login`` + challenge with its Ed25519 key and gets a bearer token valid
15 minutes (only its SHA-256 is stored).

Who may make an account or an organisation: the operator (the ``X-Spoorvast-Operator``
header carries the token the deployment set in ``SPOORVAST_SERVER_OPERATOR_TOKEN``), or,
for an account, whoever holds an invitation an org admin made (one use, 7 days by
default; the account gets the invitation's org role). A server started without an
operator token makes accounts by invitation only and organisations not at all.

Passkeys (WebAuthn, ``routes_passkeys``) and OIDC (``routes_oidc``) are the browser's
ways to get the same token: their routes end in :func:`_issue_token`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Header
from pydantic import BaseModel

from spoorvast.server.access import ORG_ROLES, ApiError, org_role, token_hash
from spoorvast.server.deps import Me, State, b64, unb64
from spoorvast.storage.sharing_keys import verify_signature

router = APIRouter()
CHALLENGE_TTL = timedelta(minutes=2)
TOKEN_TTL = timedelta(minutes=15)
REGISTER = b"spoorvast-register\0"
LOGIN = b"spoorvast-login\0"


class Register(BaseModel):
    box: str
    verify: str
    signature: str
    invitation: str | None = None


class Invite(BaseModel):
    role: str
    days: int = 7


Operator = Annotated[str | None, Header(alias="x-spoorvast-operator")]


class Login(BaseModel):
    account: uuid.UUID
    challenge: str
    signature: str


class OrgRole(BaseModel):
    account: uuid.UUID
    role: str


@router.get("/server")
def server_key(state: State) -> dict[str, object]:
    return {"verify": b64(state.verify_key), "protocol": "1",
            "direct_upload": state.objects.direct}


@router.post("/accounts")
def register(body: Register, state: State, operator: Operator = None) -> dict[str, str]:
    box, verify = unb64(body.box, 32), unb64(body.verify, 32)
    if not verify_signature(verify, REGISTER + box + verify, unb64(body.signature)):
        raise ApiError(422, "bad_signature")
    if is_operator(state, operator):
        return {"account": str(state.store.add_account(box, verify))}
    invited = state.store.add_invited_account(box, verify, token_hash(body.invitation)) \
        if body.invitation else None
    if invited is None:
        raise ApiError(403, "invitation_required")
    return {"account": str(invited)}


def is_operator(state: State, token: str | None) -> bool:
    if state.operator is None or not token:
        return False
    return hmac.compare_digest(hashlib.sha256(token.encode()).digest(), state.operator)


@router.get("/accounts/{account}")
def account_keys(account: uuid.UUID, me: Me, state: State) -> dict[str, str]:
    """An account's public keys (to wrap a case key to it, and to compare fingerprints)."""
    found = state.store.account(account)
    if found is None:
        raise ApiError(404, "no_such_account")
    return {"account": str(found.id), "box": b64(found.box_public),
            "verify": b64(found.verify_public)}


@router.post("/auth/challenge")
def challenge(body: dict[str, uuid.UUID], state: State) -> dict[str, str]:
    account = body.get("account")
    nonce = secrets.token_bytes(32)
    if account is not None and state.store.account(account) is not None:
        state.store.add_secret("challenges", nonce, account, CHALLENGE_TTL)
    return {"challenge": b64(nonce)}  # the same answer for unknown accounts


@router.post("/auth/token")
def token(body: Login, state: State) -> dict[str, object]:
    nonce = unb64(body.challenge)
    account = state.store.account(body.account)
    signed = account is not None and verify_signature(
        account.verify_public, LOGIN + nonce, unb64(body.signature))
    if not signed or state.store.take_challenge(nonce) != body.account:
        raise ApiError(401, "login_refused")
    return _issue_token(state, body.account)


def _issue_token(state: State, account: uuid.UUID) -> dict[str, object]:
    value = secrets.token_urlsafe(32)
    state.store.add_secret("tokens", token_hash(value), account, TOKEN_TTL)
    return {"token": value, "expires_in": int(TOKEN_TTL.total_seconds())}


@router.post("/orgs")
def create_org(me: Me, state: State, operator: Operator = None) -> dict[str, str]:
    """A new organisation with the caller as its admin: the operator's only."""
    if not is_operator(state, operator):
        raise ApiError(403, "operator_only")
    return {"org": str(state.store.add_org(me))}


@router.post("/orgs/{org}/invitations")
def invite(org: uuid.UUID, body: Invite, me: Me, state: State) -> dict[str, str]:
    """A one-use invitation to make an account with an org role (the org's admin's)."""
    org_role(state.store, org, me, frozenset({"admin"}))
    if body.role not in ORG_ROLES or not 1 <= body.days <= 90:
        raise ApiError(422, "bad_role_or_days")
    code = secrets.token_urlsafe(24)
    expires = state.store.add_invitation(token_hash(code), org, body.role, me,
                                         timedelta(days=body.days))
    return {"invitation": code, "expires_at": expires.isoformat()}


@router.post("/orgs/{org}/roles")
def add_org_role(org: uuid.UUID, body: OrgRole, me: Me, state: State) -> dict[str, bool]:
    org_role(state.store, org, me, frozenset({"admin"}))
    if body.role not in ORG_ROLES or state.store.account(body.account) is None:
        raise ApiError(422, "bad_role_or_account")
    state.store.set_org_role(org, body.account, body.role)
    return {"ok": True}


@router.get("/orgs/{org}/cases")
def org_cases(org: uuid.UUID, me: Me, state: State) -> list[dict[str, object]]:
    """Routing data of the org's cases (ids, counts): no title, no evidence."""
    org_role(state.store, org, me, frozenset({"admin", "auditor"}))
    return [{"case": str(c.id), "records": c.last_seq, "chain": c.chain_len}
            for c in state.store.org_cases(org)]


@router.get("/notices")
def notices(me: Me, state: State) -> list[dict[str, object]]:
    return [{"case": str(case), "latest_seq": seq} for case, seq in state.store.notices(me)]
