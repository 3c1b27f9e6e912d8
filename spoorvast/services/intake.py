"""Intake of files: seal the original bytes first, then let an importer describe them.

For each input: stat it, stream it once through SHA-256 and encryption into the blob
store, check that the file did not change while it was read, then let the registry's
importer turn it into item drafts. This per-file work runs on two worker threads
(hashing, encryption, file I/O and libmagic release the GIL), results are taken in input
order, and items are written in batches: the blobs of a batch are flushed with one
``syncfs`` and the batch's rows and custody entries commit in one transaction, so after
any crash each item is either whole or absent.

Blobs written for inputs that end up refused or duplicate are removed only when the
intake ends and nothing in the vault refers to them (two inputs with the same bytes
share one blob, so an earlier removal could pull it from under the other).
"""

from __future__ import annotations

import enum
import io
import os
import stat as statmod
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Protocol

from spoorvast.analysis.media import sniff_head
from spoorvast.errors import InputFileError
from spoorvast.i18n import _
from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.registry import Registry
from spoorvast.model import instant
from spoorvast.model.records import Artifact, ArtifactRole, Case, Item
from spoorvast.services.ingest_step import run_importer
from spoorvast.storage.base import Transaction
from spoorvast.storage.blobs import SourceUnreadable, StoredBlob
from spoorvast.storage.vault import Vault

HEAD_SIZE = 64 * 1024
BATCH_ITEMS = 500
BATCH_BYTES = 512 << 20
BATCH_SECONDS = 2.0
WORKERS = 2
IN_FLIGHT = 6


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


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and files under directories named (sorted, symlinked dirs skipped)."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    yield Path(root) / name
        else:
            yield path


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

    def shas(self) -> set[str]:
        return {a.sha256 for d in self.drafts for a in d.artifacts}


@dataclass(frozen=True, slots=True)
class Refused:
    path: Path
    message: str
    fresh: tuple[str, ...] = ()


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

    def __call__(self, path: Path) -> Prepared | Refused:
        fresh: list[str] = []
        try:
            return self._prepare(path, fresh)
        except InputFileError as exc:
            return Refused(path, exc.message, tuple(fresh))

    def _prepare(self, path: Path, fresh: list[str]) -> Prepared:
        before = _stat_regular(path)
        self.observer.started(path, before.st_size)
        with _open(path) as handle:
            head = _read_head(path, handle)
            blob = _seal(self.vault, path, handle, self.observer)
            if blob.fresh:
                fresh.append(blob.sha256)
            _check_unchanged(path, before, os.fstat(handle.fileno()), blob.size)
        at = instant.now(self.case.time_zone)
        original = Artifact(None, None, ArtifactRole.ORIGINAL, sniff_head(head), blob.size,
                            blob.sha256, path.name, at)
        source = Source(path, path.name, original.media_type, head, before, original)
        drafts = run_importer(self.registry, self._context(at, fresh), source)
        _check_unchanged(path, before, _stat_regular(path), blob.size)
        return Prepared(path, blob.sha256, blob.size, at, drafts, fresh)

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

        assert self.case.id is not None
        return ImportContext(self.case.id, self.case.time_zone, at, seal,
                             self.vault.blobs.open, self.date_order, seal_stream,
                             self.dkim_keys, self.dns_lookups)


def _seal(vault: Vault, path: Path, handle: BinaryIO, observer: IntakeObserver) -> StoredBlob:
    try:
        return vault.blobs.ingest(handle, durable=False, progress=observer.advanced)
    except SourceUnreadable as exc:
        raise InputFileError(_("{path} cannot be read ({reason}).").format(
            path=path, reason=exc)) from exc


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_ino, a.st_dev, a.st_size, a.st_mtime_ns) == (
        b.st_ino, b.st_dev, b.st_size, b.st_mtime_ns)


def _check_unchanged(path: Path, before: os.stat_result, after: os.stat_result,
                     size: int) -> None:
    if not _same_file(before, after) or size != before.st_size:
        raise InputFileError(_("{path} changed while it was being read, so it was not "
                               "stored. Close the program writing it and add it again.")
                             .format(path=path))


def _stat_regular(path: Path) -> os.stat_result:
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise InputFileError(_("{path} does not exist.").format(path=path)) from exc
    except OSError as exc:
        raise InputFileError(_("{path} cannot be read ({reason}).")
                             .format(path=path, reason=exc.strerror)) from exc
    if not statmod.S_ISREG(st.st_mode):
        raise InputFileError(_("{path} is not a regular file.").format(path=path))
    return st


def _read_head(path: Path, handle: BinaryIO) -> bytes:
    try:
        head = handle.read(HEAD_SIZE)
        handle.seek(0)
    except OSError as exc:
        raise InputFileError(_("{path} cannot be read ({reason}).")
                             .format(path=path, reason=exc.strerror)) from exc
    return head


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise InputFileError(_("{path} cannot be read ({reason}).")
                             .format(path=path, reason=exc.strerror)) from exc


