"""The embedded metadata store: one SQLCipher database, encrypted at rest.

The raw 256-bit database key comes from the vault's keyring (no passphrase KDF inside
SQLCipher: Argon2id already ran). Temporary tables and sorts stay in memory, so no
plaintext reaches a temp file. Writes happen in ``BEGIN IMMEDIATE`` transactions, one
writer at a time; every mutation appends its custody entry in the same transaction.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlcipher3

from spoorvast import __version__
from spoorvast.errors import DatabaseDamaged, StorageFull, UserError
from spoorvast.i18n import _
from spoorvast.model import custody as chainlib
from spoorvast.model.conversation import (
    ActorCount,
    DayCount,
    EventBucket,
    EventHit,
    EventQuery,
    Position,
)
from spoorvast.model.instant import Instant
from spoorvast.model.message_run import EventStream
from spoorvast.model.records import (
    Artifact,
    Case,
    Correction,
    CustodyEntry,
    Event,
    EventCorrection,
    Finding,
    Identifier,
    Item,
    Party,
    Problem,
    Withdrawal,
)
from spoorvast.model.serialize import replaced as replace
from spoorvast.model.serialize import to_json
from spoorvast.storage import sqlite_events, sqlite_events_counts
from spoorvast.storage import sqlite_rows as rows
from spoorvast.storage.base import VAULT_CHAIN, case_chain
from spoorvast.storage.sqlite_schema import migrate

ACTOR = "owner"


# Binding None goes through the adapter protocol (failed attribute lookups) unless an
# adapter is registered for it: 800 ns per NULL in sqlcipher3, 125 ns with this one —
# an event row has about ten NULLs, so this alone is ~40 % of a bulk insert.
sqlcipher3.register_adapter(type(None), {}.get)

CACHE_KIB = 65536  # page cache (64 MiB): a bulk insert keeps its index pages in memory


# SQLCipher's page settings are not stored in the (encrypted) file: they are named in a
# small plain-text file beside it. Vaults made before it have none and use SQLCipher 4's
# defaults. New ones use 16 KiB pages authenticated with HMAC-SHA256 (SHA-NI makes it
# several times faster than SHA-512 here; a chat import of a million messages spent a
# seventh of its database time on page MACs): AES-256 and a 256-bit MAC key either way.
PROFILES: dict[str, tuple[str, ...]] = {
    "sqlcipher4": (),
    "page16k-sha256": ("cipher_page_size = 16384", "cipher_hmac_algorithm = HMAC_SHA256"),
}
NEW_PROFILE = "page16k-sha256"


def profile_path(path: Path) -> Path:
    return path.with_name(path.name + ".cipher")


def connect(path: Path, key: bytes, create: bool = True) -> Any:
    """The database, opened with its page settings (those named beside it, else each
    known one in turn, so a lost or edited settings file does not lock anyone out).
    ``create=False``: a missing database is an error, never made anew. A new one is
    created 0600 (SQLite gives its -wal, -shm and -journal files the same mode)."""
    fresh = not path.exists() or path.stat().st_size == 0
    if fresh and not create:
        raise UserError(_("The vault database {path} is missing.").format(path=path))
    if fresh:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    named = _named_profile(path)
    first = NEW_PROFILE if fresh else named or "sqlcipher4"
    for profile in (first, *(p for p in PROFILES if p != first)):
        conn = _open(path, key, profile)
        if conn is not None:
            if profile != named:
                _name_profile(path, profile)
            return conn
        if fresh:
            break
    if _disk_is_full(path):  # SQLite then fails on its -shm/-wal file, not on the pages
        raise StorageFull(_("The disk holding the vault is full: the vault cannot be opened. "
                            "Nothing was changed. Free some space and try again."))
    raise UserError(_("The vault database cannot be opened: it is damaged or does not "
                      "belong to this key file."))


def _disk_is_full(path: Path) -> bool:
    try:
        stats = os.statvfs(path.parent)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 256 * 1024


def _named_profile(path: Path) -> str | None:
    try:
        named = profile_path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return named if named in PROFILES else None


def _name_profile(path: Path, profile: str) -> None:
    target = profile_path(path)
    temporary = target.with_name(target.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (profile + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, target)


def _open(path: Path, key: bytes, profile: str) -> Any | None:
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    for pragma in PROFILES[profile]:
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("PRAGMA temp_store = MEMORY")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError:
        conn.close()
        return None
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return conn


@contextmanager
def _disk_full_is_storage_full() -> Iterator[None]:
    try:
        yield
    except sqlcipher3.OperationalError as exc:
        if "full" not in str(exc) and "I/O" not in str(exc):
            raise
        raise StorageFull(_("The disk holding the vault is full; nothing was stored. Free "
                            "some space and try again.")) from exc


@contextmanager
def _rollback_journal(conn: Any, wanted: bool) -> Iterator[None]:
    """A large transaction with a rollback journal instead of the WAL, then back to WAL.

    In WAL mode every page is written twice (to the WAL, then copied into the database
    by the checkpoint): for a chat import of 200,000 messages that copy was 0.4 s of a
    0.8 s COMMIT. A rollback journal writes new pages once, in place (the journal holds
    only the few pages that existed before, encrypted like every page). SQLite changes
    the mode only when no other connection has the database open, so while the web app
    reads through another connection the batch simply stays in WAL mode; the vault's
    exclusive lock keeps other processes out either way."""
    if not wanted:
        yield
        return
    switched = _journal_mode(conn, "DELETE")
    try:
        yield
    finally:
        if switched:
            _journal_mode(conn, "WAL")  # if another connection came meanwhile: at next open


def _journal_mode(conn: Any, mode: str) -> bool:
    """Change the journal mode now or not at all: with another connection open SQLite
    says "database is locked", and would first wait out the busy timeout."""
    waited = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        return bool(conn.execute(f"PRAGMA journal_mode = {mode}").fetchone()[0] == mode.lower())
    except sqlcipher3.OperationalError:
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {waited}")


DAMAGE_MARKS = ("malformed", "not a database", "corrupt")


def as_damage(exc: BaseException) -> DatabaseDamaged | None:
    """The error to show for ``exc`` when it says that pages of the database failed
    their check (SQLITE_CORRUPT, SQLITE_NOTADB: SQLCipher's page HMAC or the b-tree
    structure), else None. Boundaries (CLI, web) call it for unexpected exceptions."""
    if not isinstance(exc, sqlcipher3.DatabaseError):
        return None
    if not any(mark in str(exc).lower() for mark in DAMAGE_MARKS):
        return None
    return DatabaseDamaged(_("The vault's database file is damaged: part of it can no longer "
                             "be read. Nothing more was changed. Run 'spoorvast verify' to see "
                             "what is affected, and restore the database from a backup copy "
                             "of the vault folder."))


def record_payload(record: str, record_id: int | None, value: object) -> dict[str, object]:
    return {"record": record, "id": record_id, "data": to_json(value)}


def _text(value: object) -> str | None:
    """A JSON column from a value ``to_json`` made (as ``rows.dumps`` writes it)."""
    if value is None:
        return None
    return _ENCODE(value)


# ``json.dumps`` with these options builds an encoder per call: half its time
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


_CUSTODY_INSERT = f"INSERT INTO custody ({rows.CUSTODY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)"


class SqliteTransaction:
    """One write transaction. A bulk one (an intake batch) holds back its custody rows
    and the events of its new items (:class:`~.sqlite_events.Pending`) and writes them
    many at a time (an mbox's e-mails: one statement per item for each was most of the
    database time): at :meth:`flush`, which runs before COMMIT, before anything else
    in the transaction touches events, and before the store reads events or custody.
    Entries, hashes, ids and rows are those written one at a time."""

    def __init__(self, conn: Any, bulk: bool = False) -> None:
        self.conn = conn
        self._heads: dict[str, CustodyEntry | None] = {}
        self._moved: set[str] = set()
        self._numbers: dict[int, int] = {}
        self._held = sqlite_events.Pending(conn) if bulk else None
        self._custody: list[tuple[object, ...]] | None = [] if bulk else None
        # items added in this transaction that have no events yet -> their artifacts'
        # SHA-256 (what the events' bases are looked up by)
        self._fresh: dict[int, list[str]] = {}

    def flush(self) -> None:
        """Write the rows held back (see the class); reads see them afterwards."""
        if self._custody:
            self.conn.executemany(_CUSTODY_INSERT, self._custody)
            self._custody.clear()
        if self._held is not None:
            self._held.flush()

    def finish(self) -> None:
        """Record the new chain heads (once per transaction, before COMMIT)."""
        self.flush()
        self.conn.executemany(
            "INSERT OR REPLACE INTO chain_heads VALUES (?, ?, ?)",
            [(c, e.seq, e.hash) for c in sorted(self._moved) if (e := self._heads[c])])
        self._moved.clear()

    def _insert(self, table: str, columns: str, values: Sequence[object]) -> int:
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
        return int(cursor.lastrowid)

    def _head(self, chain: str) -> CustodyEntry | None:
        if chain not in self._heads:
            row = self.conn.execute(
                f"SELECT {rows.CUSTODY_COLUMNS} FROM custody WHERE chain = ? "
                "ORDER BY seq DESC LIMIT 1", (chain,)).fetchone()
            self._heads[chain] = None if row is None else rows.custody(row)
        return self._heads[chain]

    def log(self, chain: str, action: str, subject: str,
            payload: dict[str, object]) -> CustodyEntry:
        payload = {**payload, "tool": f"spoorvast {__version__}"}
        entry = chainlib.chain_next(self._head(chain), chain, action, subject, payload, ACTOR)
        row = (entry.chain, entry.seq, entry.at, entry.actor, entry.action, entry.subject,
               orjson.dumps(entry.payload).decode("utf-8"), entry.prev_hash, entry.hash)
        if self._custody is None:
            self.conn.execute(_CUSTODY_INSERT, row)
        else:
            self._custody.append(row)
        self._heads[chain] = entry
        self._moved.add(chain)
        return entry

    def add_case(self, case: Case) -> Case:
        case_id = self._insert("cases", "title, language, time_zone, created_at, description",
                               (case.title, case.language, case.time_zone,
                                rows.dumps(case.created_at), case.description))
        stored = replace(case, id=case_id)
        payload = record_payload("case", case_id, stored)
        self.log(VAULT_CHAIN, "case.created", f"case-{case_id}", payload)
        self.log(case_chain(case_id), "case.created", f"case-{case_id}", payload)
        return stored

    def _next_number(self, case_id: int) -> int:
        if case_id not in self._numbers:
            row = self.conn.execute("SELECT max(number) FROM items WHERE case_id = ?",
                                    (case_id,)).fetchone()
            self._numbers[case_id] = int(row[0] or 0)
        self._numbers[case_id] += 1
        return self._numbers[case_id]

    def add_item(self, item: Item, artifacts: Sequence[Artifact],
                 problems: Sequence[Problem] = ()) -> Item:
        number = self._next_number(item.case_id)
        data = to_json(item)  # once, for the columns and the custody entry
        item_id = self._insert(
            "items", "case_id, number, kind, title, acquired_at, importer, file, media",
            (item.case_id, number, item.kind.value, item.title, _text(data["acquired_at"]),
             item.importer, _text(data["file"]), _text(data["media"])))
        stored = replace(item, id=item_id, number=number)
        data["id"], data["number"] = item_id, number
        if self._held is not None:
            self._fresh[item_id] = []
        self.log(case_chain(item.case_id), "item.added", stored.label,
                 {"record": "item", "id": item_id, "data": data})
        for artifact in artifacts:
            self.add_artifact(stored, artifact)
        for problem in problems:
            self.add_finding(stored, problem)
        return stored

    def add_artifact(self, item: Item, artifact: Artifact) -> Artifact:
        data = to_json(artifact)  # once, for the columns and the custody entry
        artifact_id = self._insert(
            "artifacts", rows.ARTIFACT_COLUMNS.removeprefix("id, "),
            (item.id, artifact.role.value, artifact.media_type, artifact.size, artifact.sha256,
             artifact.name, _text(data["created_at"]), artifact.derived_from))
        stored = replace(artifact, id=artifact_id, item_id=item.id)
        data["id"], data["item_id"] = artifact_id, item.id
        shas = self._fresh.get(item.id) if item.id is not None else None
        if shas is not None:
            shas.append(artifact.sha256)
        self.log(case_chain(item.case_id), "artifact.sealed", item.label,
                 {"record": "artifact", "id": artifact_id, "data": data})
        return stored

    def add_finding(self, item: Item, problem: Problem) -> Finding:
        finding = Finding(None, item.case_id, item.id, problem.severity, problem.code,
                          problem.params, problem.location)
        finding_id = self._insert(
            "findings", rows.FINDING_COLUMNS.removeprefix("id, "),
            (item.case_id, item.id, problem.severity.value, problem.code,
             json.dumps([list(p) for p in problem.params]), rows.dumps(problem.location)))
        stored = replace(finding, id=finding_id)
        self.log(case_chain(item.case_id), "finding.recorded", item.label,
                 record_payload("finding", finding_id, stored))
        return stored

    def add_party(self, party: Party) -> Party:
        party_id = self._insert("parties", "case_id, role, name, notes",
                                (party.case_id, party.role.value, party.name, party.notes))
        stored = replace(party, id=party_id)
        self.log(case_chain(party.case_id), "party.added", f"party-{party_id}",
                 record_payload("party", party_id, stored))
        return stored

    def add_identifier(self, identifier: Identifier) -> Identifier:
        i = identifier
        data = to_json(identifier)  # once, for the columns and the custody entry
        identifier_id = self._insert(
            "identifiers", rows.IDENTIFIER_COLUMNS.removeprefix("id, "),
            (i.case_id, i.kind.value, i.value, i.party_id, i.platform, i.stable_id,
             i.status.value, i.item_id, _text(data["location"])))
        stored = replace(identifier, id=identifier_id)
        data["id"] = identifier_id
        self.log(case_chain(i.case_id), "identifier.added", f"identifier-{identifier_id}",
                 {"record": "identifier", "id": identifier_id, "data": data})
        return stored

    def add_events(self, item: Item | None, events: EventStream) -> int:
        """Store events of ``item`` (their ``item_id`` and ``seq`` are set here);
        ``events`` may be a lazy iterable, consumed once."""
        if isinstance(events, list) and not events:
            return 0
        shas = self._fresh.pop(item.id, None) if item is not None and item.id else None
        if shas is not None and self._held is not None and isinstance(events, list):
            assert item is not None
            held = self._held.add(self.log, case_chain(item.case_id), item, shas, events)
            if held is not None:
                if self._held.full():
                    self.flush()
                return held
        self.flush()
        stream = iter(events)
        first = next(stream, None)
        if first is None:
            return 0
        case_id = item.case_id if item is not None else first.case_id
        rest = events if isinstance(events, list) else itertools.chain((first,), stream)
        return sqlite_events.insert(self.conn, self.log, case_chain(case_id), case_id, item,
                                    rest)

    def replace_events(self, item: Item, events: EventStream, reason: str) -> int:
        self.flush()
        return sqlite_events.replace(self.conn, self.log, case_chain(item.case_id), item,
                                     events, reason)

    def set_event_marks(self, case_id: int, event_ids: Sequence[int], marked: bool) -> int:
        self.flush()
        return sqlite_events.set_marks(self.conn, self.log, case_chain(case_id), event_ids,
                                       marked)

    def update_identifier(self, identifier: Identifier) -> Identifier:
        i = identifier
        self.conn.execute(
            "UPDATE identifiers SET kind = ?, value = ?, party_id = ?, platform = ?, "
            "stable_id = ?, status = ?, item_id = ?, location = ? WHERE id = ?",
            (i.kind.value, i.value, i.party_id, i.platform, i.stable_id, i.status.value,
             i.item_id, rows.dumps(i.location), i.id))
        self.log(case_chain(i.case_id), "identifier.updated", f"identifier-{i.id}",
                 record_payload("identifier", i.id, i))
        return identifier

    def update_party(self, party: Party) -> Party:
        self.conn.execute("UPDATE parties SET role = ?, name = ?, notes = ? WHERE id = ?",
                          (party.role.value, party.name, party.notes, party.id))
        self.log(case_chain(party.case_id), "party.updated", f"party-{party.id}",
                 record_payload("party", party.id, party))
        return party

    def remove_party(self, party: Party, reason: str) -> None:
        """Remove a party that holds no identifiers any more (after a merge). The log
        records the removal (``data`` null), so verify expects the row to be gone."""
        self.conn.execute("DELETE FROM parties WHERE id = ?", (party.id,))
        self.log(case_chain(party.case_id), "party.removed", f"party-{party.id}",
                 {"record": "party", "id": party.id, "data": None, "reason": reason})

    def withdraw_item(self, item: Item, reason: str, at: Instant) -> Withdrawal:
        """Take ``item`` out of every listing; its row, artifacts and events stay."""
        assert item.id is not None
        stored = Withdrawal(item.id, item.case_id, at, reason)
        self.conn.execute(f"INSERT INTO withdrawals ({rows.WITHDRAWAL_COLUMNS}) "
                          "VALUES (?, ?, ?, ?)", (item.id, item.case_id, rows.dumps(at), reason))
        self.log(case_chain(item.case_id), "item.withdrawn", item.label,
                 record_payload("withdrawal", item.id, stored))
        return stored

    def restore_item(self, item: Item, reason: str) -> None:
        """Undo a withdrawal. The log records the end of it (``data`` null)."""
        cursor = self.conn.execute("DELETE FROM withdrawals WHERE item_id = ?", (item.id,))
        if cursor.rowcount != 1:
            raise ValueError(f"{item.label} is not withdrawn")
        self.log(case_chain(item.case_id), "item.restored", item.label,
                 {"record": "withdrawal", "id": item.id, "data": None, "reason": reason})

    def add_event_correction(self, new: Event, old: Event, reason: str,
                             at: Instant) -> EventCorrection:
        """Record that event ``new`` (just stored) corrects event ``old`` (same item)."""
        assert new.id is not None and old.id is not None
        self.flush()
        if new.item_id != old.item_id or new.case_id != old.case_id or new.id <= old.id:
            raise ValueError("an event correction links a newer event of the same item")
        stored = EventCorrection(new.id, new.case_id, old.id, at, reason)
        self.conn.execute("INSERT INTO event_corrections VALUES (?, ?, ?, ?, ?)",
                          (new.id, new.case_id, old.id, rows.dumps(at), reason))
        self.log(case_chain(new.case_id), "event.corrected", f"event-{new.id}",
                 {**record_payload("event-correction", new.id, stored),
                  "supersedes": old.id})
        return stored

    def add_correction(self, item: Item, supersedes: Item, reason: str,
                       at: Instant) -> Correction:
        """Record that ``item`` (just sealed) is the corrected version of ``supersedes``."""
        assert item.id is not None and supersedes.id is not None
        if item.case_id != supersedes.case_id or item.id == supersedes.id:
            raise ValueError("a correction links two items of one case")
        stored = Correction(item.id, item.case_id, supersedes.id, at, reason)
        self.conn.execute(f"INSERT INTO corrections ({rows.CORRECTION_COLUMNS}) "
                          "VALUES (?, ?, ?, ?, ?)",
                          (item.id, item.case_id, supersedes.id, rows.dumps(at), reason))
        self.log(case_chain(item.case_id), "item.corrected", item.label,
                 {**record_payload("correction", item.id, stored),
                  "supersedes": supersedes.label})
        return stored

    def set_setting(self, key: str, value: str | None) -> None:
        self.conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, value))

    def delete_settings(self, prefix: str) -> int:
        """Remove every setting whose key starts with ``prefix`` (no LIKE wildcards)."""
        removed: int = self.conn.execute("DELETE FROM settings WHERE substr(key, 1, ?) = ?",
                                         (len(prefix), prefix)).rowcount
        return removed


class SqliteStore:
    """The embedded MetadataStore."""

    def __init__(self, path: Path, key: bytes, create: bool = True) -> None:
        self.path = path
        # called after each COMMIT (the vault records the new chain heads in its anchor)
        self.after_commit: Callable[[], None] | None = None
        self._left_out: frozenset[int] = frozenset()  # see leaving_out
        self._writing: SqliteTransaction | None = None  # the open transaction
        self.conn = connect(path, key, create)
        with self.transaction():
            self.migrated = migrate(self.conn)

    @contextmanager
    def transaction(self, bulk: bool = False) -> Iterator[SqliteTransaction]:
        """One atomic change. ``bulk``: a large one (an intake batch), written with a
        rollback journal when this is the only connection to the database (see
        :func:`_rollback_journal`)."""
        with _disk_full_is_storage_full(), _rollback_journal(self.conn, bulk):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                tx = self._writing = SqliteTransaction(self.conn, bulk)
                yield tx
                tx.finish()
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            finally:
                self._writing = None
        if self.after_commit is not None:
            self.after_commit()

    def close(self) -> None:
        self.conn.close()

    def _settled(self) -> None:
        """Before a read of events or custody: the rows the open transaction holds back
        are written (its own connection then sees them, as it sees everything else)."""
        if self._writing is not None:
            self._writing.flush()

    def _all(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        return list(self.conn.execute(sql, params).fetchall())

    def _one(self, sql: str, params: Sequence[object] = ()) -> Any:
        return self.conn.execute(sql, params).fetchone()

    def cases(self) -> list[Case]:
        return [rows.case(r) for r in self._all(f"SELECT {rows.CASE_COLUMNS} FROM cases "
                                                 "ORDER BY id")]

    def case(self, case_id: int) -> Case | None:
        row = self._one(f"SELECT {rows.CASE_COLUMNS} FROM cases WHERE id = ?", (case_id,))
        return None if row is None else rows.case(row)

    def items(self, case_id: int) -> list[Item]:
        return [rows.item(r) for r in self._all(
            f"SELECT {rows.ITEM_COLUMNS} FROM items WHERE case_id = ? ORDER BY number",
            (case_id,))]

    def item(self, case_id: int, number: int) -> Item | None:
        row = self._one(f"SELECT {rows.ITEM_COLUMNS} FROM items WHERE case_id = ? AND "
                        "number = ?", (case_id, number))
        return None if row is None else rows.item(row)

    def item_by_id(self, item_id: int) -> Item | None:
        row = self._one(f"SELECT {rows.ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,))
        return None if row is None else rows.item(row)

    def item_with_original(self, case_id: int, sha256: str) -> Item | None:
        row = self._one(
            f"SELECT {', '.join('i.' + c for c in rows.ITEM_COLUMNS.split(', '))} "
            "FROM items i JOIN artifacts a ON a.item_id = i.id WHERE i.case_id = ? AND "
            "a.sha256 = ? AND a.role = 'original' ORDER BY i.number LIMIT 1", (case_id, sha256))
        return None if row is None else rows.item(row)

    def has_artifact(self, sha256: str) -> bool:
        return self._one("SELECT 1 FROM artifacts WHERE sha256 = ? LIMIT 1",
                         (sha256,)) is not None

    def artifacts(self, item_id: int) -> list[Artifact]:
        return [rows.artifact(r) for r in self._all(
            f"SELECT {rows.ARTIFACT_COLUMNS} FROM artifacts WHERE item_id = ? ORDER BY id",
            (item_id,))]

    def all_artifacts(self) -> Iterator[Artifact]:
        for row in self.conn.execute(f"SELECT {rows.ARTIFACT_COLUMNS} FROM artifacts "
                                     "ORDER BY id"):
            yield rows.artifact(row)

    def parties(self, case_id: int) -> list[Party]:
        return [rows.party(r) for r in self._all(
            f"SELECT {rows.PARTY_COLUMNS} FROM parties WHERE case_id = ? ORDER BY id",
            (case_id,))]

    def identifiers(self, case_id: int, with_corrected: bool = False) -> list[Identifier]:
        """Every listing's identifiers: an earlier version of a corrected one only with
        ``with_corrected`` (its history, verify)."""
        scope = "" if with_corrected else "AND status != 'corrected' "
        return [rows.identifier(r) for r in self._all(
            f"SELECT {rows.IDENTIFIER_COLUMNS} FROM identifiers WHERE case_id = ? {scope}"
            "ORDER BY id", (case_id,))]

    def withdrawals(self, case_id: int) -> list[Withdrawal]:
        return [rows.withdrawal(r) for r in self._all(
            f"SELECT {rows.WITHDRAWAL_COLUMNS} FROM withdrawals WHERE case_id = ? "
            "ORDER BY item_id", (case_id,))]

    def corrections(self, case_id: int) -> list[Correction]:
        return [rows.correction(r) for r in self._all(
            f"SELECT {rows.CORRECTION_COLUMNS} FROM corrections WHERE case_id = ? "
            "ORDER BY item_id", (case_id,))]

    def event_corrections(self, case_id: int) -> list[EventCorrection]:
        return [EventCorrection(int(r[0]), int(r[1]), int(r[2]), rows.required_instant(r[3]),
                                str(r[4])) for r in self._all(
            "SELECT event_id, case_id, supersedes, at, reason FROM event_corrections "
            "WHERE case_id = ? ORDER BY event_id", (case_id,))]

    def superseded_event_ids(self, case_id: int) -> tuple[int, ...]:
        return tuple(r[0] for r in self._all(
            "SELECT supersedes FROM event_corrections WHERE case_id = ? ORDER BY supersedes",
            (case_id,)))

    def _hidden(self, case_id: int) -> sqlite_events.Hidden:
        return sqlite_events.Hidden.of(self.hidden_item_ids(case_id),
                                       self.superseded_event_ids(case_id))

    def hidden_item_ids(self, case_id: int) -> tuple[int, ...]:
        """Items left out of case-wide listings: withdrawn, or superseded by a correction
        (and, inside :meth:`leaving_out`, the items a dossier leaves out)."""
        return tuple(sorted({r[0] for r in self._all(
            "SELECT item_id FROM withdrawals WHERE case_id = ? UNION "
            "SELECT supersedes FROM corrections WHERE case_id = ?", (case_id, case_id))}
            | self._left_out))

    @contextmanager
    def leaving_out(self, item_ids: frozenset[int]) -> Iterator[None]:
        """Every listing through this handle also leaves these items out, for the time
        of the block: a dossier without the items the person chose to leave out is
        gathered exactly as one without withdrawn items (its events, identifiers,
        calls, checklist and files), with nothing changed in the vault. Use it on a
        handle of its own (a job's): other users of the handle would not see them."""
        self._left_out = frozenset(item_ids)
        try:
            yield
        finally:
            self._left_out = frozenset()

    def events(self, case_id: int, item_id: int | None = None) -> list[Event]:
        self._settled()
        if item_id is not None:
            return sqlite_events.of_item(self.conn, case_id, item_id)
        return sqlite_events.of_case(self.conn, case_id, self._hidden(case_id))

    def search_events(self, query: EventQuery) -> list[EventHit]:
        self._settled()
        return sqlite_events.search(self.conn, query, self._hidden_for(query))

    def count_events(self, query: EventQuery, cap: int | None = None) -> int:
        self._settled()
        return sqlite_events.count(self.conn, query, self._hidden_for(query), cap)

    def event_position(self, query: EventQuery) -> Position | None:
        self._settled()
        return sqlite_events.position(self.conn, query, self._hidden_for(query))

    def event_buckets(self, case_id: int, minutes: int = 10) -> list[EventBucket]:
        self._settled()
        return sqlite_events_counts.read(self.conn, case_id, self.hidden_item_ids(case_id),
                                         self.superseded_event_ids(case_id), minutes)

    def _hidden_for(self, query: EventQuery) -> tuple[int, ...]:
        if query.item_ids is not None:  # those items' own events, but never superseded ones
            return sqlite_events.Hidden.of((), self.superseded_event_ids(query.case_id))
        return self._hidden(query.case_id)

    def event_by_ref(self, case_id: int, item_number: int, seq: int) -> Event | None:
        self._settled()
        return sqlite_events.by_ref(self.conn, case_id, item_number, seq)

    def event_by_id(self, event_id: int) -> Event | None:
        self._settled()
        return sqlite_events.by_id(self.conn, event_id)

    def actor_counts(self, case_id: int, item_id: int | None = None) -> list[ActorCount]:
        self._settled()
        hidden = self._hidden(case_id) if item_id is None else ()
        return sqlite_events.actor_counts(self.conn, case_id, item_id, hidden)

    def day_counts(self, case_id: int) -> list[DayCount]:
        self._settled()
        return sqlite_events.day_counts(self.conn, case_id, self._hidden(case_id))

    def findings(self, case_id: int, item_id: int | None = None) -> list[Finding]:
        sql = f"SELECT {rows.FINDING_COLUMNS} FROM findings WHERE case_id = ?"
        params: tuple[int, ...] = (case_id,)
        if item_id is not None:
            sql, params = sql + " AND item_id = ?", (case_id, item_id)
        return [rows.finding(r) for r in self._all(sql + " ORDER BY id", params)]

    def chains(self) -> list[str]:
        self._settled()
        names = {r[0] for r in self._all("SELECT DISTINCT chain FROM custody")}
        names |= {r[0] for r in self._all("SELECT chain FROM chain_heads")}
        return sorted(names)

    def custody(self, chain: str) -> list[CustodyEntry]:
        self._settled()
        return [rows.custody(r) for r in self._all(
            f"SELECT {rows.CUSTODY_COLUMNS} FROM custody WHERE chain = ? ORDER BY seq",
            (chain,))]

    def chain_head(self, chain: str) -> tuple[int, str] | None:
        row = self._one("SELECT seq, hash FROM chain_heads WHERE chain = ?", (chain,))
        return None if row is None else (int(row[0]), str(row[1]))

    def chain_heads(self) -> dict[str, tuple[int, str]]:
        """Every chain's recorded head (for the key file's anchor)."""
        return {str(c): (int(s), str(h))
                for c, s, h in self._all("SELECT chain, seq, hash FROM chain_heads")}

    def entry_hash(self, chain: str, seq: int) -> str | None:
        """The hash of one custody entry, None when the chain has no such entry."""
        self._settled()
        row = self._one("SELECT hash FROM custody WHERE chain = ? AND seq = ?", (chain, seq))
        return None if row is None else str(row[0])

    def damaged_pages(self) -> int:
        """Pages whose MAC or structure SQLCipher refuses (``cipher_integrity_check``)."""
        return len(self._all("PRAGMA cipher_integrity_check"))

    def custody_for(self, chain: str, subject: str) -> list[CustodyEntry]:
        self._settled()
        return [rows.custody(r) for r in self._all(
            f"SELECT {rows.CUSTODY_COLUMNS} FROM custody WHERE chain = ? AND subject = ? "
            "ORDER BY seq", (chain, subject))]

    def setting(self, key: str) -> str | None:
        row = self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return None if row is None else row[0]

    @contextmanager
    def waiting_at_most(self, milliseconds: int) -> Iterator[None]:
        """Writes in this block wait at most this long for another connection's write
        (a lock closes the vault at once; it does not wait out a job's transaction)."""
        waited = int(self.conn.execute("PRAGMA busy_timeout").fetchone()[0])
        self.conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {waited}")

    def settings_under(self, prefix: str) -> list[tuple[str, str]]:
        """The settings whose key starts with ``prefix`` (and that have a value)."""
        return [(k, v) for k, v in self._all(
            "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ? AND value IS NOT "
            "NULL ORDER BY key", (len(prefix), prefix))]

    def event_kinds_by_item(self, case_id: int, kinds_wanted: Sequence[str]
                            ) -> dict[int, set[str]]:
        """item id -> which of ``kinds_wanted`` its events hold (for the checklist); 0
        stands for the case's own events (typed calls)."""
        self._settled()
        kinds: dict[int, set[str]] = {}
        rare = [k for k in kinds_wanted if k != "message"]
        if rare:  # through the partial index (its WHERE term must appear as written)
            marks = ", ".join("?" for _ in rare)
            for item_id, kind in self._all(
                    f"SELECT DISTINCT item_id, kind FROM events WHERE case_id = ? AND "
                    f"kind <> 'message' AND kind IN ({marks})", (case_id, *rare)):
                kinds.setdefault(item_id or 0, set()).add(kind)
        if "message" in kinds_wanted:  # each item's rows in order, up to the first message
            for (item_id,) in self._all(
                    "SELECT id FROM items WHERE case_id = ? AND EXISTS (SELECT 1 FROM events "
                    "WHERE item_id = items.id AND kind = 'message') UNION ALL SELECT 0 "
                    "WHERE EXISTS (SELECT 1 FROM event_rows INDEXED BY events_item_seq WHERE "
                    "item_id IS NULL AND case_id = ? AND kind = 'message')",
                    (case_id, case_id)):
                kinds.setdefault(item_id, set()).add("message")
        for hidden in self.hidden_item_ids(case_id):
            kinds.pop(hidden, None)
        return kinds

    def event_rows(self, case_id: int, since: datetime | None = None,
                   until: datetime | None = None
                   ) -> Iterator[tuple[str | None, str, str | None, int]]:
        """(utc iso, kind, actor key, item id) of every event (from ``since``, before
        ``until``: then only dated ones), in time order: the light rows that pattern
        charts count."""
        self._settled()
        hidden = self._hidden(case_id)
        scope, params = sqlite_events.not_hidden("item_id", hidden)
        bounds: list[str] = []
        for moment, term in ((since, " AND utc >= ?"), (until, " AND utc < ?")):
            if moment is not None:
                bounds.append(moment.astimezone(UTC).isoformat(timespec="microseconds"))
                scope += term
        yield from self.conn.execute(
            f"SELECT utc, kind, actor, item_id FROM event_rows "
            f"WHERE case_id = ? {scope} ORDER BY utc", (case_id, *params, *bounds))

    def record_rows(self) -> Iterator[tuple[str, int, dict[str, object]]]:
        """Every row as (record kind, id, canonical data) for verify to compare."""
        self._settled()
        for case in self.cases():
            assert case.id is not None
            yield "case", case.id, to_json(case)
            yield from self._case_rows(case.id)

    def _case_rows(self, case_id: int) -> Iterator[tuple[str, int, dict[str, object]]]:
        for item in self.items(case_id):
            assert item.id is not None
            yield "item", item.id, to_json(item)
            for artifact in self.artifacts(item.id):
                yield "artifact", int(artifact.id or 0), to_json(artifact)
        for finding in self.findings(case_id):
            yield "finding", int(finding.id or 0), to_json(finding)
        for party in self.parties(case_id):
            yield "party", int(party.id or 0), to_json(party)
        for identifier in self.identifiers(case_id, with_corrected=True):
            yield "identifier", int(identifier.id or 0), to_json(identifier)
        for withdrawal in self.withdrawals(case_id):
            yield "withdrawal", withdrawal.item_id, to_json(withdrawal)
        for fixed in self.event_corrections(case_id):
            yield "event-correction", fixed.event_id, to_json(fixed)
        for correction in self.corrections(case_id):
            yield "correction", correction.item_id, to_json(correction)
        yield from sqlite_events.record_rows(self.conn, case_id)
