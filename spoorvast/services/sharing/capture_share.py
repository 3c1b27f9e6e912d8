"""A web capture shared between members' vaults: one bundle record, its files byte-exact.

A capture item holds many sealed files (the page's original answer, screenshots, MHTML,
DOM, WACZ, videos, the capture's record ``capture.json``, a trusted timestamp over that
record). The sender puts every one of them — as sealed, each with its role, name, media
type and the SHA-256 it was sealed under — into one ZIP (``capture/portable.py``), with
a head of what sealing needs (title, time, page size, findings, addresses and platform
facts read from the record). Files the vault derives for itself (previews, OCR text,
thumbnails) stay home: the receiver makes its own.

The receiver checks every file against the bundle's manifest and against the list of
files the capture record names (when it names them), and seals the files as they are,
as one capture item: the record file is the sender's, unchanged, so both items verify
the same files. The item's *key* — the SHA-256 of its record file, or of its list of
files when it has no record — is the same on both sides; it is what "have" remembers,
so a re-run sends and adds nothing.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from spoorvast.capture import portable
from spoorvast.capture.draft import Draft
from spoorvast.model.records import Artifact, ArtifactRole, Case, Item, ItemKind
from spoorvast.services.sharing.case import ShareError
from spoorvast.storage import scratch
from spoorvast.storage.vault import Vault

if TYPE_CHECKING:
    from spoorvast.services.watch.locked_capture import Prepared

BUNDLE = "capture/1"  # the record field "bundle" naming this format
RECORD = "capture.json"
DERIVED = frozenset({ArtifactRole.OCR_TEXT, ArtifactRole.THUMBNAIL,
                     ArtifactRole.BLURRED_PREVIEW, ArtifactRole.DOSSIER_PREVIEW})
MAX_RECORD = 16 << 20  # a capture record larger than this is not read for its file list


def travelling(artifacts: list[Artifact]) -> list[Artifact]:
    """The item's sealed files that travel (not the ones a vault derives for itself)."""
    return [a for a in artifacts if a.role not in DERIVED]


def _is_record(role: ArtifactRole, name: str) -> bool:
    return role is ArtifactRole.ANALYSIS and name == RECORD


def key_of(files: list[tuple[ArtifactRole, str, str]]) -> str:
    """The capture's key from its files (role, name, SHA-256): its record's SHA-256,
    else the SHA-256 of its sorted list of files."""
    records = sorted(sha for role, name, sha in files if _is_record(role, name))
    if records:
        return records[0]
    listed = sorted([role.value, name, sha] for role, name, sha in files)
    return hashlib.sha256(json.dumps(listed).encode()).hexdigest()


def item_key(vault: Vault, item: Item) -> str:
    return key_of([(a.role, a.name, a.sha256)
                   for a in travelling(vault.store.artifacts(item.id or 0))])


def find(vault: Vault, case: Case, key: str) -> Item | None:
    """The case's capture item with this key, if this vault has one."""
    if not vault.store.has_artifact(key):
        return None  # the usual answer for a capture not yet received: no scan
    for item in vault.store.items(case.id or 0):
        if item.kind is ItemKind.CAPTURE and item_key(vault, item) == key:
            return item
    return None


# sending -----------------------------------------------------------------------------

