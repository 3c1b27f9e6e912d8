"""Intake of files: seal the original bytes first, then let an importer describe them.

For each input: stat it, stream it once through SHA-256 and encryption into the blob
store (a file smaller than one chunk is read once, whole), check that the file did not
change while it was read, then let the registry's importer turn it into item drafts.
This per-file work runs on two worker threads (hashing, encryption, file I/O and libmagic
release the GIL; libmagic on a thread of its own beside each was measured slower, A/B);
results are taken in input order, and each input's rows and custody entries are written
as it is taken, in its batch's one transaction: the blobs of a batch are flushed with one
``syncfs`` and only then does the transaction commit, so after any crash each item is
either whole or absent.

Blobs written for inputs that end up refused or duplicate are removed only when the
intake ends and nothing in the vault refers to them (two inputs with the same bytes
share one blob, so an earlier removal could pull it from under the other).
"""

from __future__ import annotations

import enum
import io
import itertools
import os
import stat as statmod
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Protocol

from spoorvast.analysis.media import kind_for, sniff_head
from spoorvast.errors import InputFileError
from spoorvast.i18n import _
from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry
from spoorvast.model import instant
from spoorvast.model.names import shown
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    FileFacts,
    Item,
    ItemKind,
    Problem,
)
from spoorvast.model.serialize import replaced
from spoorvast.services.dated_after import dated_after
from spoorvast.services.ingest_step import run_importer
from spoorvast.services.intake_inputs import (
    LINK_MEDIA_TYPE,
    link_problem,
    link_target,
    lstat_input,
    name_problems,
    open_input,
    refuse_named_link,
    require_regular,
)
from spoorvast.services.intake_inputs import (
    expand as expand,  # used by the CLI and the web app
)
from spoorvast.services.oddities import not_read, oddities
from spoorvast.storage.base import MetadataStore, Transaction, case_chain
from spoorvast.storage.blobs import CHUNK, SourceUnreadable, StoredBlob
from spoorvast.storage.vault import Vault

HEAD_SIZE = 64 * 1024
BATCH_ITEMS = 500
BATCH_BYTES = 512 << 20
BATCH_SECONDS = 2.0
WORKERS = 2
IN_FLIGHT = 6
REPAIRED_ACTION = "blob.repaired"


class Status(enum.StrEnum):
    ADDED = "added"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class AddResult:
    path: Path
    status: Status
    labels: tuple[str, ...] = ()
    sha256: str | None = None
    size: int | None = None
    kind: str | None = None
    message: str = ""


class IntakeObserver(Protocol):
    def started(self, path: Path, size: int) -> None: ...
    def advanced(self, nbytes: int) -> None: ...
    def finished(self, result: AddResult) -> None: ...


class SilentObserver:
    def started(self, path: Path, size: int) -> None:
        pass

    def advanced(self, nbytes: int) -> None:
        pass

    def finished(self, result: AddResult) -> None:
        pass


@dataclass
class Prepared:
    """An input sealed and described by a worker, not yet written to the database."""

    path: Path
    sha256: str
    size: int
    at: instant.Instant
    drafts: list[ItemDraft]
    fresh: list[str]  # blobs this input created (original and derived)
    duplicates: list[Path] = field(default_factory=list)
    repaired: bool = False  # its stored copy was damaged and has been replaced
    # more drafts, read lazily as they are written (see :mod:`.ingest_step`), and the
    # findings of a lazy part that stopped (for the first item)
    rest: Iterator[ItemDraft] | None = None
    stopped: list[Problem] = field(default_factory=list)

    def all_drafts(self) -> Iterator[ItemDraft]:
        return itertools.chain(self.drafts, self.rest or ())

    def shas(self) -> set[str]:
        return {a.sha256 for d in self.drafts for a in d.artifacts}


@dataclass(frozen=True, slots=True)
class Refused:
    path: Path
    message: str
    fresh: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Presealed:
    """An input whose bytes are sealed already (a browser upload, checked against the
    SHA-256 the browser computed) and that cannot be read from a file here (too large
    for the memory folder): it becomes a plain file item that says it was not read."""

    path: Path  # its name, for results (no file is there)
    sha256: str
    size: int
    modified: float | None  # seconds since the epoch, as the browser reported


