"""Make the dossier: gather the case, write the bundle, index it, render the PDF, zip.

Order matters for the hashes: the bundle files and their index (SHA256SUMS) come first,
then the PDF, which prints the SHA-256 of SHA256SUMS on its cover.

Where: the folder is built in the private memory folder of
:mod:`spoorvast.dossier.scratch` when it fits, then published into ``--out``: copied
under a hidden ``.…partial`` name registered for the sweep, the ZIP written beside it
under its own partial name (both while Typst renders the PDF, see
:mod:`spoorvast.dossier.publish`), then the PDF added and both renamed, so a kill
leaves no file under a final name and the next start removes the partials. When the
case is too big for memory the folder is built directly under that registered
partial name in ``--out`` (the person asked for these plaintext files there; the sweep
removes them after a kill). Typst's inputs and the previews stay in memory.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from spoorvast.dossier import (
    bundle,
    bundle_stamps,
    files,
    manifest,
    pdf,
    pdf_data,
    pdf_items,
    thumbs,
    timestamps,
)
from spoorvast.dossier.charts import Charts
from spoorvast.dossier.gather import gather
from spoorvast.dossier.model import Dossier, DossierOptions, Placed, Transform
from spoorvast.dossier.publish import Outgoing, partial
from spoorvast.dossier.scratch import private_dir
from spoorvast.dossier.verify_text import verify_txt
from spoorvast.errors import UserError
from spoorvast.i18n import _, in_language
from spoorvast.model.records import Case
from spoorvast.services import withdrawals
from spoorvast.storage.base import case_chain
from spoorvast.storage.scratch import free_bytes
from spoorvast.storage.vault import Vault

FIXED_STEPS = 8  # gathering (3), charts, SHA256SUMS, PDF (2), ZIP
HEADROOM = 64 << 20


class Observer(Protocol):
    def start(self, total: int) -> None: ...
    def step(self, description: str) -> None: ...


class Silent:
    def start(self, total: int) -> None:
        pass

    def step(self, description: str) -> None:
        pass


@dataclass(frozen=True, slots=True)
class Rendering:
    """What the PDF is made with: the private folder Typst reads, the previews being
    made into it, and the Typst child waiting for its input."""
    folder: Path
    previews: pdf.Previews
    typst: pdf.Renderer


@dataclass(frozen=True, slots=True)
class DossierResult:
    folder: Path
    pdf: Path
    zip: Path | None
    bundle_sha256: str
    pdf_sha256: str
    pages: int
    files: int


def folder_name(case: Case, dossier: Dossier) -> str:
    return f"dossier-{case.id}-{dossier.generated_at.utc.strftime('%Y%m%dT%H%M%SZ')}"


def left_out_ids(vault: Vault, case: Case, labels: tuple[str, ...]) -> frozenset[int]:
    """The items of ``labels`` (each a current item of the case, else a UserError that
    names it)."""
    current = {i.label: i.id or 0 for i in withdrawals.current_items(vault, case)}
    unknown = [label for label in labels if label not in current]
    if unknown:
        raise UserError(_("{labels}: not an item of this case that the dossier can hold "
                          "(withdrawn, or no such item).").format(labels=", ".join(unknown)))
    return frozenset(current[label] for label in labels)


def make_dossier(vault: Vault, case: Case, options: DossierOptions, out: Path,
                 observer: Observer | None = None) -> DossierResult:
    """The dossier of ``case`` in ``out`` (a folder, its ZIP). ``options``: language,
    redact_third_parties, include_gps, make_zip, generated_at, and tsa_urls - the RFC
    3161 authorities that time-stamp SHA256SUMS, contacted only when given (pass
    ``bundle_stamps.default_urls()`` when the person allows network and names none).
    An authority that fails is reported in the PDF; it never stops the dossier."""
    observer = observer or Silent()
    with vault.store.leaving_out(left_out_ids(vault, case, options.left_out)):
        items = withdrawals.current_items(vault, case)  # without the ones left out
        observer.start(len(items) * 2 + FIXED_STEPS)
        with in_language(options.language), private_dir() as scratch, \
                pdf.Renderer() as typst:
            render = scratch / "render"
            render.mkdir(mode=0o700)
            with pdf.previews_started(vault, items, render) as previews:
                dossier = gather(vault, case, options,
                                 lambda what: observer.step(_("reading")))
                result = _write(vault, dossier, out, scratch,
                                Rendering(render, previews, typst), observer)
            made = thumbs.keep(vault, items, pdf.collect(previews), case.time_zone)
    with vault.store.transaction() as tx:
        for item, artifact in made:  # the next dossier finds them
            tx.add_artifact(item, artifact)
        tx.log(case_chain(case.id or 0), "dossier.created", result.folder.name,
               {"bundle_sha256": result.bundle_sha256, "pdf_sha256": result.pdf_sha256,
                "language": options.language,
                "redact_third_parties": options.redact_third_parties,
                "include_gps": options.include_gps,
                "bundle_timestamps": list(options.tsa_urls),
                "left_out": list(options.left_out)})
    return result


def room_needed(dossier: Dossier) -> int:
    """A generous bound on the bundle built in memory: every artifact, a disclosure copy
    of each, the PDF and previews (the ZIP is written in ``--out``)."""
    stored = sum(a.size for view in dossier.items for a in view.artifacts)
    return stored * 2 + HEADROOM


def _write(vault: Vault, dossier: Dossier, out: Path, scratch: Path, render: Rendering,
           observer: Observer) -> DossierResult:
    name = folder_name(dossier.case, dossier)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(out, exc) from exc
    in_memory = free_bytes(scratch) >= room_needed(dossier)
    staging = scratch / name if in_memory else partial(scratch, out, name)
    try:
        staging.mkdir(mode=0o700)
        with Outgoing(name, staging, out, scratch, in_memory,
                      dossier.options.make_zip) as outgoing:
            bundle_sha, pdf_sha, pages = _fill(vault, dossier, staging, render, observer,
                                               outgoing)
            if dossier.options.make_zip:
                observer.step("ZIP")
            published = outgoing.finish()
    except OSError as exc:  # names the memory folder when that is what filled up
        where = scratch.parent if str(exc.filename or "").startswith(str(scratch)) else out
        raise _unwritable(where, exc) from exc
    finally:
        if not in_memory:
            shutil.rmtree(staging, ignore_errors=True)
    final = published.folder
    return DossierResult(final, final / bundle.PDF, published.zip, bundle_sha, pdf_sha, pages,
                         len(files.walk(final)))


def _unwritable(out: Path, exc: OSError) -> UserError:
    return UserError(_("Cannot write to {path} ({reason}).").format(
        path=out, reason=exc.strerror or type(exc).__name__))


def _fill(vault: Vault, dossier: Dossier, root: Path, render: Rendering,
          observer: Observer, outgoing: Outgoing) -> tuple[str, str, int]:
    charts = Charts(dossier.patterns, root / "charts", _("Contacts in this case"),
                    dossier.options.language, render.folder)
    try:
        return _fill_with(vault, dossier, root, render, observer, charts, outgoing)
    finally:
        charts.close()


def _fill_with(vault: Vault, dossier: Dossier, root: Path, render: Rendering,
               observer: Observer, drawing: Charts, outgoing: Outgoing
               ) -> tuple[str, str, int]:
    placement = bundle.place_items(vault, dossier, root, lambda: observer.step(_("copying")))
    charts = drawing.result()
    observer.step(_("charts"))
    stamps = timestamps.find(placement)
    index = _index_files(vault, dossier, root, placement, stamps)
    bundle_sha = bundle.write_sums(root, {p.path: p.sha256 for p in
                                          [*placement.placed, *index]})
    observer.step("SHA256SUMS")
    sums_stamps = bundle_stamps.stamp_sums(root, bundle_sha, dossier.options.tsa_urls)
    photos = _photo_counts(placement.placed)
    data = pdf_data.build(dossier, bundle_sha, pdf.collect(render.previews),
                          _paths(placement.placed), pdf.copy_charts(charts, render.folder),
                          stamps, photos, sums_stamps)
    observer.step("PDF")
    attach = None if dossier.options.redact_third_parties else (root / bundle.MANIFEST)
    pdf.compile_pdf(render.folder, data, outgoing.pdf_target,
                    attach.read_bytes() if attach else None,
                    dossier.generated_at.utc.replace(microsecond=0), render.typst,
                    meanwhile=outgoing.ahead)  # the rest of the bundle leaves meanwhile
    observer.step("PDF")
    pdf_sha = bundle.write_pdf_sum(outgoing.folder)
    return bundle_sha, pdf_sha, count_pages(outgoing.folder / bundle.PDF)


def _index_files(vault: Vault, dossier: Dossier, root: Path, placement: bundle.Placement,
                 stamps: list[timestamps.TimestampCheck]) -> list[Placed]:
    cid = dossier.case.id or 0
    content = manifest.build(dossier, placement, vault.store.parties(cid),
                             withdrawals.listed_identifiers(vault, dossier.case), stamps)
    return [bundle.write_custody(dossier, root),
            files.write_bytes(root, bundle.MANIFEST, manifest.dumps(content)),
            files.write_bytes(root, bundle.VERIFY, verify_txt(
                stamps, dossier.case.title,
                bundle_stamps.planned(dossier.options.tsa_urls)).encode("utf-8"))]


def _paths(placed: list[Placed]) -> pdf_items.Placements:
    """Where each stored file is in the bundle, by artifact (two files with the same
    bytes, a viewport and a full-page shot, keep their own names), then by SHA-256."""
    found: pdf_items.Placements = {}
    for p in placed:
        if p.artifact is not None and p.transform is not Transform.METADATA_REMOVED:
            if p.artifact.id is not None:
                found.setdefault(p.artifact.id, p)
            found.setdefault(p.artifact.sha256, p)
    return found


def _photo_counts(placed: list[Placed]) -> tuple[int, int]:
    copies = [p for p in placed if p.transform is Transform.METADATA_REMOVED]
    return len(copies), sum(1 for p in copies if "gps" in p.removed)


def count_pages(path: Path) -> int:
    """The page tree's own count (Typst writes it): ``len(reader.pages)`` reads every
    page object, ≈10 ms more for 160 pages."""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, NumberObject

    tree = PdfReader(path).root_object["/Pages"]
    assert isinstance(tree, DictionaryObject)
    count = tree["/Count"]
    assert isinstance(count, NumberObject)
    return int(count)
