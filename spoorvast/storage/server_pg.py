"""The organisation's server store on PostgreSQL (psycopg 3): ciphertext and routing only.

It knows accounts (public keys), organisations and their roles, cases (a random id, an
encrypted title), memberships with a case role, purpose (encrypted) and expiry, wrapped
keys per (case, member, epoch), records (opaque bytes in an order the server assigns per
case), blobs (where their ciphertext lies in the object store) and the case's chain:
custody entries signed by their authors and access entries signed by the server, each
hashed over the previous one (:func:`sharing_keys.chain_hash`).

Appends to one case take the case's row lock, so two members pushing at once get one
order, never a fork or a lost entry. Authorization is not decided here (see
``spoorvast.server.access``): this module only answers and writes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import tuple_row
from psycopg_pool import ConnectionPool

from spoorvast.storage.server_migrations import MIGRATIONS
from spoorvast.storage.sharing_keys import GENESIS, chain_hash

Signer = Callable[[bytes], bytes]
_LOCK = 0x5F00_0001  # advisory lock id of the migrations


class Conflict(Exception):
    """The same record id was pushed before with other bytes (by *author*, as *seq*)."""

    def __init__(self, seq: int, author: uuid.UUID) -> None:
        super().__init__(f"record {seq} differs")
        self.seq = seq
        self.author = author


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    box_public: bytes
    verify_public: bytes


@dataclass(frozen=True)
class CaseRow:
    id: uuid.UUID
    org_id: uuid.UUID
    title: bytes
    epoch: int
    last_seq: int
    chain_len: int


@dataclass(frozen=True)
class Membership:
    case_id: uuid.UUID
    account_id: uuid.UUID
    role: str
    purpose: bytes
    expires_at: datetime | None
    revoked_at: datetime | None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


@dataclass(frozen=True)
class RecordRow:
    seq: int
    record_id: uuid.UUID
    epoch: int
    author: uuid.UUID
    body: bytes
    created_at: datetime


@dataclass(frozen=True)
class ChainRow:
    pos: int
    signer: uuid.UUID | None  # None: the server signed it
    body: bytes
    signature: bytes
    hash: bytes


@dataclass(frozen=True)
class BlobRow:
    blob_id: uuid.UUID
    object_key: str
    author: uuid.UUID
    upload_id: str | None
    size: int | None  # None until complete


def now() -> datetime:
    return datetime.now(UTC)


class ServerStore:
    """One pool of connections to the server's database."""

    def __init__(self, url: str, sign: Signer, max_size: int = 8) -> None:
        self._pool = ConnectionPool(url, min_size=1, max_size=max_size, open=True,
                                    kwargs={"row_factory": tuple_row})
        self._sign = sign

    def close(self) -> None:
        self._pool.close()

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
        with self._pool.connection() as conn, conn.transaction():
            yield conn

    def has_table(self, name: str) -> bool:
        with self._tx() as conn:
            row = conn.execute("SELECT to_regclass(%s)", (name,)).fetchone()
        return row is not None and row[0] is not None

    def migrate(self) -> list[str]:
        applied: list[str] = []
        with self._tx() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS sv_migrations (name text PRIMARY KEY,"
                         " applied_at timestamptz NOT NULL DEFAULT now())")
            done = {r[0] for r in conn.execute("SELECT name FROM sv_migrations")}
            for name, script in MIGRATIONS:
                if name not in done:
                    conn.execute(script.encode())
                    conn.execute("INSERT INTO sv_migrations (name) VALUES (%s)", (name,))
                    applied.append(name)
        return applied

    # accounts, organisations, login -------------------------------------------------

    def add_account(self, box_public: bytes, verify_public: bytes) -> uuid.UUID:
        with self._tx() as conn:
            row = conn.execute("SELECT id FROM accounts WHERE verify_public = %s",
                               (verify_public,)).fetchone()
            if row:
                return _uuid(row[0])
            new = uuid.uuid4()
            conn.execute("INSERT INTO accounts (id, box_public, verify_public) "
                         "VALUES (%s, %s, %s)", (new, box_public, verify_public))
            return new

    def add_invitation(self, code_hash: bytes, org: uuid.UUID, role: str,
                       made_by: uuid.UUID, ttl: timedelta) -> datetime:
        expires = now() + ttl
        with self._tx() as conn:
            conn.execute("DELETE FROM invitations WHERE expires_at < now()")
            conn.execute("INSERT INTO invitations VALUES (%s, %s, %s, %s, %s)",
                         (code_hash, org, role, made_by, expires))
        return expires

    def add_invited_account(self, box_public: bytes, verify_public: bytes,
                            code_hash: bytes) -> uuid.UUID | None:
        """The account, made with the invitation's org role, the invitation used up, all
        at once; None when the invitation is unknown, used or past its expiry."""
        with self._tx() as conn:
            row = conn.execute("DELETE FROM invitations WHERE code_hash = %s AND "
                               "expires_at > now() RETURNING org_id, role",
                               (code_hash,)).fetchone()
            if row is None:
                return None
            found = conn.execute("SELECT id FROM accounts WHERE verify_public = %s",
                                 (verify_public,)).fetchone()
            account = _uuid(found[0]) if found else uuid.uuid4()
            if not found:
                conn.execute("INSERT INTO accounts (id, box_public, verify_public) "
                             "VALUES (%s, %s, %s)", (account, box_public, verify_public))
            conn.execute("INSERT INTO org_roles VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                         (row[0], account, row[1]))
            return account

    def account(self, account_id: uuid.UUID) -> Account | None:
        with self._tx() as conn:
            row = conn.execute("SELECT id, box_public, verify_public FROM accounts "
                               "WHERE id = %s", (account_id,)).fetchone()
        return Account(_uuid(row[0]), bytes(row[1]), bytes(row[2])) if row else None

    def add_org(self, admin: uuid.UUID) -> uuid.UUID:
        org = uuid.uuid4()
        with self._tx() as conn:
            conn.execute("INSERT INTO orgs (id) VALUES (%s)", (org,))
            conn.execute("INSERT INTO org_roles VALUES (%s, %s, 'admin')", (org, admin))
        return org

    def set_org_role(self, org: uuid.UUID, account: uuid.UUID, role: str) -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO org_roles VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                         (org, account, role))

    def org_roles(self, org: uuid.UUID, account: uuid.UUID) -> set[str]:
        with self._tx() as conn:
            rows = conn.execute("SELECT role FROM org_roles WHERE org_id = %s AND "
                                "account_id = %s", (org, account)).fetchall()
        return {str(r[0]) for r in rows}

    def add_secret(self, table: str, key: bytes, account: uuid.UUID, ttl: timedelta) -> None:
        assert table in ("challenges", "tokens")
        column = "nonce" if table == "challenges" else "token_hash"
        with self._tx() as conn:
            conn.execute(f"DELETE FROM {table} WHERE expires_at < now()")
            conn.execute(f"INSERT INTO {table} ({column}, account_id, expires_at) "
                         "VALUES (%s, %s, %s)", (key, account, now() + ttl))

    def take_challenge(self, nonce: bytes) -> uuid.UUID | None:
        with self._tx() as conn:
            row = conn.execute("DELETE FROM challenges WHERE nonce = %s AND expires_at > "
                               "now() RETURNING account_id", (nonce,)).fetchone()
        return _uuid(row[0]) if row else None

    def token_account(self, token_hash: bytes) -> uuid.UUID | None:
        with self._tx() as conn:
            row = conn.execute("SELECT account_id FROM tokens WHERE token_hash = %s AND "
                               "expires_at > now()", (token_hash,)).fetchone()
        return _uuid(row[0]) if row else None

    # cases and members ----------------------------------------------------------------

    def create_case(self, case_id: uuid.UUID, org: uuid.UUID, title: bytes,
                    dropbox_public: bytes, owner: uuid.UUID, wrapped: bytes,
                    purpose: bytes) -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO cases (id, org_id, title, chain_head) "
                         "VALUES (%s, %s, %s, %s)", (case_id, org, title, GENESIS))
            conn.execute("INSERT INTO epochs VALUES (%s, 0, %s)", (case_id, dropbox_public))
            conn.execute("INSERT INTO memberships (case_id, account_id, role, purpose, "
                         "granted_by) VALUES (%s, %s, 'owner', %s, %s)",
                         (case_id, owner, purpose, owner))
            conn.execute("INSERT INTO wrapped_keys VALUES (%s, %s, 0, %s)",
                         (case_id, owner, wrapped))

    def case(self, case_id: uuid.UUID) -> CaseRow | None:
        with self._tx() as conn:
            row = conn.execute("SELECT id, org_id, title, epoch, last_seq, chain_len "
                               "FROM cases WHERE id = %s", (case_id,)).fetchone()
        if row is None:
            return None
        return CaseRow(_uuid(row[0]), _uuid(row[1]), bytes(row[2]), int(row[3]),
                       int(row[4]), int(row[5]))

    def membership(self, case_id: uuid.UUID, account: uuid.UUID) -> Membership | None:
        found = self._memberships("m.case_id = %s AND m.account_id = %s", (case_id, account))
        return found[0] if found else None

    def members(self, case_id: uuid.UUID) -> list[Membership]:
        return self._memberships("m.case_id = %s", (case_id,))

    def cases_of(self, account: uuid.UUID) -> list[Membership]:
        return self._memberships("m.account_id = %s AND m.revoked_at IS NULL", (account,))

    def _memberships(self, where: str, args: tuple[object, ...]) -> list[Membership]:
        with self._tx() as conn:
            rows = conn.execute("SELECT case_id, account_id, role, purpose, expires_at, "
                                f"revoked_at FROM memberships m WHERE {where} "
                                "ORDER BY granted_at", args).fetchall()
        return [Membership(_uuid(r[0]), _uuid(r[1]), str(r[2]), bytes(r[3]),
                           _time(r[4]), _time(r[5])) for r in rows]

    def org_cases(self, org: uuid.UUID) -> list[CaseRow]:
        with self._tx() as conn:
            rows = conn.execute("SELECT id FROM cases WHERE org_id = %s ORDER BY created_at",
                                (org,)).fetchall()
        return [c for c in (self.case(_uuid(r[0])) for r in rows) if c]

    def grant(self, case_id: uuid.UUID, account: uuid.UUID, role: str, purpose: bytes,
              expires_at: datetime | None, granted_by: uuid.UUID,
              wraps: Mapping[int, bytes], signed: tuple[bytes, bytes]) -> None:
        """The grant, the member's wrapped keys and the owner's signed entry, at once."""
        with self._tx() as conn:
            _lock_case(conn, case_id)
            conn.execute(
                "INSERT INTO memberships (case_id, account_id, role, purpose, expires_at, "
                "granted_by) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (case_id, "
                "account_id) DO UPDATE SET role = EXCLUDED.role, purpose = EXCLUDED.purpose,"
                " expires_at = EXCLUDED.expires_at, granted_by = EXCLUDED.granted_by, "
                "granted_at = now(), revoked_at = NULL",
                (case_id, account, role, purpose, expires_at, granted_by))
            for epoch, wrapped in wraps.items():
                conn.execute("INSERT INTO wrapped_keys VALUES (%s, %s, %s, %s) ON CONFLICT "
                             "DO NOTHING", (case_id, account, epoch, wrapped))
            _append(conn, case_id, granted_by, *signed)

    def revoke(self, case_id: uuid.UUID, account: uuid.UUID,
               entry: Mapping[str, object] | tuple[uuid.UUID, bytes, bytes],
               rotation: tuple[int, bytes, Mapping[uuid.UUID, bytes]] | None) -> None:
        """End a grant; with *rotation* (new epoch, its drop-box public key, its key
        wrapped to each remaining member) the case moves to the new epoch at once. The
        entry is the owner's signed one (signer, entry, signature) or, for an expiry,
        fields the server signs."""
        with self._tx() as conn:
            _lock_case(conn, case_id)
            conn.execute("UPDATE memberships SET revoked_at = now() WHERE case_id = %s AND "
                         "account_id = %s AND revoked_at IS NULL", (case_id, account))
            if rotation is not None:
                epoch, dropbox, wraps = rotation
                conn.execute("INSERT INTO epochs VALUES (%s, %s, %s)", (case_id, epoch, dropbox))
                conn.execute("UPDATE cases SET epoch = %s WHERE id = %s", (epoch, case_id))
                for member, wrapped in wraps.items():
                    conn.execute("INSERT INTO wrapped_keys VALUES (%s, %s, %s, %s)",
                                 (case_id, member, epoch, wrapped))
            if isinstance(entry, tuple):
                _append(conn, case_id, *entry)
            else:
                self._append_server(conn, case_id, entry)

    def expired_grants(self) -> list[tuple[uuid.UUID, uuid.UUID]]:
        with self._tx() as conn:
            rows = conn.execute("SELECT case_id, account_id FROM memberships WHERE "
                                "revoked_at IS NULL AND expires_at <= now()").fetchall()
        return [(_uuid(r[0]), _uuid(r[1])) for r in rows]

    def wrapped_keys(self, case_id: uuid.UUID, account: uuid.UUID
                     ) -> list[tuple[int, bytes]]:
        with self._tx() as conn:
            rows = conn.execute("SELECT epoch, wrapped FROM wrapped_keys WHERE case_id = %s "
                                "AND account_id = %s ORDER BY epoch",
                                (case_id, account)).fetchall()
        return [(int(r[0]), bytes(r[1])) for r in rows]

    def epochs(self, case_id: uuid.UUID) -> list[tuple[int, bytes]]:
        with self._tx() as conn:
            rows = conn.execute("SELECT epoch, dropbox_public FROM epochs WHERE case_id = %s "
                                "ORDER BY epoch", (case_id,)).fetchall()
        return [(int(r[0]), bytes(r[1])) for r in rows]

    # records and the chain --------------------------------------------------------------

    def push(self, case_id: uuid.UUID, record_id: uuid.UUID, epoch: int,
             author: uuid.UUID, body: bytes, entry: bytes, signature: bytes
             ) -> tuple[int, bool]:
        """Store a record and its signed custody entry; returns (its seq, whether it is
        new). A record id pushed before with the same bytes returns its first seq."""
        with self._tx() as conn:
            _lock_case(conn, case_id)
            row = conn.execute("SELECT seq, body, author FROM records WHERE case_id = %s "
                               "AND record_id = %s", (case_id, record_id)).fetchone()
            if row is not None:
                if bytes(row[1]) != body:
                    raise Conflict(int(row[0]), _uuid(row[2]))
                return int(row[0]), False
            seq = conn.execute("UPDATE cases SET last_seq = last_seq + 1 WHERE id = %s "
                               "RETURNING last_seq", (case_id,)).fetchone()
            assert seq is not None
            conn.execute("INSERT INTO records (case_id, seq, record_id, epoch, author, body) "
                         "VALUES (%s, %s, %s, %s, %s, %s)",
                         (case_id, seq[0], record_id, epoch, author, body))
            _append(conn, case_id, author, entry, signature)
            return int(seq[0]), True

    def records_after(self, case_id: uuid.UUID, after: int, limit: int) -> list[RecordRow]:
        with self._tx() as conn:
            rows = conn.execute("SELECT seq, record_id, epoch, author, body, created_at FROM "
                                "records WHERE case_id = %s AND seq > %s ORDER BY seq "
                                "LIMIT %s", (case_id, after, limit)).fetchall()
        return [RecordRow(int(r[0]), _uuid(r[1]), int(r[2]), _uuid(r[3]), bytes(r[4]),
                          _time_req(r[5])) for r in rows]

    def chain(self, case_id: uuid.UUID, after: int, limit: int) -> list[ChainRow]:
        with self._tx() as conn:
            rows = conn.execute("SELECT pos, signer, body, signature, hash FROM chain WHERE "
                                "case_id = %s AND pos > %s ORDER BY pos LIMIT %s",
                                (case_id, after, limit)).fetchall()
        return [ChainRow(int(r[0]), _uuid(r[1]) if r[1] else None, bytes(r[2]), bytes(r[3]),
                         bytes(r[4])) for r in rows]

    def log_access(self, case_id: uuid.UUID, entry: Mapping[str, object]) -> None:
        with self._tx() as conn:
            _lock_case(conn, case_id)
            self._append_server(conn, case_id, entry)

    def _append_server(self, conn: psycopg.Connection[tuple[Any, ...]],
                       case_id: uuid.UUID, entry: Mapping[str, object]) -> None:
        body = json.dumps({**entry, "case": str(case_id), "at": now().isoformat()},
                          sort_keys=True, separators=(",", ":")).encode()
        _append(conn, case_id, None, body, self._sign(body))

    # blobs and notices ------------------------------------------------------------------

    def add_blob(self, case_id: uuid.UUID, blob_id: uuid.UUID, object_key: str,
                 author: uuid.UUID, upload_id: str | None, size: int | None) -> BlobRow:
        with self._tx() as conn:
            conn.execute("INSERT INTO blobs (case_id, blob_id, object_key, author, upload_id,"
                         " size) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                         (case_id, blob_id, object_key, author, upload_id, size))
        found = self.blob(case_id, blob_id)
        assert found is not None
        return found

    def blob(self, case_id: uuid.UUID, blob_id: uuid.UUID) -> BlobRow | None:
        with self._tx() as conn:
            row = conn.execute("SELECT blob_id, object_key, author, upload_id, size FROM "
                               "blobs WHERE case_id = %s AND blob_id = %s",
                               (case_id, blob_id)).fetchone()
        if row is None:
            return None
        return BlobRow(_uuid(row[0]), str(row[1]), _uuid(row[2]),
                       str(row[3]) if row[3] else None, int(row[4]) if row[4] is not None
                       else None)

    def add_part(self, case_id: uuid.UUID, blob_id: uuid.UUID, part: int, etag: str,
                 size: int) -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO blob_parts VALUES (%s, %s, %s, %s, %s) ON CONFLICT "
                         "(case_id, blob_id, part) DO UPDATE SET etag = EXCLUDED.etag, "
                         "size = EXCLUDED.size", (case_id, blob_id, part, etag, size))

    def parts(self, case_id: uuid.UUID, blob_id: uuid.UUID) -> list[tuple[int, str, int]]:
        with self._tx() as conn:
            rows = conn.execute("SELECT part, etag, size FROM blob_parts WHERE case_id = %s "
                                "AND blob_id = %s ORDER BY part", (case_id, blob_id)).fetchall()
        return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]

    def finish_blob(self, case_id: uuid.UUID, blob_id: uuid.UUID, size: int) -> None:
        with self._tx() as conn:
            conn.execute("UPDATE blobs SET size = %s, upload_id = NULL WHERE case_id = %s "
                         "AND blob_id = %s", (size, case_id, blob_id))
            conn.execute("DELETE FROM blob_parts WHERE case_id = %s AND blob_id = %s",
                         (case_id, blob_id))

    def abandoned_blobs(self, older_than: timedelta) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(case, blob) of uploads begun longer ago than *older_than* and never finished."""
        with self._tx() as conn:
            rows = conn.execute("SELECT case_id, blob_id FROM blobs WHERE size IS NULL AND "
                                "created_at < %s", (now() - older_than,)).fetchall()
        return [(_uuid(r[0]), _uuid(r[1])) for r in rows]

    def drop_unfinished_blob(self, case_id: uuid.UUID, blob_id: uuid.UUID) -> BlobRow | None:
        """Forget an upload that is still unfinished (its row and parts); returns where
        its bytes lie in the store, for the caller to throw away (None: it finished)."""
        with self._tx() as conn:
            conn.execute("DELETE FROM blob_parts USING blobs b WHERE blob_parts.case_id = %s"
                         " AND blob_parts.blob_id = %s AND b.case_id = blob_parts.case_id AND"
                         " b.blob_id = blob_parts.blob_id AND b.size IS NULL",
                         (case_id, blob_id))
            row = conn.execute("DELETE FROM blobs WHERE case_id = %s AND blob_id = %s AND "
                               "size IS NULL RETURNING blob_id, object_key, author, upload_id",
                               (case_id, blob_id)).fetchone()
        if row is None:
            return None
        return BlobRow(_uuid(row[0]), str(row[1]), _uuid(row[2]),
                       str(row[3]) if row[3] else None, None)

    def bump_notices(self, case_id: uuid.UUID, seq: int, author: uuid.UUID | None) -> int:
        """Tell every other active reader of the case that records up to *seq* exist."""
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO notices (account_id, case_id, latest_seq) SELECT account_id, "
                "case_id, %s FROM memberships WHERE case_id = %s AND revoked_at IS NULL AND "
                "role <> 'contributor' AND account_id IS DISTINCT FROM %s ON CONFLICT (account_id, "
                "case_id) DO UPDATE SET latest_seq = GREATEST(notices.latest_seq, "
                "EXCLUDED.latest_seq)", (seq, case_id, author))
            return int(cursor.rowcount)

    def notices(self, account: uuid.UUID) -> list[tuple[uuid.UUID, int]]:
        with self._tx() as conn:
            rows = conn.execute("SELECT n.case_id, n.latest_seq FROM notices n JOIN "
                                "memberships m USING (case_id, account_id) WHERE "
                                "n.account_id = %s AND m.revoked_at IS NULL",
                                (account,)).fetchall()
        return [(_uuid(r[0]), int(r[1])) for r in rows]


def _lock_case(conn: psycopg.Connection[tuple[Any, ...]], case_id: uuid.UUID) -> None:
    conn.execute("SELECT 1 FROM cases WHERE id = %s FOR UPDATE", (case_id,))


def _append(conn: psycopg.Connection[tuple[Any, ...]], case_id: uuid.UUID,
            signer: uuid.UUID | None, body: bytes, signature: bytes) -> None:
    row = conn.execute("SELECT chain_len, chain_head FROM cases WHERE id = %s",
                       (case_id,)).fetchone()
    assert row is not None
    pos = int(row[0]) + 1
    digest = chain_hash(bytes(row[1]), pos, body, signature)
    conn.execute("INSERT INTO chain (case_id, pos, signer, body, signature, hash) "
                 "VALUES (%s, %s, %s, %s, %s, %s)",
                 (case_id, pos, signer, body, signature, digest))
    conn.execute("UPDATE cases SET chain_len = %s, chain_head = %s WHERE id = %s",
                 (pos, digest, case_id))


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _time(value: object) -> datetime | None:
    return value if isinstance(value, datetime) else None


def _time_req(value: object) -> datetime:
    assert isinstance(value, datetime)
    return value
