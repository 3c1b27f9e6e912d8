"""The OCR job: read every picture of a case that has not been read yet.

Not part of intake (OCR takes about half a second per screenshot): it runs as its own
job — ``spoorvast ocr`` with a progress bar, later the web app in the background.

For each picture: the original is decrypted in memory, read by Tesseract (one
single-threaded process per core, see :mod:`spoorvast.analysis.ocr.tesseract`), and
the result is stored, in one transaction per picture, as

* a derived artifact (role ``ocr-text``, JSON with the plain text and every word's
  box and confidence, plus the chat reading), ``derived_from`` the picture;
* **proposed** identifiers (phone numbers, e-mail addresses, @handles, URLs, the
  conversation title as a name), each with the region of the picture it was read
  from; they count only once the user confirms them;
* a finding when the picture could not be read (too large, damaged, HEIC…).

Proposed messages and the observation time stay in the artifact until the user
confirms them (:mod:`spoorvast.services.ocr_review`). A picture with an OCR artifact
is not read again.
"""

from __future__ import annotations

import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from spoorvast.analysis import ocr
from spoorvast.analysis.ocr.document import OcrDocument, refused_document
from spoorvast.analysis.ocr.tesseract import TesseractMissing, version
from spoorvast.errors import UserError
from spoorvast.findings import register_codes
from spoorvast.i18n import N_, _
from spoorvast.model import instant
from spoorvast.model.instant import Instant
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    Identifier,
    IdentifierKind,
    IdentifierStatus,
    Item,
    Location,
    Problem,
    Severity,
)
from spoorvast.services import withdrawals
from spoorvast.storage.base import Transaction
from spoorvast.storage.blobs import BlobDamaged, StoredBlob
from spoorvast.storage.vault import Vault

Progress = Callable[[int, int, Item], None]  # done, total, the item just finished
BATCH_SECONDS = 2.0

FINDING_CODES = {
    "too-large": "ocr.image-too-large",
    "heic": "ocr.format-not-readable",
    "unreadable": "ocr.image-unreadable",
    "failed": "ocr.failed",
    "blob-damaged": "ocr.stored-file-damaged",
}
register_codes({
    "ocr.image-too-large": N_(
        "This picture is too large to be read as text safely, so it was not read."),
    "ocr.format-not-readable": N_(
        "This picture is in HEIC format, which this installation cannot open, so its "
        "text was not read. Convert it to PNG or JPEG on the phone and add it again."),
    "ocr.image-unreadable": N_(
        "The text of this picture could not be read: the picture is damaged or cut off. "
        "(Technical detail: {reason}.)"),
    "ocr.failed": N_("The text recognition program failed on this picture ({reason})."),
    "ocr.stored-file-damaged": N_(
        "The stored picture could not be decrypted for text recognition; run "
        "'spoorvast verify'."),
})


AFTER_ADD_SETTING = "ocr.after-add"  # "0": pictures are read only when asked


@dataclass(frozen=True, slots=True)
class OcrTask:
    item: Item
    source: Artifact  # the picture to read


@dataclass(frozen=True, slots=True)
class OcrOutcome:
    item: Item
    artifact: Artifact
    messages: int
    identifiers: int
    refused: str | None


@dataclass(frozen=True, slots=True)
class OcrSettings:
    languages: str
    region: str | None
    zone: str


def settings_for(case: Case, languages: str | None = None) -> OcrSettings:
    chosen = languages or ocr.languages_for(case.language)
    return OcrSettings(chosen, ocr.country_of_zone(case.time_zone), case.time_zone)


def picture_of(artifacts: list[Artifact]) -> Artifact | None:
    """The picture an item is about: its original if that is an image, else a screenshot."""
    for role in (ArtifactRole.ORIGINAL, ArtifactRole.SCREENSHOT):
        for artifact in artifacts:
            if artifact.role is role and artifact.media_type.startswith("image/"):
                return artifact
    return None


def pending(vault: Vault, case: Case) -> list[OcrTask]:
    """Pictures of the case without an OCR artifact yet, in item order."""
    assert case.id is not None
    tasks = []
    for item in withdrawals.current_items(vault, case):
        artifacts = vault.store.artifacts(item.id or 0)
        source = picture_of(artifacts)
        if source is not None and not _has_ocr(artifacts, source):
            tasks.append(OcrTask(item, source))
    return tasks