# -- the worker step (runs on a worker thread; touches files and blobs, never the DB) --


@dataclass(frozen=True, slots=True)
class Preparer:
    vault: Vault
    case: Case
    registry: Registry
    observer: IntakeObserver
    date_order: str | None = None
    dkim_keys: Mapping[str, str] = field(default_factory=dict)
    dns_lookups: bool = False

    def __call__(self, path: Path, named: bool = False) -> Prepared | Refused:
        fresh: list[str] = []
        try:
            return self._prepare(path, named, fresh)
        except InputFileError as exc:
            return Refused(path, exc.message, tuple(fresh))

    def _prepare(self, path: Path, named: bool, fresh: list[str]) -> Prepared:
        before = lstat_input(path)
        if statmod.S_ISLNK(before.st_mode):
            if named:
                raise refuse_named_link(path)
            return self._link(path, before, fresh)
        require_regular(path, before)
        self.observer.started(path, before.st_size)
        with open_input(path, before) as handle:
            if before.st_size < CHUNK:  # read once, whole: head and blob from one buffer
                data = _read_small(path, handle, before.st_size)
                head = data[:HEAD_SIZE]
                blob = _seal_small(self.vault, data, self.observer)
                del data
            else:
                head = _read_head(path, handle)
                blob = _seal(self.vault, path, handle, self.observer)
            if blob.fresh:
                fresh.append(blob.sha256)
            repaired = blob.repaired
            _check_unchanged(path, before, os.fstat(handle.fileno()), blob.size)
        at = instant.now(self.case.time_zone)
        original = Artifact(None, None, ArtifactRole.ORIGINAL, sniff_head(head), blob.size,
                            blob.sha256, shown(path.name), at)
        source = Source(path, shown(path.name), original.media_type, head, before, original)
        found = run_importer(self.registry, self._context(at, fresh), source)
        _check_unchanged(path, before, lstat_input(path), blob.size)
        drafts = found.first
        drafts[0].problems.extend(oddities(path.name, blob.size, original.media_type))
        drafts[0].problems.extend(name_problems(path.name, blob.sha256))
        rest = None if found.rest is None else _checked_rest(found.rest, path, before,
                                                             blob.size)
        return Prepared(path, blob.sha256, blob.size, at, [_escaped(d) for d in drafts],
                        fresh, repaired=repaired, rest=rest, stopped=found.stopped)

    def _link(self, path: Path, before: os.stat_result, fresh: list[str]) -> Prepared:
        """A link found in a folder: recorded as a link (the path it holds), never
        followed (see :mod:`intake_inputs`)."""
        target = link_target(path)
        blob = self.vault.blobs.ingest(io.BytesIO(target), durable=False)
        if blob.fresh:
            fresh.append(blob.sha256)
        at = instant.now(self.case.time_zone)
        original = Artifact(None, None, ArtifactRole.ORIGINAL, LINK_MEDIA_TYPE, blob.size,
                            blob.sha256, shown(path.name), at)
        source = Source(path, shown(path.name), LINK_MEDIA_TYPE, target, before, original)
        draft = ItemDraft(ItemKind.FILE, shown(path.name), "link", [original],
                          file_facts(source, self.case.time_zone),
                          problems=[link_problem(path.name, target, blob.sha256),
                                    *name_problems(path.name, blob.sha256)])
        return Prepared(path, blob.sha256, blob.size, at, [draft], fresh)

    def presealed(self, given: Presealed) -> Prepared | Refused:
        """A plain file item for bytes already in the blob store (see Presealed)."""
        with self.vault.blobs.open(given.sha256) as reader:
            head = reader.read(HEAD_SIZE)
        at, media_type = instant.now(self.case.time_zone), sniff_head(head)
        name = shown(given.path.name)
        original = Artifact(None, None, ArtifactRole.ORIGINAL, media_type, given.size,
                            given.sha256, name, at)
        modified = (None if given.modified is None else
                    instant.from_epoch(given.modified, self.case.time_zone,
                                       instant.Precision.MILLISECOND))
        draft = ItemDraft(kind_for(media_type), name, "file", [original],
                          FileFacts(name, given.size, media_type, modified),
                          problems=[not_read(given.size),
                                    *oddities(name, given.size, media_type)])
        return Prepared(given.path, given.sha256, given.size, at, [draft], [])

    def _context(self, at: instant.Instant, fresh: list[str]) -> ImportContext:
        """Derived files are sealed streamed (``seal_stream``) or from bytes (``seal``);
        the blobs this input creates are noted, for clean-up if it is not kept."""
        def seal_stream(reader: BinaryIO, role: ArtifactRole, name: str, media_type: str,
                        derived_from: str | None) -> Artifact:
            blob = self.vault.blobs.ingest(reader, durable=False)
            if blob.fresh:
                fresh.append(blob.sha256)
            return Artifact(None, None, role, media_type, blob.size, blob.sha256, name,
                            instant.now(self.case.time_zone), derived_from)

        def seal(data: bytes, role: ArtifactRole, name: str, media_type: str,
                 derived_from: str | None) -> Artifact:
            return seal_stream(io.BytesIO(data), role, name, media_type, derived_from)

        def seal_range(data: bytes, container: str, start: int, role: ArtifactRole,
                       name: str, media_type: str) -> Artifact:
            blob = self.vault.blobs.ingest_range(data, container, start, durable=False)
            if blob.fresh:
                fresh.append(blob.sha256)
            return Artifact(None, None, role, media_type, blob.size, blob.sha256, name,
                            instant.now(self.case.time_zone), container)

        assert self.case.id is not None
        return ImportContext(self.case.id, self.case.time_zone, at, seal,
                             self.vault.blobs.open, self.date_order, seal_stream,
                             self.dkim_keys, self.dns_lookups, seal_range)


