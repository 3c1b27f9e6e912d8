"""One item's part of ``data.json``: facts, preview, stored files, analyses, messages."""

from __future__ import annotations

from spoorvast.dossier.labels import (
    ARTIFACT_ROLES,
    ITEM_KINDS,
    importer_name,
    named,
    short_hash,
)
from spoorvast.dossier.model import (
    DossierOptions,
    EventView,
    InfoSection,
    ItemView,
    Placed,
    Transform,
)
from spoorvast.dossier.pdf_text import event_row, section_json
from spoorvast.dossier.thumbs import Preview
from spoorvast.dossier.when import instant_text
from spoorvast.i18n import N_, _, ngettext
from spoorvast.model.records import Artifact, Item, ItemKind
from spoorvast.services.notes import IMPORTER as NOTE_IMPORTER
from spoorvast.units import human_size


def _facts(item: Item, title: str, options: DossierOptions) -> list[list[str]]:
    lang = options.language
    rows = [[_("Kind"), named(ITEM_KINDS, item.kind.value)], [_("Title"), title],
            [_("Acquired"), instant_text(item.acquired_at, lang)],
            [_("Read by"), _("the victim's own note") if item.importer == NOTE_IMPORTER
             else importer_name(item.importer)]]
    if item.file is not None:
        rows.append([_("Original file name"), item.file.original_name])
        if item.file.modified_at is not None:
            rows.append([_("File last modified"),
                         instant_text(item.file.modified_at, lang)])
    media = item.media
    if media is not None:
        if media.width and media.height:
            rows.append([_("Dimensions"), f"{media.width} × {media.height} px"])
        if media.taken_at is not None:
            rows.append([_("Taken at"), instant_text(media.taken_at, lang)])
        if media.duration_seconds is not None:
            rows.append([_("Duration"), f"{media.duration_seconds:.1f} s"])
        if media.page_count is not None:
            rows.append([_("Pages"), str(media.page_count)])
        if options.include_gps and media.device:
            rows.append([_("Device"), media.device])
        if item.kind is ItemKind.IMAGE and media.gps_present:
            rows.append([_("Location (GPS)"), _("in the original (originals/ in the bundle)")
                         if not options.include_gps else _("present in the file")])
    return rows


def item_title(view: ItemView) -> str:
    """A note's title is stored in the language the application spoke then; the dossier
    names the kind of note in its own language instead."""
    return view.note.label if view.note is not None else view.item.title


# Where each stored file is in the bundle: by artifact id, then by SHA-256.
Placements = dict[int | str, Placed]
CHANGED = {Transform.SESSION_SECRETS_REMOVED: N_(
    "The copy in the bundle has the session cookies and secret values removed, so its "
    "SHA-256 differs from the sealed original's: {original}."),
    Transform.METADATA_REMOVED: N_(
    "The copy in the bundle has the photo's location and camera data removed, so its "
    "SHA-256 differs from the sealed original's: {original}.")}


def placed_of(placements: Placements, artifact: Artifact) -> Placed | None:
    if artifact.id is not None and artifact.id in placements:
        return placements[artifact.id]
    return placements.get(artifact.sha256)


def changed_note(placed: Placed | None, artifact: Artifact) -> str:
    """Why the bundle's file has another SHA-256 than the sealed original, or ""."""
    if placed is None or placed.sha256 == artifact.sha256 or placed.transform is None:
        return ""
    return _(CHANGED[placed.transform]).format(original=short_hash(artifact.sha256))


def _artifacts(view: ItemView, placements: Placements) -> list[dict[str, str]]:
    rows = []
    for a in view.artifacts:
        placed = placed_of(placements, a)
        shown = placed.sha256 if placed is not None else a.sha256
        rows.append({"role": named(ARTIFACT_ROLES, a.role.value), "name": a.name,
                     "size": human_size(a.size), "sha256": shown, "short": short_hash(shown),
                     "path": placed.path if placed is not None else "—",
                     "changed": changed_note(placed, a)})
    return rows


def _section(section: InfoSection) -> dict[str, object]:
    return section_json(section)


def _run(run: tuple[EventView, ...], language: str) -> list[dict[str, object]]:
    return [event_row(v, 2000, language) for v in run]


def item_json(view: ItemView, preview: Preview | None, paths: Placements,
              options: DossierOptions) -> dict[str, object]:
    item = view.item
    counts = ""
    if view.events:
        counts = ngettext("{events} event in this item, {marked} marked.",
                          "{events} events in this item, {marked} marked.",
                          view.events).format(events=view.events, marked=view.marked)
    return {
        "label": item.label, "anchor": f"item-{item.label}",
        "heading": f"{item.label} · {item_title(view)}",
        "facts": _facts(item, item_title(view), options), "counts": counts,
        "image": preview.path if preview else None,
        "cropped": bool(preview and preview.cropped),
        "wants_image": item.kind in (ItemKind.IMAGE, ItemKind.CAPTURE),
        "artifacts": _artifacts(view, paths),
        "sections": [_section(s) for s in view.sections],
        "findings": list(view.findings),
        "runs": [_run(r, options.language) for r in view.runs],
    }
