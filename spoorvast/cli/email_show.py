"""The printed form of an e-mail analysis (``spoorvast show`` on an e-mail item)."""

from __future__ import annotations

from typing import Any

from spoorvast.cli import output
from spoorvast.i18n import _, current_language


def print_analysis(data: dict[str, Any]) -> None:
    if data.get("format") == "spoorvast.mbox-index/1":
        _print_index(data)
        return
    output.line(_("E-mail header analysis"), style="bold")
    if data.get("copy"):
        output.line(_("Copy, not original: these headers were pasted or typed."))
    verdict = data.get("verdict", {})
    for line in verdict.get(current_language()) or verdict.get("en") or []:
        output.line(f"  {line}")
    _hops(data.get("analysis", {}).get("hops", []))
    output.line(_("Analysis of the bytes with SHA-256 {sha}").format(
        sha=data.get("source_sha256", "")))


def _hops(hops: list[dict[str, Any]]) -> None:
    if not hops:
        return
    table = output.table("#", _("Line"), _("Side"), _("From (name / rDNS / IP)"), _("By"),
                         _("With"), _("TLS"), _("Date (UTC)"), _("Delay"),
                         title=_("Route, oldest first"))
    sides = {"recipient": _("recipient's provider"), "hand-over": _("hand-over"),
             "sender-claimed": _("claimed by the sender")}
    for view in hops:
        hop = view["hop"]
        date = (hop.get("date") or {}).get("instant") or {}
        table.add_row(str(view["number"]), str(view.get("line", "")),
                      sides.get(view["side"], view["side"]),
                      " / ".join(str(v) for v in (hop["from_name"], hop["rdns"], hop["ip"])
                                 if v),
                      hop["by"] or "", hop["with_"] or "", hop["tls"] or "",
                      str(date.get("utc", "?"))[:19], _delay(view))
    output.stdout_console().print(table)


def _delay(view: dict[str, Any]) -> str:
    seconds = view.get("delay_seconds")
    if seconds is None:
        return _("unknown")
    text = f"{seconds:+.0f} s"
    return text + (" ⚠" if view.get("skew") else "")


def _print_index(data: dict[str, Any]) -> None:
    output.line(_("Mailbox (mbox) file"), style="bold")
    output.line(_("Messages: {count}; duplicates: {duplicates}.").format(
        count=data.get("messages", 0), duplicates=len(data.get("duplicates", []))))
    for entry in data.get("index", [])[:200]:
        output.line(f"  {entry.get('item') or '-'}  {entry['from_line_offset']:>12}  "
                    f"{entry['sha256'][:16]}…")