def _has_ocr(artifacts: list[Artifact], source: Artifact) -> bool:
    return any(a.role is ArtifactRole.OCR_TEXT and a.derived_from == source.sha256
               for a in artifacts)


def observed_at(item: Item) -> Instant | None:
    """The picture's own time: EXIF first, then the file's modification time."""
    if item.media is not None and item.media.taken_at is not None:
        return item.media.taken_at
    return item.file.modified_at if item.file is not None else None


def reference_day(item: Item) -> date:
    """The day that "today" means on the picture (its own time, else when it was added)."""
    return (observed_at(item) or item.acquired_at).local.date()


def run_ocr(vault: Vault, case: Case, progress: Progress | None = None,
            workers: int | None = None, languages: str | None = None,
            item_ids: frozenset[int] | None = None) -> list[OcrOutcome]:
    """Read every pending picture (of ``item_ids`` only, when given); one Tesseract
    process per core. Results are stored in batches (one flush and one transaction every
    :data:`BATCH_SECONDS`), each picture whole or not at all; after an interruption the
    rest is read next time."""
    settings = settings_for(case, languages)
    _check_tesseract(settings.languages)
    tasks = [t for t in pending(vault, case) if item_ids is None or t.item.id in item_ids]
    outcomes: list[OcrOutcome] = []
    batch: list[tuple[OcrTask, OcrDocument]] = []
    started = time.monotonic()
    for task, document in read_all(vault, tasks, settings, workers or ocr.cores()):
        batch.append((task, document))
        if time.monotonic() - started >= BATCH_SECONDS:
            outcomes.extend(store_batch(vault, case, batch))
            batch, started = [], time.monotonic()
        if progress is not None:
            progress(len(outcomes) + len(batch), len(tasks), task.item)
    outcomes.extend(store_batch(vault, case, batch))
    return outcomes


def _check_tesseract(languages: str) -> None:
    try:
        ocr.check_languages(languages)
    except TesseractMissing as exc:
        raise UserError(_("Text recognition needs the Debian package {package}; install it "
                          "(sh scripts/setup does) and try again.").format(
                              package=exc.what if exc.what != "tesseract" else "tesseract-ocr"),
                        ) from exc


