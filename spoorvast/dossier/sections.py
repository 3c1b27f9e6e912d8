"""Item sections from what a feature stored: the capture record, the e-mail header
analysis, a typed note. Each reads the JSON a feature wrote (an external format as far
as the dossier is concerned: every field is optional) into a typed :class:`InfoSection`.
"""

from __future__ import annotations

import json
from typing import Any

from spoorvast.capture.provenance_rows import provenance_rows
from spoorvast.capture.tsa_clock import CLOCK_NAME
from spoorvast.dossier.labels import short_hash
from spoorvast.dossier.model import InfoSection, NoteView
from spoorvast.dossier.when import instant_text
from spoorvast.i18n import _
from spoorvast.model.records import Artifact, ArtifactRole, Item
from spoorvast.model.secrets import strip_json_value
from spoorvast.services import notes as note_service
from spoorvast.services.email_report import email_report
from spoorvast.storage.vault import Vault

CAPTURE_RECORD = "capture.json"
MAX_ANALYSIS_BYTES = 32 << 20


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _get(data: Any, *path: str) -> object:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def load_json(vault: Vault, artifact: Artifact) -> Any:
    if artifact.size > MAX_ANALYSIS_BYTES:
        return None
    try:
        return json.loads(vault.blobs.read_bytes(artifact.sha256))
    except ValueError:
        return None


def analysis(artifacts: tuple[Artifact, ...], name: str | None = None) -> Artifact | None:
    return next((a for a in artifacts if a.role is ArtifactRole.ANALYSIS
                 and a.name.endswith(".json") and (name is None or a.name == name)), None)


def capture_section(record: Any) -> InfoSection:
    rows = [
        (_("Requested URL"), _get(record, "requested_url")),
        (_("Final URL"), _get(record, "final_url")),
        (_("HTTP status"), _get(record, "status")),
        (_("Server address"), _get(record, "response", "server_ip")),
        (_("Page title"), _get(record, "title")),
        (_("Capture started"), _get(record, "started", "local")),
        (_("Capture ended"), _get(record, "ended", "local")),
        (_("Browser"), _get(record, "browser", "user_agent")),
        (_("Platform"), _get(record, "platform", "platform")),
        (_("Stable account ID"), _get(record, "platform", "stable_id")),
    ]
    tls = _get(record, "response", "tls")
    if isinstance(tls, dict):
        rows.append(("TLS", " · ".join(_text(tls.get(k)) for k in ("protocol", "subject",
                                                                     "issuer") if tls.get(k))))
    if isinstance(record, dict):
        rows += provenance_rows(record)
    proves = _get(record, "statement", "proves")
    not_proven = _get(record, "statement", "does_not_prove")
    lines = [f"+ {_(str(p))}" for p in (proves if isinstance(proves, list) else [])]
    lines += [f"− {_(str(p))}" for p in (not_proven if isinstance(not_proven, list) else [])]
    return InfoSection(_("Capture record (provenance)"),
                       tuple((k, _text(v)) for k, v in rows if v not in (None, "")),
                       tuple(lines))


def email_section(data: Any, language: str) -> InfoSection | None:
    verdict = _get(data, "verdict")
    if not isinstance(verdict, dict):
        return None
    lines = verdict.get(language) or verdict.get("en") or []
    rows = []
    if _get(data, "copy"):
        rows.append((_("Copy"), _("these headers were pasted or typed, not the original "
                                  "message")))
    hops = _get(data, "analysis", "hops")
    if isinstance(hops, list):
        rows.append((_("Relays in the route"), str(len(hops))))
    if _get(data, "source_sha256"):
        rows.append((_("Analysed bytes (SHA-256)"),
                     short_hash(_text(_get(data, "source_sha256")))))
    return InfoSection(_("E-mail header analysis"), tuple(rows),
                       tuple(str(x) for x in lines if isinstance(lines, list)))


def note_view(vault: Vault, item: Item) -> NoteView | None:
    try:
        note = note_service.read_note(vault, item)
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    return NoteView(note.kind.value, _(note_service.KIND_LABELS[note.kind]), note.text,
                    note.at, note.reference, note.authority, note.url, note.amount,
                    note.currency, note.to_account, note.images_sent)


def note_section(note: NoteView, language: str = "en") -> InfoSection:
    sent = None if note.images_sent is None else (_("yes") if note.images_sent else _("no"))
    rows = [(_("When"), instant_text(note.at, language) if note.at else None),
            (_("Reference"), note.reference), (_("Authority"), note.authority),
            (_("Address (URL)"), note.url),
            (_("Amount"), f"{note.amount} {note.currency or ''}".strip() if note.amount
             else None),
            (_("To account"), note.to_account), (_("Images sent"), sent)]
    return InfoSection(note.label, tuple((k, v) for k, v in rows if v), (note.text,))


def may_hold_email(artifacts: tuple[Artifact, ...]) -> bool:
    """Whether ``email_report`` can find a document for these artifacts: a stored JSON
    analysis, or the original of a message taken from an mbox (rebuilt from it). Asked
    first because its mbox branch loads the e-mail analysis (≈0.1 s here) for any item,
    a screenshot too."""
    return analysis(artifacts) is not None or any(
        a.role is ArtifactRole.ORIGINAL and a.media_type == "message/rfc822"
        and a.derived_from is not None for a in artifacts)


def item_sections(vault: Vault, item: Item, artifacts: tuple[Artifact, ...],
                  language: str) -> tuple[tuple[InfoSection, ...], NoteView | None]:
    """The specific sections this item's stored analyses allow (none for unknown kinds)."""
    found: list[InfoSection] = []
    note = note_view(vault, item) if item.importer == note_service.IMPORTER else None
    if note is not None:
        found.append(note_section(note, language))
    record = analysis(artifacts, CAPTURE_RECORD)
    if record is not None and (data := load_json(vault, record)) is not None:
        clock = next((a for a in artifacts if a.name == CLOCK_NAME
                      and a.derived_from == record.sha256), None)
        if isinstance(data, dict) and clock is not None:  # stored beside the record
            data["tsa_clock"] = load_json(vault, clock)
        found.append(capture_section(strip_json_value(data)))  # an older record may
        # still hold secret URL values (the record of a new capture has none)
        from spoorvast.dossier.watch_history import watch_sections  # ≈10 ms; captures only

        found.extend(watch_sections(vault, item, language))  # a watched page's history
    elif may_hold_email(artifacts) and (data := email_report(vault, item, artifacts)):
        section = email_section(data, language)
        if section is not None:
            found.append(section)
    return tuple(found), note
