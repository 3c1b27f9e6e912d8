"""One item's part of ``data.json``: facts, preview, stored files, analyses, messages."""

from __future__ import annotations

from spoorvast.dossier.model import DossierOptions, EventView, InfoSection, ItemView
from spoorvast.dossier.pdf_text import event_row, section_json
from spoorvast.dossier.thumbs import Preview
from spoorvast.i18n import _
from spoorvast.model.records import Item, ItemKind
from spoorvast.units import human_size


def _facts(item: Item, options: DossierOptions) -> list[list[str]]:
    rows = [[_("Kind"), item.kind.value], [_("Title"), item.title],
            [_("Acquired"), item.acquired_at.isoformat()], [_("Read by"), item.importer]]
    if item.file is not None:
        rows.append([_("Original file name"), item.file.original_name])
        if item.file.modified_at is not None:
            rows.append([_("File last modified"), item.file.modified_at.isoformat()])
    media = item.media
    if media is not None:
        if media.width and media.height:
            rows.append([_("Dimensions"), f"{media.width} × {media.height} px"])
        if media.taken_at is not None:
            rows.append([_("Taken at"), media.taken_at.isoformat()])
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


def _artifacts(view: ItemView, paths: dict[str, str]) -> list[dict[str, str]]:
    return [{"role": a.role.value, "name": a.name, "size": human_size(a.size),
             "sha256": a.sha256, "path": paths.get(a.sha256, "—")} for a in view.artifacts]


def _section(section: InfoSection) -> dict[str, object]:
    return section_json(section)


def _run(run: tuple[EventView, ...]) -> list[dict[str, object]]:
    return [event_row(v, 2000) for v in run]


def item_json(view: ItemView, preview: Preview | None, paths: dict[str, str],
              options: DossierOptions) -> dict[str, object]:
    item = view.item
    counts = ""
    if view.events:
        counts = _("{events} events in this item, {marked} marked.").format(
            events=view.events, marked=view.marked)
    return {
        "label": item.label, "anchor": f"item-{item.label}",
        "heading": f"{item.label} · {item.title}",
        "facts": _facts(item, options), "counts": counts,
        "image": preview.path if preview else None,
        "cropped": bool(preview and preview.cropped),
        "wants_image": item.kind in (ItemKind.IMAGE, ItemKind.CAPTURE),
        "artifacts": _artifacts(view, paths),
        "sections": [_section(s) for s in view.sections],
        "findings": list(view.findings),
        "runs": [_run(r) for r in view.runs],
    }