# -- the main thread: order, duplicates, batches, transactions -----------------------


def _write(tx: Transaction, draft: ItemDraft, case: Case, at: instant.Instant) -> Item:
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
    for identifier in draft.identifiers:
        tx.add_identifier(replace(identifier, item_id=item.id))
    return item


@dataclass
class Batch:
    vault: Vault
    case: Case
    report: Callable[[AddResult], None]
    unreferenced: set[str] = field(default_factory=set)  # blobs to remove if unused
    pending: list[Prepared] = field(default_factory=list)
    nbytes: int = 0
    started: float = field(default_factory=time.monotonic)
    # files sealed as attachments of an item of this intake: sha256 -> that item's label
    attached: dict[str, str] = field(default_factory=dict)

    def holding(self, sha256: str) -> Prepared | None:
        return next((p for p in self.pending if p.sha256 == sha256), None)

    def due(self) -> bool:
        return (len(self.pending) >= BATCH_ITEMS or self.nbytes >= BATCH_BYTES
                or time.monotonic() - self.started >= BATCH_SECONDS)

    def commit(self) -> None:
        if not self.pending:
            return
        with self.vault.store.transaction(bulk=True) as tx:
            written = [(p, self._write(tx, p)) for p in self.pending]
            self.vault.blobs.sync()  # after the writes: lazy events may seal attachments
        self._clear()
        for prepared, items in written:
            self._report_written(prepared, items)

    def _write(self, tx: Transaction, prepared: Prepared) -> list[Item] | str:
        """The items of one input, or the label of the item of this intake that already
        holds it as an attachment (a photo beside a chat export in the folder added: the
        export, read first, sealed it with the conversation)."""
        owner = self.attached.get(prepared.sha256)
        if owner is not None and _plain(prepared):
            self.unreferenced.update(prepared.fresh)
            return owner
        items = [_write(tx, d, self.case, prepared.at) for d in prepared.drafts]
        for item, draft in zip(items, prepared.drafts, strict=True):
            for artifact in draft.artifacts:
                if artifact.role is ArtifactRole.ATTACHMENT:
                    self.attached.setdefault(artifact.sha256, item.label)
        return items

    def _report_written(self, prepared: Prepared, items: list[Item] | str) -> None:
        if isinstance(items, str):  # sealed already, as an attachment of item ``items``
            labels: tuple[str, ...] = (items,)
            self.report(AddResult(prepared.path, Status.DUPLICATE, labels, prepared.sha256,
                                  prepared.size))
        else:
            labels = tuple(i.label for i in items)
            self.report(AddResult(prepared.path, Status.ADDED, labels, prepared.sha256,
                                  prepared.size, items[0].kind.value if items else None))
        for duplicate in prepared.duplicates:
            self.report(AddResult(duplicate, Status.DUPLICATE, labels[:1], prepared.sha256,
                                  prepared.size))

    def discard(self) -> list[str]:
        """Drop the batch; the blobs it created are returned for clean-up."""
        fresh = [sha for p in self.pending for sha in p.fresh]
        self._clear()
        return fresh

    def _clear(self) -> None:
        self.pending, self.nbytes, self.started = [], 0, time.monotonic()


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
            if exc_type is None:
                self._drain()
                self.batch.commit()
            else:
                self._stop()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self._remove_unreferenced()

    def add(self, path: Path) -> None:
        """Queue one file; results of earlier files are taken in order as they finish."""
        self.flight.append(self.pool.submit(self.prepare, path))
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
        elif not self._is_duplicate(result):
            self.batch.pending.append(result)
            self.batch.nbytes += result.size
        if self.batch.due():
            self.batch.commit()

    def _is_duplicate(self, prepared: Prepared) -> bool:
        """Already in the case: say so (now, or when the batch holding it commits)."""
        assert self.case.id is not None
        existing = self.vault.store.item_with_original(self.case.id, prepared.sha256)
        if existing is not None:
            self.unreferenced.update(prepared.fresh)
            self._report(AddResult(prepared.path, Status.DUPLICATE, (existing.label,),
                                   prepared.sha256, prepared.size))
            return True
        pending = self.batch.holding(prepared.sha256)
        if pending is None:
            return False
        self.unreferenced.update(prepared.fresh)
        pending.fresh.extend(prepared.fresh)  # if the batch is dropped, so are these
        pending.duplicates.append(prepared.path)
        return True

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
    return all(isinstance(d.events, list) and not d.events for d in prepared.drafts)


def _fresh_of(result: Prepared | Refused) -> Iterable[str]:
    return result.fresh


def add_paths(vault: Vault, case: Case, paths: Iterable[Path], registry: Registry,
              observer: IntakeObserver | None = None) -> list[AddResult]:
    with Intake(vault, case, registry, observer) as intake:
        for path in expand(paths):
            intake.add(path)
    return intake.results
