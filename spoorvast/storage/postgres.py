"""The vault's metadata in a PostgreSQL database the user runs (``MetadataStore``).

The same protocol and meaning as the embedded SQLCipher store (``sqlite.py``): every
mutation appends its custody entry in the same transaction, entries are made and hashed
in Python (:func:`spoorvast.model.custody.chain_next`), so a chain holds the same entries
and hashes for the same operations; ``chain_heads`` is written once per transaction.
Writers are one at a time, as with SQLite's ``BEGIN IMMEDIATE``: each write transaction
first takes a transaction-level advisory lock, so item numbers and chain sequence
numbers never race between processes. :meth:`PostgresStore.waiting_at_most` bounds that
wait with ``lock_timeout``.

What protects the data. SQLCipher encrypts the whole database file with the vault's
key; this store does not: the rows (case titles, event texts, names, the custody log)
are stored in PostgreSQL as plain values, readable by whoever can read that database,
its files or its backups. Protect them with PostgreSQL's own means: disk or volume
encryption under its data directory and backups, TLS on the connection
(``sslmode=verify-full`` in the URL when it is not on this machine), and a role that only
this vault uses. The files themselves (originals, screenshots, exports) stay in the
vault folder's encrypted blob store under the vault key, and the key file stays in the
vault folder; a vault whose metadata is here is tied to its folder by the vault id
recorded in the database. An organisation's end-to-end encrypted server is another part
(``spoorvast server``), not this store.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from spoorvast import __version__
from spoorvast.errors import StorageFull, UserError
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
from spoorvast.model.serialize import to_json
from spoorvast.storage import postgres_counts as pg_counts
from spoorvast.storage import postgres_events as pg_events
from spoorvast.storage import sqlite_rows as rows
from spoorvast.storage.base import VAULT_CHAIN, case_chain
from spoorvast.storage.postgres_schema import migrate
from spoorvast.storage.sqlite_events import Hidden

ACTOR = "owner"
WRITER_LOCK = 0x5370_6F6F_7276  # pg_advisory_xact_lock key: one writer at a time
SCHEMES = ("postgresql://", "postgres://")


def is_url(text: str) -> bool:
    return text.startswith(SCHEMES)


def describe(url: str) -> str:
    """host:port/database of the URL, for messages (never its user or password)."""
    try:
        where = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "PostgreSQL"
    return f"{where.get('host', 'localhost')}:{where.get('port', 5432)}/{where.get('dbname', '')}"


def has_password(url: str) -> bool:
    """Whether the URL carries a password (kept in plain text where the URL is kept)."""
    try:
        return bool(psycopg.conninfo.conninfo_to_dict(url).get("password"))
    except psycopg.ProgrammingError:
        return False


def record_payload(record: str, record_id: int | None, value: object) -> dict[str, object]:
    return {"record": record, "id": record_id, "data": to_json(value)}


def connect(url: str) -> psycopg.Connection[Any]:
    """An autocommit connection (writes run in explicit transactions). A server that
    cannot be reached is a user error naming the host, never the password."""
    try:
        conn = psycopg.connect(url, autocommit=True, application_name="spoorvast")
    except psycopg.OperationalError as exc:
        raise UserError(_("The vault's metadata database on {host} cannot be reached or "
                          "refused the connection. Check that PostgreSQL runs and that "
                          "the URL is right.").format(host=describe(url))) from exc
    conn.execute("SET TIME ZONE 'UTC'")
    return conn


@contextmanager
def _disk_full_is_storage_full() -> Iterator[None]:
    """A full disk, or a text with U+0000 outside the events (a title, a name: only the
    events' values are escaped), as errors a person can act on; nothing was stored."""
    try:
        yield
    except pg_errors.DiskFull as exc:
        raise StorageFull(_("The disk holding the vault's metadata database is full; "
                            "nothing was stored. Free some space and try again.")) from exc
    except psycopg.DataError as exc:
        if "NUL" not in str(exc):
            raise
        raise UserError(_("A text holds the character U+0000, which PostgreSQL cannot "
                          "store; nothing was stored. Remove it and try again.")) from exc


class PostgresTransaction:
    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self._heads: dict[str, CustodyEntry | None] = {}
        self._moved: set[str] = set()
        self._numbers: dict[int, int] = {}

    def finish(self) -> None:
        """Record the new chain heads (once per transaction, before COMMIT)."""
        moved = [(c, e.seq, e.hash) for c in sorted(self._moved) if (e := self._heads[c])]
        if moved:
            with self.conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO chain_heads VALUES (%s, %s, %s) ON CONFLICT (chain) DO "
                    "UPDATE SET seq = excluded.seq, hash = excluded.hash", moved)
        self._moved.clear()

    def _insert(self, table: str, columns: str, values: Sequence[object]) -> int:
        marks = ", ".join("%s" for _ in values)
        row = self.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
                                "RETURNING id", values).fetchone()
        return int(row[0])

    def _head(self, chain: str) -> CustodyEntry | None:
        if chain not in self._heads:
            row = self.conn.execute(
                f"SELECT {rows.CUSTODY_COLUMNS} FROM custody WHERE chain = %s "
                "ORDER BY seq DESC LIMIT 1", (chain,)).fetchone()
            self._heads[chain] = None if row is None else rows.custody(row)
        return self._heads[chain]

    def log(self, chain: str, action: str, subject: str,
            payload: dict[str, object]) -> CustodyEntry:
        payload = {**payload, "tool": f"spoorvast {__version__}"}
        entry = chainlib.chain_next(self._head(chain), chain, action, subject, payload, ACTOR)
        self.conn.execute(
            f"INSERT INTO custody ({rows.CUSTODY_COLUMNS}) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (entry.chain, entry.seq, entry.at, entry.actor, entry.action, entry.subject,
             json.dumps(entry.payload, ensure_ascii=False), entry.prev_hash, entry.hash))
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
            row = self.conn.execute("SELECT max(number) FROM items WHERE case_id = %s",
                                    (case_id,)).fetchone()
            self._numbers[case_id] = int(row[0] or 0)
        self._numbers[case_id] += 1
        return self._numbers[case_id]

    def add_item(self, item: Item, artifacts: Sequence[Artifact],
                 problems: Sequence[Problem] = ()) -> Item:
        number = self._next_number(item.case_id)
        item_id = self._insert(
            "items", "case_id, number, kind, title, acquired_at, importer, file, media",
            (item.case_id, number, item.kind.value, item.title, rows.dumps(item.acquired_at),
             item.importer, rows.dumps(item.file), rows.dumps(item.media)))
        stored = replace(item, id=item_id, number=number)
        self.log(case_chain(item.case_id), "item.added", stored.label,
                 record_payload("item", item_id, stored))
        for artifact in artifacts:
            self.add_artifact(stored, artifact)
        for problem in problems:
            self.add_finding(stored, problem)
        return stored

    def add_artifact(self, item: Item, artifact: Artifact) -> Artifact:
        artifact_id = self._insert(
            "artifacts", rows.ARTIFACT_COLUMNS.removeprefix("id, "),
            (item.id, artifact.role.value, artifact.media_type, artifact.size, artifact.sha256,
             artifact.name, rows.dumps(artifact.created_at), artifact.derived_from))
        stored = replace(artifact, id=artifact_id, item_id=item.id)
        self.log(case_chain(item.case_id), "artifact.sealed", item.label,
                 record_payload("artifact", artifact_id, stored))
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
        identifier_id = self._insert(
            "identifiers", rows.IDENTIFIER_COLUMNS.removeprefix("id, "),
            (i.case_id, i.kind.value, i.value, i.party_id, i.platform, i.stable_id,
             i.status.value, i.item_id, rows.dumps(i.location)))
        stored = replace(identifier, id=identifier_id)
        self.log(case_chain(i.case_id), "identifier.added", f"identifier-{identifier_id}",
                 record_payload("identifier", identifier_id, stored))
        return stored

    def add_events(self, item: Item | None, events: EventStream) -> int:
        """Store events of ``item`` (their ``item_id`` and ``seq`` are set here);
        ``events`` may be a lazy iterable, consumed once."""
        stream = iter(events)
        first = next(stream, None)
        if first is None:
            return 0
        case_id = item.case_id if item is not None else first.case_id
        rest = events if isinstance(events, list) else itertools.chain((first,), stream)
        return pg_events.insert(self.conn, self.log, case_chain(case_id), case_id, item, rest)

    def replace_events(self, item: Item, events: EventStream, reason: str) -> int:
        return pg_events.replace(self.conn, self.log, case_chain(item.case_id), item, events,
                                 reason)

    def set_event_marks(self, case_id: int, event_ids: Sequence[int], marked: bool) -> int:
        return pg_events.set_marks(self.conn, self.log, case_chain(case_id), event_ids,
                                   marked)

    def update_identifier(self, identifier: Identifier) -> Identifier:
        i = identifier
        self.conn.execute(
            "UPDATE identifiers SET kind = %s, value = %s, party_id = %s, platform = %s, "
            "stable_id = %s, status = %s, item_id = %s, location = %s WHERE id = %s",
            (i.kind.value, i.value, i.party_id, i.platform, i.stable_id, i.status.value,
             i.item_id, rows.dumps(i.location), i.id))
        self.log(case_chain(i.case_id), "identifier.updated", f"identifier-{i.id}",
                 record_payload("identifier", i.id, i))
        return identifier

    def update_party(self, party: Party) -> Party:
        self.conn.execute("UPDATE parties SET role = %s, name = %s, notes = %s WHERE id = %s",
                          (party.role.value, party.name, party.notes, party.id))
        self.log(case_chain(party.case_id), "party.updated", f"party-{party.id}",
                 record_payload("party", party.id, party))
        return party

    def remove_party(self, party: Party, reason: str) -> None:
        """Remove a party that holds no identifiers any more (``data`` null in the log)."""
        self.conn.execute("DELETE FROM parties WHERE id = %s", (party.id,))
        self.log(case_chain(party.case_id), "party.removed", f"party-{party.id}",
                 {"record": "party", "id": party.id, "data": None, "reason": reason})

    def withdraw_item(self, item: Item, reason: str, at: Instant) -> Withdrawal:
        assert item.id is not None
        stored = Withdrawal(item.id, item.case_id, at, reason)
        self.conn.execute(f"INSERT INTO withdrawals ({rows.WITHDRAWAL_COLUMNS}) "
                          "VALUES (%s, %s, %s, %s)",
                          (item.id, item.case_id, rows.dumps(at), reason))
        self.log(case_chain(item.case_id), "item.withdrawn", item.label,
                 record_payload("withdrawal", item.id, stored))
        return stored

    def restore_item(self, item: Item, reason: str) -> None:
        cursor = self.conn.execute("DELETE FROM withdrawals WHERE item_id = %s", (item.id,))
        if cursor.rowcount != 1:
            raise ValueError(f"{item.label} is not withdrawn")
        self.log(case_chain(item.case_id), "item.restored", item.label,
                 {"record": "withdrawal", "id": item.id, "data": None, "reason": reason})

    def add_event_correction(self, new: Event, old: Event, reason: str,
                             at: Instant) -> EventCorrection:
        assert new.id is not None and old.id is not None
        if new.item_id != old.item_id or new.case_id != old.case_id or new.id <= old.id:
            raise ValueError("an event correction links a newer event of the same item")
        stored = EventCorrection(new.id, new.case_id, old.id, at, reason)
        self.conn.execute("INSERT INTO event_corrections VALUES (%s, %s, %s, %s, %s)",
                          (new.id, new.case_id, old.id, rows.dumps(at), reason))
        self.log(case_chain(new.case_id), "event.corrected", f"event-{new.id}",
                 {**record_payload("event-correction", new.id, stored),
                  "supersedes": old.id})
        return stored

    def add_correction(self, item: Item, supersedes: Item, reason: str,
                       at: Instant) -> Correction:
        assert item.id is not None and supersedes.id is not None
        if item.case_id != supersedes.case_id or item.id == supersedes.id:
            raise ValueError("a correction links two items of one case")
        stored = Correction(item.id, item.case_id, supersedes.id, at, reason)
        self.conn.execute(f"INSERT INTO corrections ({rows.CORRECTION_COLUMNS}) "
                          "VALUES (%s, %s, %s, %s, %s)",
                          (item.id, item.case_id, supersedes.id, rows.dumps(at), reason))
        self.log(case_chain(item.case_id), "item.corrected", item.label,
                 {**record_payload("correction", item.id, stored),
                  "supersedes": supersedes.label})
        return stored

    def set_setting(self, key: str, value: str | None) -> None:
        self.conn.execute("INSERT INTO settings VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
                          "SET value = excluded.value", (key, value))

    def delete_settings(self, prefix: str) -> int:
        """Remove every setting whose key starts with ``prefix`` (no LIKE wildcards)."""
        removed: int = self.conn.execute("DELETE FROM settings WHERE starts_with(key, %s)",
                                         (prefix,)).rowcount
        return removed


