"""A shared case as its members' apps see it: keys, items, members, the chain.

An item travels as its sealed original bytes (an encrypted blob with its own random key)
plus a record holding its metadata (file name, kind, the SHA-256 of the original computed
before encryption, the blob's id and key, who added it and when), plus a custody entry
signed by its author that names the SHA-256 of the record's bytes. Readers open records
with the epoch's case key; a contributor seals them to the epoch's drop box and can read
nothing. Removing a member makes a new epoch whose key only the remaining readers get.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO

from spoorvast.services.sharing.api import Api, ServerRefused, b64, unb64
from spoorvast.storage import sharing_keys as sk

PART = 16 << 20  # ciphertext bytes per uploaded part (S3 wants >= 5 MiB but the last)
SINGLE = 32 << 20  # blobs up to this size go up in one request (the server takes 64 MiB)
DIRECT = 1 << 30  # bigger blobs go in parts through the API (resumable part by part)
READERS = frozenset({"owner", "advocate", "lawyer"})
Progress = Callable[[int, int], None]
NAMESPACE = uuid.UUID("9a1d6a43-3f0e-4a55-9a39-5e3c0c7d2b11")


class ShareError(Exception):
    """Something a shared case's bytes or chain do not bear out (code says what)."""

    def __init__(self, code: str, where: str = "") -> None:
        super().__init__(f"{code} {where}".strip())
        self.code = code
        self.where = where


@dataclass(frozen=True)
class SharedRecord:
    """One opened record: an item, a note or a member card."""

    seq: int
    record: uuid.UUID
    author: uuid.UUID
    kind: str  # "item", "note", "member"
    fields: dict[str, Any]

    @property
    def blob(self) -> uuid.UUID | None:
        value = self.fields.get("blob")
        return uuid.UUID(value) if isinstance(value, str) else None


@dataclass(frozen=True)
class Added:
    """Where an added item went: its server order, record and blob."""

    seq: int
    record: uuid.UUID
    blob: uuid.UUID
    new: bool