def _checked_rest(rest: Iterator[ItemDraft], path: Path, before: os.stat_result,
                  size: int) -> Iterator[ItemDraft]:
    """The lazy drafts, escaped; the file is checked again once they are all read (a
    change raises, and the input's transaction is rolled back whole)."""
    for draft in rest:
        yield _escaped(draft)
    _check_unchanged(path, before, lstat_input(path), size)


def _seal(vault: Vault, path: Path, handle: BinaryIO, observer: IntakeObserver) -> StoredBlob:
    try:
        return vault.blobs.ingest(handle, durable=False, progress=observer.advanced)
    except SourceUnreadable as exc:
        raise InputFileError(_("{path} cannot be read ({reason}).").format(
            path=shown(str(path)), reason=exc)) from exc


def _read_small(path: Path, handle: BinaryIO, size: int) -> bytes:
    """A small file's bytes (one more is asked for: a file that grew since its ``lstat``
    then has another size, and is refused as changed)."""
    try:
        return handle.read(size + 1)
    except OSError as exc:
        raise InputFileError(_("{path} cannot be read ({reason}).").format(
            path=shown(str(path)), reason=exc.strerror or type(exc).__name__)) from exc


def _seal_small(vault: Vault, data: bytes, observer: IntakeObserver) -> StoredBlob:
    return vault.blobs.ingest_bytes(data, durable=False, progress=observer.advanced,
                                    batched=True)  # the batch's sync commits its row


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_ino, a.st_dev, a.st_size, a.st_mtime_ns) == (
        b.st_ino, b.st_dev, b.st_size, b.st_mtime_ns)


def _check_unchanged(path: Path, before: os.stat_result, after: os.stat_result,
                     size: int) -> None:
    if not _same_file(before, after) or size != before.st_size:
        raise InputFileError(_("{path} changed while it was being read, so it was not "
                               "stored. Close the program writing it and add it again.")
                             .format(path=shown(str(path))))


def _escaped(draft: ItemDraft) -> ItemDraft:
    """Titles and names as stored: escaped (an importer may have built them from the
    file's name, or from text inside it)."""
    draft.title = shown(draft.title)
    draft.artifacts[:] = [_named(a) for a in draft.artifacts]  # in place: a lazy reader appends
    if draft.file is not None:
        name = shown(draft.file.original_name)
        if name != draft.file.original_name:
            draft.file = replace(draft.file, original_name=name)
    return draft


def _named(artifact: Artifact) -> Artifact:
    """The artifact with its name escaped; the same object when nothing changes (most:
    a copy costs more than the check, thousands of times per mailbox)."""
    if not artifact.name:
        return artifact
    name = shown(artifact.name)
    return artifact if name == artifact.name else replace(artifact, name=name)