def read_all(vault: Vault, tasks: list[OcrTask], settings: OcrSettings,
             workers: int) -> Iterator[tuple[OcrTask, OcrDocument]]:
    """Documents in task order, read ``workers`` at a time (threads wait on processes).

    At most two pictures per worker are in flight, so memory stays flat; when the
    caller stops (an error, Ctrl-C), the pictures not started are dropped."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="spoorvast-ocr")
    flight: deque[tuple[OcrTask, Future[OcrDocument]]] = deque()
    try:
        for task in tasks:
            flight.append((task, pool.submit(read_task, vault, task, settings)))
            if len(flight) > 2 * workers:
                done, future = flight.popleft()
                yield done, future.result()
        while flight:
            done, future = flight.popleft()
            yield done, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def read_task(vault: Vault, task: OcrTask, settings: OcrSettings) -> OcrDocument:
    try:
        data = vault.blobs.read_bytes(task.source.sha256)
    except BlobDamaged:
        return refused_document(version(), settings.languages, "blob-damaged", ())
    return ocr.read_picture(data, settings.languages, reference_day(task.item), settings.region)


def store(vault: Vault, case: Case, task: OcrTask, document: OcrDocument) -> OcrOutcome:
    return store_batch(vault, case, [(task, document)])[0]


def store_batch(vault: Vault, case: Case,
                batch: list[tuple[OcrTask, OcrDocument]]) -> list[OcrOutcome]:
    """Seal the documents, flush once, record them in one transaction."""
    if not batch:
        return []
    sealed = [(task, document, vault.blobs.ingest_bytes(ocr.encode(document), durable=False))
              for task, document in batch]
    try:
        vault.blobs.sync()
        with vault.store.transaction() as tx:
            return [_record(tx, case, task, document, blob) for task, document, blob in sealed]
    except BaseException:
        for _task, _document, blob in sealed:
            if blob.fresh and not vault.store.has_artifact(blob.sha256):
                vault.blobs.remove(blob.sha256)
        raise


def _record(tx: Transaction, case: Case, task: OcrTask, document: OcrDocument,
            blob: StoredBlob) -> OcrOutcome:
    item = task.item
    artifact = Artifact(None, item.id, ArtifactRole.OCR_TEXT, ocr.MEDIA_TYPE, blob.size,
                        blob.sha256, f"{PurePath(item.title).stem}.ocr.json",
                        instant.now(case.time_zone), task.source.sha256)
    stored = tx.add_artifact(item, artifact)
    proposed = list(proposed_identifiers(case, item, stored, document))
    for identifier in proposed:
        tx.add_identifier(identifier)
    _record_refusal(tx, item, stored, document)
    refused = document.refused[0] if document.refused else None
    return OcrOutcome(item, stored, len(document.chat.messages), len(proposed), refused)


def proposed_identifiers(case: Case, item: Item, artifact: Artifact,
                         document: OcrDocument) -> Iterator[Identifier]:
    assert case.id is not None
    for found in document.identifiers:
        yield Identifier(None, case.id, found.kind, found.value, item_id=item.id,
                         status=IdentifierStatus.PROPOSED,
                         location=Location(artifact_sha256=artifact.sha256,
                                           region=found.region, field="ocr"))
    title = document.chat.title
    if title is not None and not _is_identifier(title.raw, document):
        yield Identifier(None, case.id, IdentifierKind.NAME, title.raw, item_id=item.id,
                         status=IdentifierStatus.PROPOSED,
                         location=Location(artifact_sha256=artifact.sha256,
                                           region=title.region, field="ocr-title"))


def _is_identifier(title: str, document: OcrDocument) -> bool:
    """A title that is a number, an address or a handle (an unsaved contact) is
    proposed once, with its kind, among the identifiers; never also as a name."""
    return any(_bare(title) == _bare(f.raw) for f in document.identifiers)


def _bare(text: str) -> str:
    """Without spaces, dashes, dots and brackets (how numbers are grouped) and the ``~``
    WhatsApp puts before an unsaved contact; ``@`` and ``+`` stay (``sam`` is a name,
    ``@sam`` a handle)."""
    return "".join(ch for ch in text if ch.isalnum() or ch in "@+").casefold()


def _record_refusal(tx: Transaction, item: Item, artifact: Artifact,
                    document: OcrDocument) -> None:
    if document.refused is None:
        return
    code, params = document.refused
    tx.add_finding(item, Problem(Severity.WARNING, FINDING_CODES[code], params,
                                 Location(artifact_sha256=artifact.derived_from)))


def documents(vault: Vault, case: Case) -> Iterator[tuple[Item, Artifact, OcrDocument]]:
    """Every stored OCR document of the case (the latest per item), in item order."""
    assert case.id is not None
    for item in vault.store.items(case.id):
        artifacts = [a for a in vault.store.artifacts(item.id or 0)
                     if a.role is ArtifactRole.OCR_TEXT]
        if artifacts:
            latest = artifacts[-1]
            yield item, latest, ocr.decode(vault.blobs.read_bytes(latest.sha256))


def ocr_texts(vault: Vault, case: Case) -> Iterator[tuple[Item, str]]:
    """(item, plain text read from its picture): what full-text search indexes."""
    hidden = set(vault.store.hidden_item_ids(case.id or 0))  # withdrawn: not searched
    for item, _artifact, document in documents(vault, case):
        if document.text and item.id not in hidden:
            yield item, document.text


@dataclass(frozen=True, slots=True)
class PictureHit:
    """A picture whose read text holds every searched word."""

    item: Item
    snippet: str


def _fold(text: str) -> str:
    """Case and diacritics folded, for matching only (the stored text is untouched)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def find_in_pictures(vault: Vault, case: Case, words: str, limit: int = 50) -> list[PictureHit]:
    """Pictures whose OCR text holds all ``words`` (folded like the message search)."""
    wanted = [_fold(w) for w in words.split() if w.strip()]
    hits: list[PictureHit] = []
    for item, text in ocr_texts(vault, case):
        folded = _fold(text)
        if wanted and all(w in folded for w in wanted):
            hits.append(PictureHit(item, _snippet(text, folded, wanted[0])))
            if len(hits) >= limit:
                break
    return hits


def _snippet(text: str, folded: str, word: str, width: int = 60) -> str:
    at = folded.find(word)
    if len(folded) != len(text) or at < 0:  # folding changed lengths: show the start
        return " ".join(text[: width * 2].split())
    start = max(0, at - width)
    return ("…" if start else "") + " ".join(text[start: at + len(word) + width].split()) + "…"
