"""Browser logins in the server's PostgreSQL store: passkeys, one-use steps, OIDC links.

- ``passkeys``: a WebAuthn credential (its id, COSE public key and last sign count) of
  an account. No name, no e-mail: the browser shows the account's id only.
- ``login_steps``: every single-use, expiring secret of a browser login, stored under
  the SHA-256 of its value: an enrolment code (lets a browser add a passkey to the
  account that asked for it), a WebAuthn challenge (registration or login), an OIDC
  link code, and an OIDC login's state (with its nonce and PKCE verifier). A step is
  taken (deleted and returned) at once, so a replay finds nothing.
- ``oidc_links``: which identity (issuer, subject) logs into which existing account,
  for which organisation, and who linked it. Nothing here makes an account or a role.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from spoorvast.storage.server_pg import ServerStore, _time, _uuid, now

STEP_KINDS = frozenset({"passkey_enrol", "passkey_register", "passkey_login",
                        "oidc_link", "oidc_state"})


@dataclass(frozen=True)
class Step:
    kind: str
    account_id: uuid.UUID | None
    org_id: uuid.UUID | None
    data: bytes


@dataclass(frozen=True)
class Passkey:
    credential_id: bytes
    account_id: uuid.UUID
    public_key: bytes
    sign_count: int
    created_at: datetime
    used_at: datetime | None


@dataclass(frozen=True)
class OidcLink:
    issuer: str
    subject: str
    account_id: uuid.UUID
    org_id: uuid.UUID


def step_hash(value: bytes) -> bytes:
    return hashlib.sha256(value).digest()


class LoginStore:
    """The login tables, through the server store's pool of connections."""

    def __init__(self, store: ServerStore) -> None:
        self.store = store

    # single-use steps ---------------------------------------------------------------

    def add_step(self, value: bytes, kind: str, ttl: timedelta, data: bytes = b"",
                 account: uuid.UUID | None = None, org: uuid.UUID | None = None,
                 cap: int | None = None) -> bool:
        """Keep the step; False (nothing kept) when *cap* steps of its kind are pending
        already (steps anyone may start, so a flood cannot grow the table)."""
        assert kind in STEP_KINDS
        with self.store._tx() as conn:
            conn.execute("DELETE FROM login_steps WHERE expires_at < now()")
            if cap is not None:
                row = conn.execute("SELECT count(*) FROM login_steps WHERE kind = %s",
                                   (kind,)).fetchone()
                if row is not None and int(row[0]) >= cap:
                    return False
            conn.execute("INSERT INTO login_steps VALUES (%s, %s, %s, %s, %s, %s)",
                         (step_hash(value), kind, account, org, data, now() + ttl))
        return True

    def take_step(self, value: bytes, kind: str) -> Step | None:
        """The step, used up; None when unknown, of another kind, used or expired."""
        with self.store._tx() as conn:
            row = conn.execute("DELETE FROM login_steps WHERE key_hash = %s AND kind = %s "
                               "AND expires_at > now() RETURNING account_id, org_id, data",
                               (step_hash(value), kind)).fetchone()
        if row is None:
            return None
        return Step(kind, _uuid(row[0]) if row[0] else None,
                    _uuid(row[1]) if row[1] else None, bytes(row[2]))

    def end_token(self, token_hash: bytes) -> None:
        with self.store._tx() as conn:
            conn.execute("DELETE FROM tokens WHERE token_hash = %s", (token_hash,))

    # passkeys -------------------------------------------------------------------------

    def add_passkey(self, credential_id: bytes, account: uuid.UUID, public_key: bytes,
                    sign_count: int) -> bool:
        """False when the credential is registered already (to any account)."""
        with self.store._tx() as conn:
            cursor = conn.execute("INSERT INTO passkeys (credential_id, account_id, "
                                  "public_key, sign_count) VALUES (%s, %s, %s, %s) "
                                  "ON CONFLICT DO NOTHING",
                                  (credential_id, account, public_key, sign_count))
            return cursor.rowcount == 1

    def passkey(self, credential_id: bytes) -> Passkey | None:
        found = self._passkeys("credential_id = %s", credential_id)
        return found[0] if found else None

    def passkeys_of(self, account: uuid.UUID) -> list[Passkey]:
        return self._passkeys("account_id = %s", account)

    def _passkeys(self, where: str, arg: object) -> list[Passkey]:
        with self.store._tx() as conn:
            rows = conn.execute("SELECT credential_id, account_id, public_key, sign_count, "
                                f"created_at, used_at FROM passkeys WHERE {where} "
                                "ORDER BY created_at", (arg,)).fetchall()
        return [Passkey(bytes(r[0]), _uuid(r[1]), bytes(r[2]), int(r[3]),
                        _time(r[4]) or now(), _time(r[5])) for r in rows]

    def use_passkey(self, credential_id: bytes, seen: int, new_count: int) -> bool:
        """Move the sign count from *seen* to *new_count*; False when another login moved
        it first (two logins with one counter value: a cloned authenticator)."""
        with self.store._tx() as conn:
            cursor = conn.execute("UPDATE passkeys SET sign_count = %s, used_at = now() "
                                  "WHERE credential_id = %s AND sign_count = %s",
                                  (new_count, credential_id, seen))
            return cursor.rowcount == 1

    def remove_passkey(self, credential_id: bytes, account: uuid.UUID) -> bool:
        with self.store._tx() as conn:
            cursor = conn.execute("DELETE FROM passkeys WHERE credential_id = %s AND "
                                  "account_id = %s", (credential_id, account))
            return cursor.rowcount == 1

    # OIDC links ----------------------------------------------------------------------

    def link(self, issuer: str, subject: str, account: uuid.UUID, org: uuid.UUID,
             linked_by: uuid.UUID) -> bool:
        """False when the identity is linked already (to this or another account)."""
        with self.store._tx() as conn:
            cursor = conn.execute("INSERT INTO oidc_links (issuer, subject, account_id, "
                                  "org_id, linked_by) VALUES (%s, %s, %s, %s, %s) "
                                  "ON CONFLICT DO NOTHING",
                                  (issuer, subject, account, org, linked_by))
            return cursor.rowcount == 1

    def linked(self, issuer: str, subject: str) -> OidcLink | None:
        with self.store._tx() as conn:
            row = conn.execute("SELECT account_id, org_id FROM oidc_links WHERE issuer = %s"
                               " AND subject = %s", (issuer, subject)).fetchone()
        return OidcLink(issuer, subject, _uuid(row[0]), _uuid(row[1])) if row else None

    def unlink(self, issuer: str, subject: str, org: uuid.UUID) -> bool:
        with self.store._tx() as conn:
            cursor = conn.execute("DELETE FROM oidc_links WHERE issuer = %s AND subject = %s"
                                  " AND org_id = %s", (issuer, subject, org))
            return cursor.rowcount == 1
