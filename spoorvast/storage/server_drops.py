"""Drop-box grants and drops in the server's PostgreSQL store (ciphertext and routing).

A grant row holds the pairing public key, the purpose (sealed with the case key), the
expiry, and once paired the device's public key and its token's hash. A drop row holds
where its ciphertext lies, its parts while it arrives, and when finished its sealed meta
and size; finishing appends the server-signed "dropped" entry to the case's chain in the
same transaction (so a drop without its entry, or an entry without its drop, cannot be).

Quota (:class:`DropLimits`): a drop declares its ciphertext's size when it starts, and
starts only when that size and one more file fit in what its grant, and its case's
grants together, may still add; the check and the new row are one transaction under the
case's lock, so drops that start at once cannot pass a limit together. Until it is
finished (or thrown away by the worker's cleanup of unfinished drops) a drop counts with
the size it declared; no part may take it past that size.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg

from spoorvast.storage.server_pg import ServerStore, _append, _lock_case, _time, _uuid, now


@dataclass(frozen=True)
class DropGrant:
    id: uuid.UUID
    case_id: uuid.UUID
    granted_by: uuid.UUID
    pairing_key: bytes
    purpose: bytes
    expires_at: datetime
    revoked_at: datetime | None
    device_key: bytes | None
    paired_at: datetime | None

    def active(self, moment: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > moment


@dataclass(frozen=True)
class DropLimits:
    """What one drop-box grant, and all grants of one case together, may add (bytes of
    ciphertext, files). The server's settings; see ``ServerSettings.from_env``."""

    grant_bytes: int = 4 << 30
    grant_files: int = 1_000
    case_bytes: int = 20 << 30
    case_files: int = 5_000


@dataclass(frozen=True)
class Room:
    """What a grant may still add now: the smaller of its own room and its case's."""

    bytes: int
    files: int

    def fits(self, size: int) -> bool:
        return self.files >= 1 and self.bytes >= size


class QuotaExceeded(Exception):
    """A new drop would take its grant or its case past a limit."""


@dataclass(frozen=True)
class DropRow:
    upload_id: uuid.UUID
    grant_id: uuid.UUID
    epoch: int
    object_key: str
    s3_upload: str | None
    meta: bytes | None
    size: int | None  # None until finished
    declared_size: int | None = None  # the ciphertext's size the device said at the start


_GRANT = ("SELECT id, case_id, granted_by, pairing_key, purpose, expires_at, revoked_at, "
          "device_key, paired_at FROM drop_grants ")
_DROP = ("SELECT upload_id, grant_id, epoch, object_key, s3_upload, meta, size, "
         "declared_size FROM drops ")
_USAGE = ("SELECT coalesce(sum(coalesce(size, declared_size, 0)) FILTER (WHERE grant_id = %s),"
          " 0), count(*) FILTER (WHERE grant_id = %s), coalesce(sum(coalesce(size, "
          "declared_size, 0)), 0), count(*) FROM drops WHERE case_id = %s")
Conn = psycopg.Connection[tuple[Any, ...]]