def _read_head(path: Path, handle: BinaryIO) -> bytes:
    try:
        head = handle.read(HEAD_SIZE)
        handle.seek(0)
    except OSError as exc:
        raise InputFileError(_("{path} cannot be read ({reason}).")
                             .format(path=shown(str(path)), reason=exc.strerror)) from exc
    return head


# -- the main thread: order, duplicates, batches, transactions -----------------------


def _write(tx: Transaction, draft: ItemDraft, case: Case, at: instant.Instant,
           store: MetadataStore) -> Item:
    """One item; lazy events are parsed now, and what the importer appended to the
    draft while parsing (findings, sealed attachments, identifiers) is written after."""
    assert case.id is not None
    artifacts, problems = list(draft.artifacts), list(draft.problems)
    item = tx.add_item(
        Item(None, case.id, 0, draft.kind, draft.title, at, draft.importer, draft.file,
             draft.media), artifacts, problems)
    tx.add_events(item, draft.events)  # storage sets item_id and seq
    for artifact in draft.artifacts[len(artifacts):]:
        tx.add_artifact(item, artifact)
    for problem in draft.problems[len(problems):]:
        tx.add_finding(item, problem)
    late = dated_after(store, item, at)  # same connection: sees the events just written
    if late is not None:
        tx.add_finding(item, late)
    for identifier in draft.identifiers:
        tx.add_identifier(replaced(identifier, item_id=item.id))
    return item


@dataclass(frozen=True, slots=True)
class Written:
    labels: tuple[str, ...]
    kind: str | None  # of the first item


