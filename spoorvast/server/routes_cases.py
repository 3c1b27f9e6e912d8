"""Cases, their members (grant, revoke with key rotation), keys, drop boxes, the chain.

Every fetch of wrapped keys and every export is appended to the case's chain as an
access entry the server signs, naming who, what and when; so are grants, revocations
and expiries. The victim's app shows them.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body
from pydantic import BaseModel, Field

from spoorvast.server import access
from spoorvast.server.access import ApiError
from spoorvast.server.deps import Me, State, b64, unb64
from spoorvast.storage.server_pg import Membership, now
from spoorvast.storage.sharing_keys import verify_signature

router = APIRouter()
MAX_PAGE = 1000


class NewCase(BaseModel):
    case: uuid.UUID
    org: uuid.UUID
    title: str
    dropbox: str
    wrapped: str
    purpose: str


class Signed(BaseModel):
    entry: str = ""  # canonical JSON of the owner's, signed by them
    signature: str = ""


class Grant(Signed):
    account: uuid.UUID
    role: str
    purpose: str
    expires_at: datetime | None = None
    wraps: dict[int, str] = {}


class Rotation(BaseModel):
    epoch: int
    dropbox: str
    wraps: dict[uuid.UUID, str]


class Revoke(Signed):
    rotation: Rotation | None = None


def _owner_signed(state: State, case_id: uuid.UUID, me: uuid.UUID, body: Signed,
                  wanted: dict[str, object]) -> tuple[bytes, bytes]:
    """Grants and revocations are signed by the owner, so the server cannot make one up
    (members' apps check that every member has one)."""
    entry, signature = unb64(body.entry), unb64(body.signature)
    account = state.store.account(me)
    assert account is not None
    try:
        fields = json.loads(entry)
    except ValueError as exc:
        raise ApiError(422, "bad_entry") from exc
    wanted = {**wanted, "case": str(case_id), "author": str(me)}
    if not isinstance(fields, dict) or any(fields.get(k) != v for k, v in wanted.items()):
        raise ApiError(422, "entry_does_not_match")
    if not verify_signature(account.verify_public, entry, signature):
        raise ApiError(422, "bad_signature")
    return entry, signature


class Export(BaseModel):
    subject: str = Field(pattern=r"^[A-Za-z0-9:_-]{1,64}$")  # an id, never a name


@router.post("/cases")
def create_case(body: NewCase, me: Me, state: State) -> dict[str, str]:
    access.org_role(state.store, body.org, me, access.OPENS_CASES)
    if state.store.case(body.case) is not None:
        raise ApiError(409, "case_exists")
    state.store.create_case(body.case, body.org, unb64(body.title), unb64(body.dropbox, 32),
                            me, unb64(body.wrapped), unb64(body.purpose))
    return {"case": str(body.case)}


@router.get("/cases")
def my_cases(me: Me, state: State) -> list[dict[str, object]]:
    moment = now()
    return [_membership(m) for m in state.store.cases_of(me) if m.active(moment)]


@router.get("/cases/{case_id}")
def case(case_id: uuid.UUID, me: Me, state: State) -> dict[str, object]:
    grant = access.grant(state.store, case_id, me, access.ADD)
    row = access.case_or_404(state.store, case_id)
    title = b64(row.title) if grant.role in access.READ else None
    return {"case": str(row.id), "org": str(row.org_id), "title": title, "epoch": row.epoch,
            "last_seq": row.last_seq, "chain_len": row.chain_len, "role": grant.role}


@router.get("/cases/{case_id}/members")
def members(case_id: uuid.UUID, me: Me, state: State) -> list[dict[str, object]]:
    access.grant(state.store, case_id, me, access.READ)
    out = []
    for member in state.store.members(case_id):
        account = state.store.account(member.account_id)
        assert account is not None
        out.append({**_membership(member), "box": b64(account.box_public),
                    "verify": b64(account.verify_public),
                    "revoked": member.revoked_at is not None,
                    "active": member.active(now())})
    return out


@router.post("/cases/{case_id}/members")
def add_member(case_id: uuid.UUID, body: Grant, me: Me, state: State) -> dict[str, bool]:
    access.grant(state.store, case_id, me, access.OWNER)
    if body.role not in access.CASE_ROLES - {"owner"} or body.account == me:
        raise ApiError(422, "bad_role")
    if state.store.account(body.account) is None:
        raise ApiError(422, "no_such_account")
    if body.role == "contributor" and body.wraps:
        raise ApiError(422, "contributor_gets_no_key")
    wraps = {epoch: unb64(w) for epoch, w in body.wraps.items()}
    signed = _owner_signed(state, case_id, me, body, {
        "action": "grant", "member": str(body.account), "role": body.role})
    expires = json.loads(unb64(body.entry)).get("expires_at")
    if (datetime.fromisoformat(expires) if expires else None) != body.expires_at:
        raise ApiError(422, "entry_does_not_match")
    state.store.grant(case_id, body.account, body.role, unb64(body.purpose),
                      body.expires_at, me, wraps, signed)
    return {"ok": True}


@router.post("/cases/{case_id}/members/{account}/revoke")
def revoke(case_id: uuid.UUID, account: uuid.UUID, me: Me, state: State,
           body: Annotated[Revoke | None, Body()] = None) -> dict[str, bool]:
    access.grant(state.store, case_id, me, access.OWNER)
    target = state.store.membership(case_id, account)
    if target is None or account == me:
        raise ApiError(422, "not_a_member")
    body = body or Revoke()
    if body.rotation is None and target.role in access.READ and target.revoked_at is None:
        raise ApiError(409, "rotation_required")  # a reader leaves: a new key for the rest
    rotation = _rotation(state, case_id, account, body.rotation)
    signed = _owner_signed(state, case_id, me, body, {
        "action": "revoke", "member": str(account),
        "epoch": body.rotation.epoch if body.rotation else None})
    state.store.revoke(case_id, account, (me, *signed), rotation)
    return {"ok": True}


def _rotation(state: State, case_id: uuid.UUID, leaving: uuid.UUID, body: Rotation | None
              ) -> tuple[int, bytes, dict[uuid.UUID, bytes]] | None:
    """A new epoch must come with a key for every remaining reader, and for no one else."""
    if body is None:
        return None
    case = access.case_or_404(state.store, case_id)
    readers = {m.account_id for m in state.store.members(case_id)
               if m.active(now()) and m.role in access.READ and m.account_id != leaving}
    if body.epoch != case.epoch + 1 or set(body.wraps) != readers:
        raise ApiError(409, "rotation_does_not_match")
    return body.epoch, unb64(body.dropbox, 32), {a: unb64(w) for a, w in body.wraps.items()}


@router.get("/cases/{case_id}/keys")
def keys(case_id: uuid.UUID, me: Me, state: State) -> list[dict[str, object]]:
    access.grant(state.store, case_id, me, access.READ)
    found = state.store.wrapped_keys(case_id, me)
    state.store.log_access(case_id, {"action": "key_fetch", "actor": str(me),
                                     "epochs": [epoch for epoch, _ in found]})
    return [{"epoch": epoch, "wrapped": b64(wrapped)} for epoch, wrapped in found]


@router.get("/cases/{case_id}/epochs")
def epochs(case_id: uuid.UUID, me: Me, state: State) -> list[dict[str, object]]:
    access.grant(state.store, case_id, me, access.ADD)
    return [{"epoch": e, "dropbox": b64(pk)} for e, pk in state.store.epochs(case_id)]


@router.get("/cases/{case_id}/chain")
def chain(case_id: uuid.UUID, me: Me, state: State, after: int = 0,
          limit: int = MAX_PAGE) -> list[dict[str, object]]:
    access.may_read_chain(state.store, case_id, me)
    rows = state.store.chain(case_id, after, max(1, min(limit, MAX_PAGE)))
    return [{"pos": r.pos, "signer": str(r.signer) if r.signer else None,
             "body": b64(r.body), "signature": b64(r.signature), "hash": b64(r.hash)}
            for r in rows]


@router.post("/cases/{case_id}/exports")
def export(case_id: uuid.UUID, body: Export, me: Me, state: State) -> dict[str, bool]:
    """An export (a dossier made from the shared case) is announced before it is made."""
    access.grant(state.store, case_id, me, access.EXPORT)
    state.store.log_access(case_id, {"action": "export", "actor": str(me),
                                     "subject": body.subject})
    return {"ok": True}


def _membership(member: Membership) -> dict[str, object]:
    return {"case": str(member.case_id), "account": str(member.account_id),
            "role": member.role, "purpose": b64(member.purpose),
            "expires_at": member.expires_at.isoformat() if member.expires_at else None}
