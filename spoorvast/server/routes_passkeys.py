"""Passkeys (WebAuthn, py_webauthn): another way to get the API's 15-minute token.

Adding a passkey is bound to an account that is logged in already: either by a bearer
token (its member's Ed25519 login, or a passkey login), or by an *enrolment code* the
logged-in member's app asks for (``POST /auth/passkeys/enrolment``: one use, 10
minutes), which a browser that holds no key presents on the ``/account`` page.

Every WebAuthn challenge is 32 random bytes, stored (hashed) as a one-use step of two
minutes, found again from the challenge the browser signed into its client data and
taken before anything is checked: a replayed or expired answer finds no step. The
relying party id and origin come from the settings, never from the request. A login's
sign count must grow past the stored one (py_webauthn checks it; authenticators that
keep no counter report 0 always), and is stored only if no other login moved it first.

A passkey logs into its account and nothing more: the token routes and authorises
requests as the Ed25519 login's does; case keys still open only with the member's X25519
secret in their own app, which no browser login ever sees.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header
from pydantic import BaseModel
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    bytes_to_base64url,
    options_to_json_dict,
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from spoorvast.server.access import ApiError, account_of, token_hash
from spoorvast.server.deps import Me, State
from spoorvast.server.routes_accounts import _issue_token
from spoorvast.server.state import ServerState
from spoorvast.storage.server_logins import LoginStore

router = APIRouter()
CHALLENGE_TTL = timedelta(minutes=2)
ENROL_TTL = timedelta(minutes=10)
MAX_CREDENTIAL = 64 * 1024  # bytes of JSON: a passkey's answer is a few hundred
PENDING_CAP = 10_000  # logins begun by anyone and not finished, at most, at once


class Enrol(BaseModel):
    enrolment: str | None = None


class Answer(BaseModel):
    credential: dict[str, Any]


def _party(state: ServerState) -> tuple[str, str]:
    rp_id, origin = state.logins.relying_party, state.logins.origin
    if not rp_id or not origin:
        raise ApiError(404, "passkeys_off")
    return rp_id, origin


def _logins(state: ServerState) -> LoginStore:
    return LoginStore(state.store)


@router.post("/auth/passkeys/enrolment")
def enrolment(me: Me, state: State) -> dict[str, object]:
    """A one-use code that lets a browser add a passkey to the caller's account."""
    _party(state)
    code = secrets.token_urlsafe(32)
    _logins(state).add_step(code.encode(), "passkey_enrol", ENROL_TTL, account=me)
    return {"code": code, "expires_in": int(ENROL_TTL.total_seconds()),
            "url": f"{state.logins.origin}/account#enrol={code}"}


@router.post("/auth/passkeys/register/options")
def register_options(body: Enrol, state: State, authorization: Annotated[
        str | None, Header()] = None) -> dict[str, Any]:
    rp_id, _origin = _party(state)
    account = _enrolling(state, body.enrolment, authorization)
    known = [PublicKeyCredentialDescriptor(id=p.credential_id)
             for p in _logins(state).passkeys_of(account)]
    options = generate_registration_options(
        rp_id=rp_id, rp_name=state.logins.rp_name, user_id=account.bytes,
        user_name=str(account), exclude_credentials=known,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED))
    _logins(state).add_step(options.challenge, "passkey_register", CHALLENGE_TTL,
                            account=account)
    return options_to_json_dict(options)


def _enrolling(state: ServerState, code: str | None, authorization: str | None
               ) -> uuid.UUID:
    if code:
        step = _logins(state).take_step(code.encode(), "passkey_enrol")
        if step is None or step.account_id is None:
            raise ApiError(401, "enrolment_refused")
        return step.account_id
    return account_of(state.store, authorization)


@router.post("/auth/passkeys/register")
def register(body: Answer, state: State) -> dict[str, object]:
    rp_id, origin = _party(state)
    try:
        credential = parse_registration_credential_json(_bounded(body.credential))
        challenge = parse_client_data_json(credential.response.client_data_json).challenge
        step = _logins(state).take_step(challenge, "passkey_register")
        if step is None or step.account_id is None:
            raise ApiError(401, "challenge_refused")
        verified = verify_registration_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=origin, require_user_verification=True)
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise ApiError(401, "passkey_refused") from exc
    if not _logins(state).add_passkey(verified.credential_id, step.account_id,
                                      verified.credential_public_key, verified.sign_count):
        raise ApiError(409, "passkey_known")
    return {"credential": bytes_to_base64url(verified.credential_id),
            "account": str(step.account_id)}


@router.post("/auth/passkeys/login/options")
def login_options(state: State) -> dict[str, Any]:
    rp_id, _origin = _party(state)
    options = generate_authentication_options(
        rp_id=rp_id, user_verification=UserVerificationRequirement.REQUIRED)
    if not _logins(state).add_step(options.challenge, "passkey_login", CHALLENGE_TTL,
                                   cap=PENDING_CAP):
        raise ApiError(429, "busy")
    return options_to_json_dict(options)


@router.post("/auth/passkeys/login")
def login(body: Answer, state: State) -> dict[str, object]:
    rp_id, origin = _party(state)
    logins = _logins(state)
    try:
        credential = parse_authentication_credential_json(_bounded(body.credential))
        challenge = parse_client_data_json(credential.response.client_data_json).challenge
        step = logins.take_step(challenge, "passkey_login")
        known = logins.passkey(credential.raw_id)
        if step is None or known is None or not _handle_fits(
                credential.response.user_handle, known.account_id):
            raise ApiError(401, "login_refused")
        verified = verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=origin, credential_public_key=known.public_key,
            credential_current_sign_count=known.sign_count, require_user_verification=True)
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise ApiError(401, "login_refused") from exc
    if not logins.use_passkey(known.credential_id, known.sign_count, verified.new_sign_count):
        raise ApiError(401, "login_refused")
    return {**_issue_token(state, known.account_id), "account": str(known.account_id)}


def _handle_fits(handle: bytes | None, account: uuid.UUID) -> bool:
    return handle is None or handle == account.bytes


def _bounded(credential: dict[str, Any]) -> dict[str, Any]:
    if len(repr(credential)) > MAX_CREDENTIAL:
        raise ApiError(413, "too_large")
    return credential


@router.post("/auth/logout")
def logout(state: State, authorization: Annotated[str | None, Header()] = None
           ) -> dict[str, bool]:
    """End the bearer token now (the page's "log out"), whichever login gave it."""
    account_of(state.store, authorization)
    _logins(state).end_token(token_hash((authorization or "").partition(" ")[2]))
    return {"ok": True}


@router.get("/auth/passkeys")
def passkeys(me: Me, state: State) -> list[dict[str, object]]:
    return [{"credential": bytes_to_base64url(p.credential_id),
             "created_at": p.created_at.isoformat(),
             "used_at": p.used_at.isoformat() if p.used_at else None}
            for p in _logins(state).passkeys_of(me)]


@router.delete("/auth/passkeys/{credential}")
def remove(credential: str, me: Me, state: State) -> dict[str, bool]:
    from webauthn import base64url_to_bytes

    try:
        raw = base64url_to_bytes(credential)
    except ValueError as exc:
        raise ApiError(422, "bad_base64") from exc
    if not _logins(state).remove_passkey(raw, me):
        raise ApiError(404, "no_such_passkey")
    return {"ok": True}