@contextmanager
def bundle_of(vault: Vault, case: Case, item: Item) -> Iterator[tuple[Path, str]]:
    """The item's travelling files and head as one bundle (the format of
    ``capture/portable.py``, read back by its ``read_bundle``) in a private scratch file,
    each file streamed from its blob and checked against the SHA-256 it was sealed
    under; the bundle's path and the capture's key."""
    files = travelling(vault.store.artifacts(item.id or 0))
    names = [a.name for a in files]
    if len(set(names)) != len(names) or portable.MANIFEST in names:
        raise ShareError("capture_not_bundled", item.label)
    need = sum(a.size for a in files) + (1 << 20) * (1 + len(files) // 100)
    with scratch.private_dir("share", need=need) as folder:
        path = folder / "capture.zip"
        with scratch.private_file(path) as out, \
                zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as bundle:
            for artifact in files:
                _add_file(vault, bundle, artifact, item.label)
            record = _record_of(vault, files)
            bundle.writestr(portable.MANIFEST, json.dumps({
                "v": 1, "head": _head(vault, case, item, record),
                "files": [{"name": a.name, "role": a.role.value,
                           "media_type": a.media_type, "size": a.size,
                           "sha256": a.sha256, "derived_from": a.derived_from}
                          for a in files]}, sort_keys=True))
        yield path, key_of([(a.role, a.name, a.sha256) for a in files])


def _add_file(vault: Vault, bundle: zipfile.ZipFile, artifact: Artifact, label: str) -> None:
    digest, size = hashlib.sha256(), 0
    info = zipfile.ZipInfo(artifact.name)
    info.file_size = artifact.size
    with vault.blobs.open(artifact.sha256) as source, \
            bundle.open(info, "w", force_zip64=artifact.size > 0x7FFFFFFF) as target:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    if digest.hexdigest() != artifact.sha256 or size != artifact.size:
        raise ShareError("sealed_file_differs", label)


def _record_of(vault: Vault, files: list[Artifact]) -> dict[str, object]:
    found = next((a for a in files if _is_record(a.role, a.name)), None)
    if found is None or found.size > MAX_RECORD:
        return {}
    return _parsed(vault.blobs.read_bytes(found.sha256))


def _head(vault: Vault, case: Case, item: Item, record: dict[str, object]
          ) -> dict[str, object]:
    media = item.media
    findings = vault.store.findings(case.id or 0, item.id)
    platform = record.get("platform")
    return {
        "kind": "shared-capture", "title": item.title,
        "url": _text(record.get("requested_url")) or _text(record.get("url")),
        "final_url": _text(record.get("final_url")), "status": record.get("status"),
        "started": item.acquired_at.to_json(),
        "media": [media.width, media.height] if media is not None and
        media.width is not None and media.height is not None else None,
        "problems": [[f.severity.value, f.code, [list(p) for p in f.params]]
                     for f in findings],
        "platform": platform if isinstance(platform, dict) else {}}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _record(drafts: list[Draft] | tuple[Draft, ...]) -> dict[str, object]:
    data = next((d.data for d in drafts if _is_record(d.role, d.name)), None)
    if data is None or len(data) > MAX_RECORD:
        return {}
    return _parsed(data)


def _parsed(data: bytes) -> dict[str, object]:
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


# receiving ---------------------------------------------------------------------------

def seal_received(vault: Vault, case: Case, path: Path, key: str, where: str,
                  logged: tuple[str, dict[str, object]]) -> Item:
    """Seal the bundle at ``path`` as one capture item, its files as they came; refused
    whole (:class:`ShareError`, nothing added) when a file is not the one the manifest
    or the capture record names, or the files are not the capture ``key`` names."""
    from spoorvast.services.watch.locked_capture import Prepared, seal

    try:
        head, drafts = portable.read_bundle(path)
    except portable.BundleDamaged as exc:
        raise ShareError("capture_bundle_damaged", where) from exc
    if key_of([(d.role, d.name, hashlib.sha256(d.data).hexdigest()) for d in drafts]) != key:
        raise ShareError("capture_bundle_differs", where)
    if any(d.role in DERIVED for d in drafts):
        raise ShareError("capture_bundle_damaged", where)
    _check_listed(drafts, where)
    prepared = Prepared(head, tuple(drafts))
    _check_head(prepared, where)
    return seal(vault, case, prepared, "", logged, _derived(path, drafts, where))


def _derived(path: Path, drafts: list[Draft], where: str) -> dict[str, str]:
    """Per file, the file of the bundle it was made from (a timestamp token: the record
    it stamps), as the manifest (checked whole by ``read_bundle``) names it."""
    with zipfile.ZipFile(path) as bundle:
        manifest = json.loads(bundle.read(portable.MANIFEST)[:1 << 20])
    inside = {hashlib.sha256(d.data).hexdigest() for d in drafts}
    derived = {}
    for entry in manifest["files"]:
        source = entry.get("derived_from")
        if source is None:
            continue
        if source not in inside:
            raise ShareError("capture_bundle_differs", where)
        derived[str(entry["name"])] = str(source)
    return derived


def _check_head(prepared: Prepared, where: str) -> None:
    """What sealing reads from the head can be read (else refused, never a traceback)."""
    from spoorvast.model.instant import Instant

    try:
        started = prepared.head.get("started")
        if not isinstance(started, dict):
            raise ValueError("no time")
        Instant.from_json(started)
        media = prepared.head.get("media")
        if isinstance(media, list) and len(media) == 2:
            int(media[0]), int(media[1])
        prepared.problems  # noqa: B018  (parsed here to refuse a bad one before sealing)
        prepared.facts  # noqa: B018
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise ShareError("capture_bundle_damaged", where) from exc


def _check_listed(drafts: list[Draft], where: str) -> None:
    """Every file the capture record lists is in the bundle, with the listed SHA-256."""
    listed = _record(drafts).get("artifacts")
    if not isinstance(listed, list):
        return
    have = {(d.role.value, d.name): hashlib.sha256(d.data).hexdigest() for d in drafts}
    for entry in listed:
        if not isinstance(entry, dict):
            raise ShareError("capture_bundle_differs", where)
        found = have.get((str(entry.get("role")), str(entry.get("name"))))
        if found is None or found != entry.get("sha256"):
            raise ShareError("capture_bundle_differs", where)