class DropStore:
    """The drop-box tables, through the server store's pool of connections."""

    def __init__(self, store: ServerStore) -> None:
        self.store = store

    def add_grant(self, grant: DropGrant, signed: tuple[bytes, bytes]) -> None:
        with self.store._tx() as conn:
            _lock_case(conn, grant.case_id)
            conn.execute("INSERT INTO drop_grants (id, case_id, granted_by, pairing_key, "
                         "purpose, expires_at) VALUES (%s, %s, %s, %s, %s, %s)",
                         (grant.id, grant.case_id, grant.granted_by, grant.pairing_key,
                          grant.purpose, grant.expires_at))
            _append(conn, grant.case_id, grant.granted_by, *signed)

    def grant(self, grant_id: uuid.UUID) -> DropGrant | None:
        found = self._grants("WHERE id = %s", (grant_id,))
        return found[0] if found else None

    def grants(self, case_id: uuid.UUID) -> list[DropGrant]:
        return self._grants("WHERE case_id = %s ORDER BY created_at", (case_id,))

    def grant_of_token(self, token_hash: bytes) -> DropGrant | None:
        found = self._grants("WHERE token_hash = %s", (token_hash,))
        return found[0] if found else None

    def _grants(self, where: str, args: tuple[object, ...]) -> list[DropGrant]:
        with self.store._tx() as conn:
            rows = conn.execute(_GRANT + where, args).fetchall()
        return [DropGrant(_uuid(r[0]), _uuid(r[1]), _uuid(r[2]), bytes(r[3]), bytes(r[4]),
                          r[5], _time(r[6]), bytes(r[7]) if r[7] else None, _time(r[8]))
                for r in rows]

    def pair(self, grant: DropGrant, device_key: bytes, token_hash: bytes,
             entry: Mapping[str, object]) -> bool:
        """Pair the grant's device, once: False when it was paired before (or ended)."""
        with self.store._tx() as conn:
            _lock_case(conn, grant.case_id)
            cursor = conn.execute(
                "UPDATE drop_grants SET device_key = %s, token_hash = %s, paired_at = now() "
                "WHERE id = %s AND device_key IS NULL AND revoked_at IS NULL AND "
                "expires_at > now()", (device_key, token_hash, grant.id))
            if cursor.rowcount != 1:
                return False
            self.store._append_server(conn, grant.case_id, entry)
            return True

    def revoke(self, grant: DropGrant, signer: uuid.UUID, signed: tuple[bytes, bytes]
               ) -> None:
        with self.store._tx() as conn:
            _lock_case(conn, grant.case_id)
            conn.execute("UPDATE drop_grants SET revoked_at = now() "
                         "WHERE id = %s AND revoked_at IS NULL", (grant.id,))
            _append(conn, grant.case_id, signer, *signed)

    # drops -------------------------------------------------------------------------------

    def room(self, case_id: uuid.UUID, grant: uuid.UUID, limits: DropLimits) -> Room:
        with self.store._tx() as conn:
            return _room(conn, case_id, grant, limits)

    def start(self, case_id: uuid.UUID, upload: uuid.UUID, grant: uuid.UUID, epoch: int,
              object_key: str, s3_upload: str, declared: int, limits: DropLimits
              ) -> DropRow:
        """The drop's row, made when *declared* bytes and one more file fit (else
        :class:`QuotaExceeded`); when a first part of the same upload made it already,
        that row (the caller then throws its own multipart upload away)."""
        with self.store._tx() as conn:
            _lock_case(conn, case_id)
            if conn.execute("SELECT 1 FROM drops WHERE case_id = %s AND upload_id = %s",
                            (case_id, upload)).fetchone() is None:
                if not _room(conn, case_id, grant, limits).fits(declared):
                    raise QuotaExceeded(str(upload))
                conn.execute("INSERT INTO drops (case_id, upload_id, grant_id, epoch, "
                             "object_key, s3_upload, declared_size) VALUES (%s, %s, %s, %s, "
                             "%s, %s, %s)",
                             (case_id, upload, grant, epoch, object_key, s3_upload, declared))
        found = self.drop(case_id, upload)
        assert found is not None
        return found

    def drop(self, case_id: uuid.UUID, upload: uuid.UUID) -> DropRow | None:
        with self.store._tx() as conn:
            row = conn.execute(_DROP + "WHERE case_id = %s AND upload_id = %s",
                               (case_id, upload)).fetchone()
        if row is None:
            return None
        return DropRow(_uuid(row[0]), _uuid(row[1]), int(row[2]), str(row[3]),
                       str(row[4]) if row[4] else None, bytes(row[5]) if row[5] else None,
                       int(row[6]) if row[6] is not None else None,
                       int(row[7]) if row[7] is not None else None)

    def add_part(self, case_id: uuid.UUID, upload: uuid.UUID, part: int, etag: str,
                 size: int) -> None:
        with self.store._tx() as conn:
            conn.execute("INSERT INTO drop_parts VALUES (%s, %s, %s, %s, %s) ON CONFLICT "
                         "(case_id, upload_id, part) DO UPDATE SET etag = EXCLUDED.etag, "
                         "size = EXCLUDED.size", (case_id, upload, part, etag, size))

    def parts(self, case_id: uuid.UUID, upload: uuid.UUID) -> list[tuple[int, str, int]]:
        with self.store._tx() as conn:
            rows = conn.execute("SELECT part, etag, size FROM drop_parts WHERE case_id = %s "
                                "AND upload_id = %s ORDER BY part", (case_id, upload)
                                ).fetchall()
        return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]

    def finish(self, case_id: uuid.UUID, upload: uuid.UUID, meta: bytes, size: int,
               entry: Mapping[str, object]) -> bool:
        """Record the finished drop and append its entry; False when finished before."""
        with self.store._tx() as conn:
            _lock_case(conn, case_id)
            cursor = conn.execute(
                "UPDATE drops SET meta = %s, size = %s, s3_upload = NULL, dropped_at = %s "
                "WHERE case_id = %s AND upload_id = %s AND size IS NULL",
                (meta, size, now(), case_id, upload))
            if cursor.rowcount != 1:
                return False
            conn.execute("DELETE FROM drop_parts WHERE case_id = %s AND upload_id = %s",
                         (case_id, upload))
            self.store._append_server(conn, case_id, entry)
            return True


    def arrived(self, case_id: uuid.UUID) -> dict[uuid.UUID, tuple[int, int]]:
        """Per grant of the case: (finished drops, their ciphertext bytes)."""
        with self.store._tx() as conn:
            rows = conn.execute("SELECT grant_id, count(*), coalesce(sum(size), 0) FROM drops "
                                "WHERE case_id = %s AND size IS NOT NULL GROUP BY grant_id",
                                (case_id,)).fetchall()
        return {_uuid(r[0]): (int(r[1]), int(r[2])) for r in rows}

    # unfinished drops ----------------------------------------------------------------------

    def abandoned(self, older_than: timedelta) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(case, upload) of drops begun longer ago than *older_than*, never finished."""
        with self.store._tx() as conn:
            rows = conn.execute("SELECT case_id, upload_id FROM drops WHERE size IS NULL AND "
                                "created_at < %s", (now() - older_than,)).fetchall()
        return [(_uuid(r[0]), _uuid(r[1])) for r in rows]

    def forget_unfinished(self, case_id: uuid.UUID, upload: uuid.UUID) -> DropRow | None:
        """Forget a drop that is still unfinished (its row and parts, under the case's
        lock, so a finish cannot cross it); returns where its bytes lie, for the caller to
        throw away (None: it was finished, or is gone)."""
        with self.store._tx() as conn:
            _lock_case(conn, case_id)
            found = conn.execute(_DROP + "WHERE case_id = %s AND upload_id = %s AND size IS "
                                 "NULL FOR UPDATE", (case_id, upload)).fetchone()
            if found is None:
                return None
            conn.execute("DELETE FROM drop_parts WHERE case_id = %s AND upload_id = %s",
                         (case_id, upload))
            conn.execute("DELETE FROM drops WHERE case_id = %s AND upload_id = %s",
                         (case_id, upload))
        return DropRow(_uuid(found[0]), _uuid(found[1]), int(found[2]), str(found[3]),
                       str(found[4]) if found[4] else None, None, None,
                       int(found[7]) if found[7] is not None else None)


def _room(conn: Conn, case_id: uuid.UUID, grant: uuid.UUID, limits: DropLimits) -> Room:
    row = conn.execute(_USAGE, (grant, grant, case_id)).fetchone()
    assert row is not None
    grant_bytes, grant_files, case_bytes, case_files = (int(v) for v in row)
    return Room(max(0, min(limits.grant_bytes - grant_bytes, limits.case_bytes - case_bytes)),
                max(0, min(limits.grant_files - grant_files, limits.case_files - case_files)))