class SharedCase:
    def __init__(self, api: Api, case_id: uuid.UUID) -> None:
        self.api = api
        self.case_id = case_id
        self.keys: dict[int, sk.EpochKeys] = {}
        self._epoch: int | None = None

    # making and opening -----------------------------------------------------------------

    @classmethod
    def create(cls, api: Api, org: uuid.UUID, title: str, purpose: str,
               my_name: str) -> SharedCase:
        case = cls(api, uuid.uuid4())
        keys = sk.EpochKeys.generate(0)
        case.keys[0] = keys
        box = api.identity.public().box
        api.create_case(case.case_id, org, case._seal("title", title.encode()),
                        keys.dropbox_public, keys.wrap_for(box),
                        case._seal("purpose-" + str(api.account), purpose.encode()))
        case.add_record("member", {"account": str(api.account), "name": my_name,
                                   "role": "owner"})
        return case

    def load_keys(self) -> None:
        """Fetch and open this member's wrapped keys (the server logs the fetch)."""
        for epoch, wrapped in self.api.keys(self.case_id):
            keys = sk.unwrap(self.api.identity, wrapped)
            if keys.epoch != epoch:
                raise ShareError("wrapped_key_for_another_epoch", str(epoch))
            self.keys[epoch] = keys

    def title(self) -> str:
        sealed = self.api.case(self.case_id)["title"]
        return self._open(0, "title", unb64(sealed)).decode()

    def current_epoch(self, fresh: bool = False) -> int:
        """The case's epoch (asked once; asked again after the server says it moved)."""
        if fresh or self._epoch is None:
            self._epoch = int(self.api.case(self.case_id)["epoch"])
        return self._epoch

    def _seal(self, record_id: str, plaintext: bytes) -> bytes:
        return sk.seal_record(self.keys[max(self.keys)], str(self.case_id), record_id,
                              plaintext)

    def _open(self, epoch: int, record_id: str, sealed: bytes) -> bytes:
        if epoch not in self.keys:
            raise ShareError("no_key_for_epoch", str(epoch))
        return sk.open_record(self.keys[epoch], str(self.case_id), record_id, sealed)

    def purpose(self, member: dict[str, Any]) -> str | None:
        """A member's purpose, opened with whichever epoch key sealed it (None: none of
        this member's keys opens it)."""
        sealed = unb64(str(member["purpose"]))
        for epoch in sorted(self.keys, reverse=True):
            try:
                return self._open(epoch, "purpose-" + str(member["account"]), sealed).decode()
            except (sk.SealError, UnicodeDecodeError):
                continue
        return None

    # members ----------------------------------------------------------------------------

    def add_member(self, account: uuid.UUID, role: str, name: str, purpose: str,
                   expires_at: datetime | None = None) -> None:
        """Grant *role*; a reader gets every epoch's key wrapped to their public key
        (look it up and compare its fingerprint before calling this)."""
        box = self.api.account_keys(account).box
        wraps = {e: k.wrap_for(box) for e, k in self.keys.items()} if role in READERS else {}
        self.api.grant(self.case_id, account, role,
                       self._seal("purpose-" + str(account), purpose.encode()),
                       expires_at.isoformat() if expires_at else None, wraps)
        self.add_record("member", {"account": str(account), "name": name, "role": role})

    def remove_member(self, account: uuid.UUID) -> int:
        """Revoke and rotate: a new epoch key for the remaining readers only."""
        remaining = {uuid.UUID(m["account"]): unb64(m["box"])
                     for m in self.api.members(self.case_id)
                     if m["active"] and m["role"] in READERS
                     and uuid.UUID(m["account"]) != account}
        fresh = sk.EpochKeys.generate(self.current_epoch() + 1)
        self.api.revoke(self.case_id, account, fresh.epoch, fresh.dropbox_public,
                        {a: fresh.wrap_for(box) for a, box in remaining.items()})
        self.keys[fresh.epoch] = fresh
        self._epoch = fresh.epoch
        return fresh.epoch

    # adding -----------------------------------------------------------------------------

    def add_record(self, kind: str, fields: dict[str, Any],
                   record: uuid.UUID | None = None) -> int:
        """Push one record (idempotent by its id); returns its server order (seq)."""
        record = record or uuid.uuid4()
        try:
            return self._push_record(kind, fields, record)
        except ServerRefused as refused:
            if refused.code != "stale_epoch":
                raise
            self.current_epoch(fresh=True)
            if self._epoch not in self.keys and self.keys:
                self.load_keys()
            return self._push_record(kind, fields, record)

    def _push_record(self, kind: str, fields: dict[str, Any], record: uuid.UUID) -> int:
        payload = json.dumps({"v": 1, "kind": kind, **fields}, sort_keys=True).encode()
        epoch, body = self._seal_for_me(record, payload)
        entry = json.dumps({
            "v": 1, "action": "add", "case": str(self.case_id), "record": str(record),
            "author": str(self.api.account), "epoch": epoch,
            "body_sha256": hashlib.sha256(body).hexdigest(),
            "at": datetime.now(UTC).isoformat()}, sort_keys=True).encode()
        answer = self.api.push(self.case_id, [{
            "record": str(record), "epoch": epoch, "body": b64(body), "entry": b64(entry),
            "signature": b64(self.api.identity.sign(entry))}])
        return int(answer[0]["seq"])

    def _seal_for_me(self, record: uuid.UUID, payload: bytes) -> tuple[int, bytes]:
        epoch = self.current_epoch()
        if epoch in self.keys:
            return epoch, sk.seal_record(self.keys[epoch], str(self.case_id), str(record),
                                         payload)
        dropbox = dict(self.api.epochs(self.case_id))[epoch]  # a contributor
        return epoch, sk.seal_record_to_dropbox(dropbox, epoch, str(self.case_id),
                                                str(record), payload)

    def add_item(self, name: str, kind: str, source: BinaryIO, size: int,
                 added_by: str, progress: Progress | None = None,
                 record: uuid.UUID | None = None,
                 extra: dict[str, Any] | None = None) -> Added:
        """Seal and upload the original, then push its record and custody entry. Given a
        stable *record* id, adding again (a resumed or repeated sync) returns the seq of
        the first push and adds nothing (the blob uploaded again is left unreferenced).
        ``extra`` fields go into the record too (a capture's bundle says so there)."""
        digest = hashlib.sha256()
        blob, key = uuid.uuid4(), secrets.token_bytes(32)
        hashed = HashingReader(source, digest)
        self.upload(blob, sk.encrypt_stream(key, str(blob), hashed),
                    sk.encrypted_size(size), progress)
        fields = {"name": name, "item_kind": kind, "sha256": digest.hexdigest(),
                  "size": size, "blob": str(blob), "blob_key": b64(key),
                  "added_by": added_by, "added_at": datetime.now(UTC).isoformat(),
                  **(extra or {})}
        record = record or uuid.uuid4()
        try:
            return Added(self.add_record("item", fields, record), record, blob, True)
        except ServerRefused as refused:
            if refused.code != "record_differs" or refused.seq is None:
                raise
            return Added(refused.seq, record, blob, False)

    def upload(self, blob: uuid.UUID, chunks: Iterable[bytes], total: int,
               progress: Progress | None = None) -> None:
        """Straight into the store when the server offers it (one PUT, the bytes stream
        as they are encrypted), else through the API: whole, or in parts."""
        if self.api.about().get("direct_upload") and total <= DIRECT:
            self.api.put_direct(self.case_id, blob, chunks, total)
            self.api.complete(self.case_id, blob)
            _tell(progress, total, total)
            return
        if total <= SINGLE:  # one request, sent as it is encrypted
            self.api.put_blob_stream(self.case_id, blob, chunks, total)
            _tell(progress, total, total)
            return
        buffer, number, sent = bytearray(), 0, 0
        for chunk in chunks:
            buffer += chunk
            while len(buffer) >= PART:
                number += 1
                self.api.put_part(self.case_id, blob, number, bytes(buffer[:PART]))
                del buffer[:PART]
                sent += PART
                _tell(progress, sent, total)
        if buffer:
            self.api.put_part(self.case_id, blob, number + 1, bytes(buffer))
        self.api.complete(self.case_id, blob)
        _tell(progress, total, total)

    # reading ----------------------------------------------------------------------------

    def pull(self, after: int = 0, page: int = 200) -> Iterator[SharedRecord]:
        """Every record after *after*, opened, in the server's order."""
        while True:
            rows = self.api.pull(self.case_id, after, page)
            for row in rows:
                yield self.open_row(row)
                after = int(row["seq"])
            if len(rows) < page:
                return

    def open_row(self, row: dict[str, Any]) -> SharedRecord:
        record = uuid.UUID(row["record"])
        plain = self._open(int(row["epoch"]), str(record), unb64(row["body"]))
        fields = json.loads(plain)
        return SharedRecord(int(row["seq"]), record, uuid.UUID(row["author"]),
                            str(fields.pop("kind")), fields)

    def fetch(self, item: SharedRecord, out: BinaryIO,
              progress: Progress | None = None) -> str:
        """Write the item's original bytes to *out*; its SHA-256 must be the one its
        author computed before encryption, or :class:`ShareError` says so."""
        blob = item.blob
        if blob is None:
            raise ShareError("not_an_item", str(item.record))
        digest, done = hashlib.sha256(), 0
        key = unb64(str(item.fields["blob_key"]))
        for piece in sk.decrypt_stream(key, str(blob), self.api.get_blob(self.case_id, blob)):
            digest.update(piece)
            out.write(piece)
            done += len(piece)
            _tell(progress, done, int(item.fields["size"]))
        if digest.hexdigest() != item.fields["sha256"]:
            raise ShareError("sha256_differs", str(item.record))
        return digest.hexdigest()

    def fetch_bytes(self, item: SharedRecord) -> bytes:
        out = io.BytesIO()
        self.fetch(item, out)
        return out.getvalue()


class HashingReader:
    """Reads *source* and hashes what it reads (the SHA-256 before encryption)."""

    def __init__(self, source: BinaryIO, digest: Any) -> None:
        self._source, self._digest = source, digest

    def read(self, size: int) -> bytes:
        data = self._source.read(size)
        self._digest.update(data)
        return data


def _tell(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def stable_record_id(case: uuid.UUID, author: uuid.UUID | None, sha256: str,
                     name: str) -> uuid.UUID:
    """The same item added by the same member gets the same record id on every run, so
    a re-run of a sync pushes nothing new (the server answers with the first seq)."""
    return uuid.uuid5(NAMESPACE, f"{case}\0{author}\0{sha256}\0{name}")
