"""The human-readable form of ``spoorvast show``."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from spoorvast.cli import output
from spoorvast.i18n import _

FIELD_LABELS = {
    "original_name": "Original name", "size": "Size", "media_type": "Media type",
    "modified_at": "File modified", "changed_at": "File status changed",
    "width": "Width", "height": "Height", "taken_at": "Taken at (camera)",
    "device": "Device", "gps_present": "GPS position in the file",
    "perceptual_hash": "Perceptual hash", "duration_seconds": "Duration (s)",
    "codecs": "Codecs", "recorded_at": "Recorded at", "page_count": "Pages",
    "frame_count": "Frames",
}


def _value(value: Any) -> str:
    if isinstance(value, dict) and "utc" in value:
        from spoorvast.model.instant import Instant

        moment = Instant.from_json(value)
        how = {"explicit": _("offset in the source"), "epoch": _("from a UTC clock"),
               "assumed-zone": _("zone assumed"), "user": _("typed by you"),
               "clock": _("spoorvast's clock")}[moment.source.value]
        return f"{moment.isoformat()} ({how})"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _facts(data: dict[str, Any] | None, table: Table) -> None:
    for key, value in (data or {}).items():
        if value in (None, [], ""):
            continue
        label = _(FIELD_LABELS[key]) if key in FIELD_LABELS else key
        table.add_row(label, output.human_size(value) if key == "size" else _value(value))


def print_item(data: dict[str, Any]) -> None:
    console = output.stdout_console()
    console.print(f"{data['item']}  {data['title']}", style="bold", markup=False)
    _state(data["item"], data.get("state") or {})
    facts = output.facts()
    facts.add_row(_("Kind"), data["kind"])
    facts.add_row(_("Acquired at"), _value(data["acquired_at"]))
    facts.add_row(_("SHA-256"), data["sha256"] or "")
    _facts(data["file"], facts)
    _facts(data["media"], facts)
    console.print(facts)
    _artifacts(data["artifacts"])
    _findings(data["findings"])
    _custody(data["custody"])


def _state(label: str, state: dict[str, Any]) -> None:
    """Withdrawn (and why), replaced by a correction, or a correction of an earlier one."""
    if state.get("status") == "withdrawn":
        output.line(_("Withdrawn on {at}: {reason}. It is left out of the checklist, timeline, "
                      "search and dossier; its sealed original stays in the vault "
                      "('spoorvast restore {label}' undoes this).").format(
                          at=state["at"], reason=state["reason"], label=label), style="bold")
    if state.get("status") == "superseded":
        output.line(_("Corrected by {label}: this earlier version stays sealed but is no "
                      "longer listed.").format(label=state["superseded_by"]), style="bold")
    if state.get("supersedes"):
        output.line(_("Corrects {label} (an earlier version exists). Reason: {reason}")
                    .format(label=state["supersedes"], reason=state["correction_reason"]))


def _artifacts(artifacts: list[dict[str, Any]]) -> None:
    table = output.table(_("Stored file"), _("Role"), _("Media type"), _("Size"),
                         _("SHA-256"), title=_("Stored files"))
    for a in artifacts:
        table.add_row(a["name"], a["role"], a["media_type"], output.human_size(a["size"]),
                      a["sha256"])
    output.stdout_console().print(table)


def _findings(findings: list[dict[str, Any]]) -> None:
    if not findings:
        return
    output.line(_("Findings"), style="bold")
    for finding in findings:
        output.line(f"  [{finding['severity']}] {finding['message']}")


def _custody(entries: list[dict[str, Any]]) -> None:
    table = output.table("#", _("When (UTC)"), _("What"), _("Entry hash"), title=_("Custody log"))
    for e in entries:
        table.add_row(str(e["seq"]), e["at"], e["action"], e["hash"][:16] + "…")
    output.stdout_console().print(table)