@dataclass
class Batch:
    """The inputs of one transaction. Each input's rows are written as it is taken (the
    main thread's database work then runs while the workers seal the next files, not
    after a batch is complete); :meth:`commit` flushes the batch's blobs (one
    ``syncfs``) and commits, and only then are the inputs reported as added. An error
    while an input is written rolls the whole batch back: nothing half-written stays."""

    vault: Vault
    case: Case
    report: Callable[[AddResult], None]
    unreferenced: set[str] = field(default_factory=set)  # blobs to remove if unused
    pending: list[Prepared] = field(default_factory=list)
    nbytes: int = 0
    started: float = field(default_factory=time.monotonic)
    # files sealed as attachments of an item of this intake: sha256 -> that item's label
    attached: dict[str, str] = field(default_factory=dict)

    # the first pending input of each SHA-256 (a scan of ``pending`` per input cost
    # 0.1 ms of each of 10,000 small files)
    by_sha: dict[str, Prepared] = field(default_factory=dict)
    written: list[Written | str] = field(default_factory=list)  # of each pending input
    _open: ExitStack | None = None  # the batch's transaction, while one is open
    _tx: Transaction | None = None

    def holding(self, sha256: str) -> Prepared | None:
        return self.by_sha.get(sha256)

    def hold(self, prepared: Prepared) -> None:
        """Write the input's rows now, in the batch's transaction (opened if need be)."""
        tx = self._transaction()
        try:
            self.written.append(self._write(tx, prepared))
        except BaseException as exc:
            self.unreferenced.update(prepared.fresh)
            self.unreferenced.update(self._rollback(exc))
            raise
        self.pending.append(prepared)
        self.by_sha.setdefault(prepared.sha256, prepared)
        self.nbytes += prepared.size

    def _transaction(self) -> Transaction:
        if self._tx is None:
            stack = ExitStack()
            opening: AbstractContextManager[Transaction] = self.vault.store.transaction(
                bulk=True)
            tx = stack.enter_context(opening)
            self._tx, self._open = tx, stack
            return tx
        return self._tx

    def due(self) -> bool:
        return (len(self.pending) >= BATCH_ITEMS or self.nbytes >= BATCH_BYTES
                or time.monotonic() - self.started >= BATCH_SECONDS)

    def commit(self) -> None:
        if self._open is None:
            return
        try:
            self.vault.blobs.sync()  # after the writes: lazy events may seal attachments
        except BaseException as exc:
            self.unreferenced.update(self._rollback(exc))
            raise
        opened, self._open, self._tx = self._open, None, None
        try:
            opened.close()  # COMMIT
        except BaseException:
            self.unreferenced.update(self._rollback(None))  # the store rolled it back
            raise
        done = list(zip(self.pending, self.written, strict=True))
        self._clear()
        for prepared, items in done:
            self._report_written(prepared, items)

    def commit_streamed(self, prepared: Prepared) -> None:
        """An input whose drafts are read as they are written: in a transaction of its
        own, like a chat export's lazy events, so a crash or an error leaves it whole or
        absent (adding it again then starts afresh); never retried half-read."""
        try:
            self.commit()
        except BaseException:
            self.unreferenced.update(prepared.fresh)
            raise
        try:
            self.hold(prepared)
            self.commit()
        except InputFileError as exc:  # it changed while its drafts were read
            self.unreferenced.update(self.discard())
            self.report(AddResult(prepared.path, Status.REFUSED, message=exc.message))

    def _write(self, tx: Transaction, prepared: Prepared) -> Written | str:
        """The items of one input, or the label of the item of this intake that already
        holds it as an attachment (a photo beside a chat export in the folder added: the
        export, read first, sealed it with the conversation). Only labels are kept: a
        streamed input may have tens of thousands of items."""
        owner = self.attached.get(prepared.sha256)
        if owner is not None and _plain(prepared):
            self.unreferenced.update(prepared.fresh)
            return owner
        labels: list[str] = []
        first: Item | None = None
        for draft in prepared.all_drafts():
            item = _write(tx, draft, self.case, prepared.at, self.vault.store)
            first = first or item
            labels.append(item.label)
            for artifact in draft.artifacts:
                if artifact.role is ArtifactRole.ATTACHMENT:
                    self.attached.setdefault(artifact.sha256, item.label)
        for problem in prepared.stopped:
            assert first is not None
            tx.add_finding(first, problem)
        return Written(tuple(labels), first.kind.value if first else None)

    def _report_written(self, prepared: Prepared, items: Written | str) -> None:
        if isinstance(items, str):  # sealed already, as an attachment of item ``items``
            labels: tuple[str, ...] = (items,)
            self.report(AddResult(prepared.path, Status.DUPLICATE, labels, prepared.sha256,
                                  prepared.size))
        else:
            labels = items.labels
            self.report(AddResult(prepared.path, Status.ADDED, labels, prepared.sha256,
                                  prepared.size, items.kind))
        for duplicate in prepared.duplicates:
            self.report(AddResult(duplicate, Status.DUPLICATE, labels[:1], prepared.sha256,
                                  prepared.size))

    def discard(self) -> list[str]:
        """Drop the batch (its transaction rolled back); the blobs it created are
        returned for clean-up."""
        return self._rollback(None)

    def _rollback(self, exc: BaseException | None) -> list[str]:
        fresh = [sha for p in self.pending for sha in p.fresh]
        opened, self._open, self._tx = self._open, None, None
        self._clear()
        if opened is not None:  # ROLLBACK: the transaction ends with an error
            failure = exc or _Dropped()
            with suppress(_Dropped):
                opened.__exit__(type(failure), failure, failure.__traceback__)
        return fresh

    def _clear(self) -> None:
        self.pending, self.written, self.nbytes = [], [], 0
        self.started = time.monotonic()
        self.by_sha = {}


class _Dropped(Exception):
    """Ends a batch's transaction with a rollback when nothing failed (a discard)."""