class PostgresStore:
    """The MetadataStore on PostgreSQL (see the module docstring)."""

    def __init__(self, url: str, create: bool = True) -> None:
        self.url = url
        # called after each COMMIT (the vault records the new chain heads in its anchor)
        self.after_commit: Callable[[], None] | None = None
        self.conn = connect(url)
        self._cursors = 0
        self._left_out: frozenset[int] = frozenset()  # see leaving_out
        try:
            with self.transaction():
                migrated = migrate(self.conn, create)
        except BaseException:
            self.conn.close()
            raise
        if migrated is None:
            self.conn.close()
            raise UserError(_("The vault's metadata database holds no vault (its tables "
                              "are missing). Nothing was created in it."))
        self.migrated = migrated

    @contextmanager
    def transaction(self, bulk: bool = False) -> Iterator[PostgresTransaction]:
        """One atomic change, one writer at a time (an advisory lock). ``bulk``: a large
        one (an intake batch): the text index's pending entries are merged with more
        memory (``work_mem``). Events always go in by COPY."""
        with _disk_full_is_storage_full(), self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))
            if bulk:
                self.conn.execute("SET LOCAL work_mem = '64MB'")
            tx = PostgresTransaction(self.conn)
            yield tx
            tx.finish()
        if self.after_commit is not None:
            self.after_commit()

    def close(self) -> None:
        self.conn.close()

    def _all(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        return list(self.conn.execute(sql, params).fetchall())

    def _one(self, sql: str, params: Sequence[object] = ()) -> Any:
        return self.conn.execute(sql, params).fetchone()

    def cases(self) -> list[Case]:
        return [rows.case(r) for r in self._all(f"SELECT {rows.CASE_COLUMNS} FROM cases "
                                                 "ORDER BY id")]

    def case(self, case_id: int) -> Case | None:
        row = self._one(f"SELECT {rows.CASE_COLUMNS} FROM cases WHERE id = %s", (case_id,))
        return None if row is None else rows.case(row)

    def items(self, case_id: int) -> list[Item]:
        return [rows.item(r) for r in self._all(
            f"SELECT {rows.ITEM_COLUMNS} FROM items WHERE case_id = %s ORDER BY number",
            (case_id,))]

    def item(self, case_id: int, number: int) -> Item | None:
        row = self._one(f"SELECT {rows.ITEM_COLUMNS} FROM items WHERE case_id = %s AND "
                        "number = %s", (case_id, number))
        return None if row is None else rows.item(row)

    def item_by_id(self, item_id: int) -> Item | None:
        row = self._one(f"SELECT {rows.ITEM_COLUMNS} FROM items WHERE id = %s", (item_id,))
        return None if row is None else rows.item(row)

    def item_with_original(self, case_id: int, sha256: str) -> Item | None:
        row = self._one(
            f"SELECT {', '.join('i.' + c for c in rows.ITEM_COLUMNS.split(', '))} "
            "FROM items i JOIN artifacts a ON a.item_id = i.id WHERE i.case_id = %s AND "
            "a.sha256 = %s AND a.role = 'original' ORDER BY i.number LIMIT 1",
            (case_id, sha256))
        return None if row is None else rows.item(row)

    def has_artifact(self, sha256: str) -> bool:
        return self._one("SELECT 1 FROM artifacts WHERE sha256 = %s LIMIT 1",
                         (sha256,)) is not None

    def artifacts(self, item_id: int) -> list[Artifact]:
        return [rows.artifact(r) for r in self._all(
            f"SELECT {rows.ARTIFACT_COLUMNS} FROM artifacts WHERE item_id = %s ORDER BY id",
            (item_id,))]

    def all_artifacts(self) -> Iterator[Artifact]:
        for row in self._all(f"SELECT {rows.ARTIFACT_COLUMNS} FROM artifacts ORDER BY id"):
            yield rows.artifact(row)

    def parties(self, case_id: int) -> list[Party]:
        return [rows.party(r) for r in self._all(
            f"SELECT {rows.PARTY_COLUMNS} FROM parties WHERE case_id = %s ORDER BY id",
            (case_id,))]

    def identifiers(self, case_id: int, with_corrected: bool = False) -> list[Identifier]:
        scope = "" if with_corrected else "AND status <> 'corrected' "
        return [rows.identifier(r) for r in self._all(
            f"SELECT {rows.IDENTIFIER_COLUMNS} FROM identifiers WHERE case_id = %s {scope}"
            "ORDER BY id", (case_id,))]

    def withdrawals(self, case_id: int) -> list[Withdrawal]:
        return [rows.withdrawal(r) for r in self._all(
            f"SELECT {rows.WITHDRAWAL_COLUMNS} FROM withdrawals WHERE case_id = %s "
            "ORDER BY item_id", (case_id,))]

    def corrections(self, case_id: int) -> list[Correction]:
        return [rows.correction(r) for r in self._all(
            f"SELECT {rows.CORRECTION_COLUMNS} FROM corrections WHERE case_id = %s "
            "ORDER BY item_id", (case_id,))]

    def event_corrections(self, case_id: int) -> list[EventCorrection]:
        return [EventCorrection(int(r[0]), int(r[1]), int(r[2]), rows.required_instant(r[3]),
                                str(r[4])) for r in self._all(
            "SELECT event_id, case_id, supersedes, at, reason FROM event_corrections "
            "WHERE case_id = %s ORDER BY event_id", (case_id,))]

    def superseded_event_ids(self, case_id: int) -> tuple[int, ...]:
        return tuple(int(r[0]) for r in self._all(
            "SELECT supersedes FROM event_corrections WHERE case_id = %s ORDER BY supersedes",
            (case_id,)))

    def _hidden(self, case_id: int) -> Hidden:
        return Hidden.of(self.hidden_item_ids(case_id), self.superseded_event_ids(case_id))

    def hidden_item_ids(self, case_id: int) -> tuple[int, ...]:
        """Items left out of case-wide listings: withdrawn, or superseded by a correction
        (and, inside :meth:`leaving_out`, the items a dossier leaves out)."""
        return tuple(sorted({int(r[0]) for r in self._all(
            "SELECT item_id FROM withdrawals WHERE case_id = %s UNION "
            "SELECT supersedes FROM corrections WHERE case_id = %s", (case_id, case_id))}
            | self._left_out))

    @contextmanager
    def leaving_out(self, item_ids: frozenset[int]) -> Iterator[None]:
        """As :meth:`SqliteStore.leaving_out`: listings through this handle also leave
        these items out, for the time of the block."""
        self._left_out = frozenset(item_ids)
        try:
            yield
        finally:
            self._left_out = frozenset()

    def events(self, case_id: int, item_id: int | None = None) -> list[Event]:
        if item_id is not None:
            return pg_events.of_item(self.conn, case_id, item_id)
        return pg_events.of_case(self.conn, case_id, self._hidden(case_id))

    def search_events(self, query: EventQuery) -> list[EventHit]:
        return pg_events.search(self.conn, query, self._hidden_for(query))

    def count_events(self, query: EventQuery, cap: int | None = None) -> int:
        return pg_events.count(self.conn, query, self._hidden_for(query), cap)

    def event_position(self, query: EventQuery) -> Position | None:
        return pg_events.position(self.conn, query, self._hidden_for(query))

    def event_buckets(self, case_id: int, minutes: int = 10) -> list[EventBucket]:
        return pg_counts.read(self.conn, case_id, self.hidden_item_ids(case_id),
                              self.superseded_event_ids(case_id), minutes)

    def _hidden_for(self, query: EventQuery) -> tuple[int, ...]:
        if query.item_ids is not None:  # those items' own events, but never superseded ones
            return Hidden.of((), self.superseded_event_ids(query.case_id))
        return self._hidden(query.case_id)

    def event_by_ref(self, case_id: int, item_number: int, seq: int) -> Event | None:
        return pg_events.by_ref(self.conn, case_id, item_number, seq)

    def event_by_id(self, event_id: int) -> Event | None:
        return pg_events.by_id(self.conn, event_id)

    def actor_counts(self, case_id: int, item_id: int | None = None) -> list[ActorCount]:
        hidden = self._hidden(case_id) if item_id is None else ()
        return pg_events.actor_counts(self.conn, case_id, item_id, hidden)

    def day_counts(self, case_id: int) -> list[DayCount]:
        return pg_events.day_counts(self.conn, case_id, self._hidden(case_id))

    def findings(self, case_id: int, item_id: int | None = None) -> list[Finding]:
        sql = f"SELECT {rows.FINDING_COLUMNS} FROM findings WHERE case_id = %s"
        params: tuple[int, ...] = (case_id,)
        if item_id is not None:
            sql, params = sql + " AND item_id = %s", (case_id, item_id)
        return [rows.finding(r) for r in self._all(sql + " ORDER BY id", params)]

    def chains(self) -> list[str]:
        return [r[0] for r in self._all(
            "SELECT DISTINCT chain FROM custody UNION SELECT chain FROM chain_heads "
            "ORDER BY 1")]

    def custody(self, chain: str) -> list[CustodyEntry]:
        return [rows.custody(r) for r in self._all(
            f"SELECT {rows.CUSTODY_COLUMNS} FROM custody WHERE chain = %s ORDER BY seq",
            (chain,))]

    def chain_head(self, chain: str) -> tuple[int, str] | None:
        row = self._one("SELECT seq, hash FROM chain_heads WHERE chain = %s", (chain,))
        return None if row is None else (int(row[0]), str(row[1]))

    def chain_heads(self) -> dict[str, tuple[int, str]]:
        """Every chain's recorded head (for the key file's anchor)."""
        return {str(c): (int(s), str(h))
                for c, s, h in self._all("SELECT chain, seq, hash FROM chain_heads")}

    def entry_hash(self, chain: str, seq: int) -> str | None:
        """The hash of one custody entry, None when the chain has no such entry."""
        row = self._one("SELECT hash FROM custody WHERE chain = %s AND seq = %s",
                        (chain, seq))
        return None if row is None else str(row[0])

    def damaged_pages(self) -> int:
        """SQLCipher checks every page's MAC here; PostgreSQL checks its page checksums
        (when the cluster has them) as it reads: nothing more to count."""
        return 0

    def custody_for(self, chain: str, subject: str) -> list[CustodyEntry]:
        return [rows.custody(r) for r in self._all(
            f"SELECT {rows.CUSTODY_COLUMNS} FROM custody WHERE chain = %s AND subject = %s "
            "ORDER BY seq", (chain, subject))]

    def setting(self, key: str) -> str | None:
        row = self._one("SELECT value FROM settings WHERE key = %s", (key,))
        return None if row is None else row[0]

    @contextmanager
    def waiting_at_most(self, milliseconds: int) -> Iterator[None]:
        """Writes in this block wait at most this long for another connection's write
        (``lock_timeout``); a wait cut short is a :class:`UserError`."""
        waited = self._one("SELECT current_setting('lock_timeout')")[0]
        self.conn.execute("SELECT set_config('lock_timeout', %s, false)",
                          (f"{int(milliseconds)}ms",))
        try:
            yield
        except pg_errors.LockNotAvailable as exc:
            raise UserError(_("The vault is busy with another change; try again in a "
                              "moment.")) from exc
        finally:
            self.conn.execute("SELECT set_config('lock_timeout', %s, false)", (waited,))

    def settings_under(self, prefix: str) -> list[tuple[str, str]]:
        """The settings whose key starts with ``prefix`` (and that have a value)."""
        return [(k, v) for k, v in self._all(
            "SELECT key, value FROM settings WHERE starts_with(key, %s) AND value IS NOT "
            "NULL ORDER BY key", (prefix,))]

    def event_kinds_by_item(self, case_id: int, kinds_wanted: Sequence[str]
                            ) -> dict[int, set[str]]:
        """item id -> which of ``kinds_wanted`` its events hold; 0 stands for the case's
        own events (typed calls)."""
        kinds: dict[int, set[str]] = {}
        rare = [k for k in kinds_wanted if k != "message"]
        if rare:  # through the partial index
            for item_id, kind in self._all(
                    "SELECT DISTINCT item_id, kind FROM events WHERE case_id = %s AND "
                    "kind <> 'message' AND kind = ANY(%s)", (case_id, rare)):
                kinds.setdefault(item_id or 0, set()).add(kind)
        if "message" in kinds_wanted:
            for (item_id,) in self._all(
                    "SELECT id FROM items WHERE case_id = %s AND EXISTS (SELECT 1 FROM events "
                    "WHERE item_id = items.id AND kind = 'message') UNION ALL SELECT 0 "
                    "WHERE EXISTS (SELECT 1 FROM events WHERE item_id IS NULL AND "
                    "case_id = %s AND kind = 'message')", (case_id, case_id)):
                kinds.setdefault(item_id, set()).add("message")
        for hidden in self.hidden_item_ids(case_id):
            kinds.pop(hidden, None)
        return kinds

    def event_rows(self, case_id: int, since: datetime | None = None,
                   until: datetime | None = None
                   ) -> Iterator[tuple[str | None, str, str | None, int]]:
        """(utc iso, kind, actor key, item id) of every event (from ``since``, before
        ``until``: then only dated ones), in time order, streamed."""
        scope, hidden = pg_events.not_hidden("item_id", self._hidden(case_id))
        params: list[object] = [*hidden]
        for moment, term in ((since, " AND utc >= %s"), (until, " AND utc < %s")):
            if moment is not None:
                params.append(moment.astimezone(UTC).isoformat(timespec="microseconds"))
                scope += term
        # a cursor WITH HOLD: no transaction stays open while the caller iterates
        self._cursors += 1
        with self.conn.cursor(name=f"event_rows_{self._cursors}", withhold=True) as cursor:
            cursor.itersize = 8192
            cursor.execute(f"SELECT utc, kind, actor, item_id FROM events "
                           f"WHERE case_id = %s {scope} ORDER BY utc NULLS FIRST, id",
                           (case_id, *params))
            for row in cursor:
                yield pg_events.decoded(row)

    def record_rows(self) -> Iterator[tuple[str, int, dict[str, object]]]:
        """Every row as (record kind, id, canonical data) for verify to compare."""
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
        yield from pg_events.record_rows(self.conn, case_id)
