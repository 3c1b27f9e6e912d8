"""Who may do what, decided on every request (org, case and role), and the API's errors.

Case roles: ``owner`` (the victim: grants, revokes, reads, adds, exports), ``advocate``
(reads and adds), ``lawyer`` (reads, adds, exports), ``contributor`` (adds only, sealed
to the case's drop box; never reads). Org roles: ``admin`` (manages the org's roles,
sees the routing data of its cases but no evidence), ``caseworker`` and ``client`` (may
open cases), ``auditor`` (reads the custody and access chain of the org's cases only).
A grant past its expiry or revoked counts as none. Someone with no grant on a case is
told it does not exist (404), so case ids of other organisations cannot be probed.
"""

from __future__ import annotations

import hashlib
import uuid

from spoorvast.storage.server_pg import CaseRow, Membership, ServerStore, now

READ = frozenset({"owner", "advocate", "lawyer"})
ADD = READ | {"contributor"}
EXPORT = frozenset({"owner", "lawyer"})
OWNER = frozenset({"owner"})
CASE_ROLES = ADD
ORG_ROLES = frozenset({"admin", "caseworker", "auditor", "client"})
OPENS_CASES = frozenset({"caseworker", "client"})


class ApiError(Exception):
    """An answer with an HTTP status and a stable code; never content, never a trace."""

    def __init__(self, status: int, code: str, seq: int | None = None) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.seq = seq  # where an answer names a record of the caller's own


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def account_of(store: ServerStore, authorization: str | None) -> uuid.UUID:
    scheme, _, token = (authorization or "").partition(" ")
    account = store.token_account(token_hash(token)) if scheme.lower() == "bearer" else None
    if account is None:
        raise ApiError(401, "not_logged_in")
    return account


def case_or_404(store: ServerStore, case_id: uuid.UUID) -> CaseRow:
    case = store.case(case_id)
    if case is None:
        raise ApiError(404, "no_such_case")
    return case


def grant(store: ServerStore, case_id: uuid.UUID, account: uuid.UUID,
          roles: frozenset[str]) -> Membership:
    """The account's active grant on the case, when its role is one of *roles*."""
    member = store.membership(case_id, account)
    if member is None or not member.active(now()):
        raise ApiError(404, "no_such_case")
    if member.role not in roles:
        raise ApiError(403, "role_may_not")
    return member


def may_read_chain(store: ServerStore, case_id: uuid.UUID, account: uuid.UUID) -> None:
    member = store.membership(case_id, account)
    if member is not None and member.active(now()) and member.role in READ:
        return
    case = case_or_404(store, case_id)
    if "auditor" not in store.org_roles(case.org_id, account):
        raise ApiError(404, "no_such_case")


def org_role(store: ServerStore, org: uuid.UUID, account: uuid.UUID,
             roles: frozenset[str]) -> None:
    if not store.org_roles(org, account) & roles:
        raise ApiError(404, "no_such_org")