class Intake:
    """Adds files to one case. Use as a context manager; results go to the observer."""

    def __init__(self, vault: Vault, case: Case, registry: Registry,
                 observer: IntakeObserver | None = None, workers: int = WORKERS,
                 date_order: str | None = None, dkim_keys: Mapping[str, str] | None = None,
                 dns_lookups: bool = False) -> None:
        self.vault, self.case = vault, case
        self.observer = observer or SilentObserver()
        self.prepare = Preparer(vault, case, registry, self.observer, date_order,
                                dict(dkim_keys or {}), dns_lookups)
        self.unreferenced: set[str] = set()
        self.batch = Batch(vault, case, self._report, self.unreferenced)
        self.results: list[AddResult] = []
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="spoorvast-add")
        self.flight: deque[Future[Prepared | Refused]] = deque()

    def __enter__(self) -> Intake:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        try:
            if exc_type is not None:
                self._stop()
                return
            try:
                self._drain()
            except BaseException:
                self._stop()
                raise
            self.batch.commit()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.unreferenced.update(self.batch.discard())  # a batch left open by an error
            self._remove_unreferenced()

    def add(self, path: Path, named: bool = False) -> None:
        """Queue one file; results of earlier files are taken in order as they finish.
        ``named``: the person named this path itself (a link is then refused, not
        recorded as a link)."""
        self._queue(self.pool.submit(self.prepare, path, named))

    def add_presealed(self, given: Presealed) -> None:
        """Queue bytes already sealed (see Presealed), in order with the files."""
        self._queue(self.pool.submit(self.prepare.presealed, given))

    def _queue(self, future: Future[Prepared | Refused]) -> None:
        self.flight.append(future)
        while len(self.flight) > IN_FLIGHT or (self.flight and self.flight[0].done()):
            self._take(self.flight.popleft())

    def _drain(self) -> None:
        while self.flight:
            self._take(self.flight.popleft())

    def _stop(self) -> None:
        """An error or interruption: keep what is whole, drop the rest."""
        for future in self.flight:
            future.cancel()
        for future in self.flight:
            if not future.cancelled() and future.exception() is None:
                self.unreferenced.update(_fresh_of(future.result()))
        self.flight.clear()
        try:
            self.batch.commit()
        except BaseException:
            self.unreferenced.update(self.batch.discard())
            raise

    def _take(self, future: Future[Prepared | Refused]) -> None:
        result = future.result()
        if isinstance(result, Refused):
            self.unreferenced.update(result.fresh)
            self._report(AddResult(result.path, Status.REFUSED, message=result.message))
        elif self._is_duplicate(result):
            pass
        elif result.rest is not None:
            self.batch.commit_streamed(result)
        else:
            self.batch.hold(result)
        if self.batch.due():
            self.batch.commit()

    def _is_duplicate(self, prepared: Prepared) -> bool:
        """Already in the case: say so (now, or when the batch holding it commits). The
        batch is asked first: its rows are written already, and an input it holds is
        told with it, after it."""
        assert self.case.id is not None
        pending = self.batch.holding(prepared.sha256)
        if pending is not None:
            self.unreferenced.update(prepared.fresh)
            pending.fresh.extend(prepared.fresh)  # if the batch is dropped, so are these
            pending.duplicates.append(prepared.path)
            return True
        existing = self.vault.store.item_with_original(self.case.id, prepared.sha256)
        if existing is None:
            return False
        self.unreferenced.update(prepared.fresh)
        if prepared.repaired:
            self.batch.commit()  # the repair is logged in a transaction of its own
        message = self._repaired(existing, prepared) if prepared.repaired else ""
        self._report(AddResult(prepared.path, Status.DUPLICATE, (existing.label,),
                               prepared.sha256, prepared.size, message=message))
        return True

    def _repaired(self, existing: Item, prepared: Prepared) -> str:
        """The item's stored copy was damaged (a leftover of a power loss) and these
        same bytes replaced it: logged in custody, and told."""
        with self.vault.store.transaction() as tx:
            tx.log(case_chain(existing.case_id), REPAIRED_ACTION, existing.label,
                   {"sha256": prepared.sha256, "size": prepared.size})
        return _("Its stored copy was damaged and has been replaced by this file (the "
                 "same bytes, SHA-256 checked).")

    def _report(self, result: AddResult) -> None:
        self.results.append(result)
        self.observer.finished(result)

    def _remove_unreferenced(self) -> None:
        for sha256 in self.unreferenced:
            if not self.vault.store.has_artifact(sha256):
                self.vault.blobs.remove(sha256)
        self.unreferenced.clear()


def _plain(prepared: Prepared) -> bool:
    """An input that becomes items without events of its own (a photo, a recording)."""
    return prepared.rest is None and all(isinstance(d.events, list) and not d.events
                                         for d in prepared.drafts)


def _fresh_of(result: Prepared | Refused) -> Iterable[str]:
    return result.fresh


def add_paths(vault: Vault, case: Case, paths: Iterable[Path], registry: Registry,
              observer: IntakeObserver | None = None) -> list[AddResult]:
    named = set(paths)
    with Intake(vault, case, registry, observer) as intake:
        for path in expand(named):
            intake.add(path, path in named)
    return intake.results
