"""The data the Typst template reads (``data.json``): plain strings, lists and numbers.

Evidence text reaches the PDF only through this file, read by the template with
``json()`` and shown as text values: it is never parsed as Typst markup, so ``#``,
``]``, ``$``, ``@``, ``<`` and backslashes in messages or file names print as written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime

from spoorvast.dossier import glance
from spoorvast.dossier.bundle_stamps import BundleStamp
from spoorvast.dossier.labels import (
    CUSTODY_ACTIONS,
    DIRECTIONS,
    IDENTIFIER_STATUS,
    KIND_NAMES,
    PROSECUTION_REQUEST,
    ROLE_NAMES,
    STATUS_NAMES,
    named,
)
from spoorvast.dossier.labels import labels as fixed_labels
from spoorvast.dossier.missing import OBTAIN
from spoorvast.dossier.model import Dossier, IdentifierView
from spoorvast.dossier.pdf_items import Placements, changed_note, item_json, placed_of
from spoorvast.dossier.pdf_sheets import sheets
from spoorvast.dossier.pdf_stamps import cover_line, stamps_json
from spoorvast.dossier.pdf_text import breakable, event_row
from spoorvast.dossier.thumbs import Preview
from spoorvast.dossier.timestamps import TimestampCheck
from spoorvast.dossier.verify_text import steps
from spoorvast.dossier.when import instant_text, local_text
from spoorvast.guidance import TITLES
from spoorvast.i18n import _, ngettext
from spoorvast.model.custody import check_chain

TIMELINE_TEXT = 160


def cover(dossier: Dossier, bundle_sha: str, stamped: str | None = None) -> dict[str, object]:
    when, lang = dossier.generated_at, dossier.options.language
    rows = [[_("Complainant"), dossier.complainant or "—"],
            [_("Case"), dossier.case.title],
            [_("Generated (UTC)"), local_text(when.utc.astimezone(UTC), lang, True)],
            [_("Generated (local time)"),
             f"{local_text(when.local, lang, True)}, {dossier.case.time_zone}"],
            [_("Made with"), f"spoorvast {dossier.tool_version}"],
            [_("Evidence in this dossier"), _summary(dossier)]]  # "Contents" titles the
    # outline just below it
    if stamped is not None:
        rows.append([_("Trusted time (RFC 3161)"), stamped])
    return {"title": dossier.case.title, "rows": rows, "bundle_sha": bundle_sha,
            "bundle_note": _("The SHA-256 of the file SHA256SUMS in the bundle. SHA256SUMS "
                             "lists the SHA-256 of every file of the bundle except this PDF; "
                             "so this one value fixes all of them. See 'How to verify this "
                             "dossier' at the end.")}


def _summary(dossier: Dossier) -> str:
    items = ngettext("{n} item", "{n} items", len(dossier.items)).format(n=len(dossier.items))
    marked = ngettext("{n} marked event", "{n} marked events",
                      len(dossier.marked)).format(n=len(dossier.marked))
    return f"{items}, {marked}"


def statement(dossier: Dossier) -> dict[str, object]:
    notes, lang = dossier.notes, dossier.options.language
    def texts(kind: str) -> list[dict[str, object]]:
        return [{"when": instant_text(n.at, lang, ""), "text": breakable(n.text),
                 "extra": ", ".join(x for x in (n.amount and f"{n.amount} {n.currency or ''}",
                                                n.to_account, n.url) if x)}
                for n in notes if n.kind == kind]
    reports = [{"reference": n.reference or "", "authority": n.authority or "",
                "when": instant_text(n.at, lang, ""), "kind": n.label,
                "text": breakable(n.text)}
               for n in notes if n.kind in ("police-report", "platform-report",
                                            "helpline-report")]
    return {"facts": _facts(dossier), "request": _(PROSECUTION_REQUEST),
            "reports": reports, "actions": texts("requested-action"),
            "impact": texts("impact"), "observations": texts("observation"),
            "patterns": glance.pattern_lines(dossier, lang)}


def _facts(dossier: Dossier) -> list[str]:
    suspects = [p.name for p in dossier.parties if p.role == "suspect"]
    facts = [_("I, {name}, am the victim of repeated unwanted contact and harassment.")
             .format(name=dossier.complainant or "—")]
    if suspects:
        facts.append(_("I name as suspect(s): {names}.").format(names=", ".join(suspects)))
    if dossier.case.description:
        facts.append(dossier.case.description)
    facts.append(_("The facts, my earlier reports, the actions the suspect made me perform "
                   "and the impact on my life are set out below and in the evidence that "
                   "follows."))
    return facts


def stable_ids(dossier: Dossier) -> dict[str, str]:
    """An account's handle -> the handle with the platform's stable ID: the checklist's
    "unique ID" row is proven by the ID, and a handle alone reads as a name."""
    return {i.value: f"{i.value} ({i.platform}: {i.stable_id})" for p in dossier.parties
            for i in p.identifiers if i.stable_id and i.platform and not i.redacted}


def checklist(dossier: Dossier) -> list[dict[str, object]]:
    ids = stable_ids(dossier)
    return [{"id": row.id, "title": _(TITLES.get(row.id, row.id)),
             "status": row.status, "status_label": _(STATUS_NAMES.get(row.status, row.status)),
             "by": ", ".join(row.items + tuple(ids.get(v, v) for v in row.identifiers))[:400]
             or row.reason,
             "howto": _(OBTAIN[row.id]) if row.status == "missing" and row.id in OBTAIN else ""}
            for row in dossier.checklist]


def _identifiers(found: Iterable[IdentifierView]) -> list[dict[str, object]]:
    return [{"kind": _(KIND_NAMES.get(i.kind, i.kind)),
             "value": breakable(i.value + (f" ({i.platform}: {i.stable_id})"
                                           if i.stable_id else "")),
             "status": named(IDENTIFIER_STATUS, i.status), "source": i.source}
            for i in found]


def parties(dossier: Dossier) -> list[dict[str, object]]:
    shown: list[dict[str, object]] = [{"name": p.name, "role": _(ROLE_NAMES.get(p.role, p.role)),
              "identifiers": _identifiers(p.identifiers)} for p in dossier.parties]
    if dossier.unlinked:  # confirmed on an item, but the victim did not say whose
        shown.append({"name": _("Confirmed identifiers not linked to a person"),
                      "role": _("whose is not known"),
                      "identifiers": _identifiers(dossier.unlinked)})
    return shown


def _stamp(text: str, language: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return local_text(moment, language, True) if moment.tzinfo else text


def custody(dossier: Dossier) -> dict[str, object]:
    entries, lang = dossier.custody, dossier.options.language
    problems = list(check_chain(entries))
    counts = Counter(e.action for e in entries).most_common()
    return {"chain": f"case-{dossier.case.id}", "entries": len(entries),
            "first": _stamp(entries[0].at, lang) if entries else "",
            "last": _stamp(entries[-1].at, lang) if entries else "",
            "head": entries[-1].hash if entries else "",
            "ok": not problems,
            "result": _("The chain was recomputed while this dossier was made: every entry "
                        "links to the one before and hashes correctly.") if not problems else
            _("The chain does NOT check out: {n} problems.").format(n=len(problems)),
            "actions": [[named(CUSTODY_ACTIONS, a), str(n)] for a, n in counts]}


def disclosure(dossier: Dossier, photos: int, gps: int) -> list[str]:
    lines = []
    if dossier.options.include_gps:
        lines.append(_("On request, the victim's photos are shown with their location "
                       "(GPS) data."))
    elif photos:
        lines.append(_("Previews of the victim's own photos are shown without their "
                       "metadata (location, device). {gps} of {n} photos had GPS "
                       "coordinates. Copies without that metadata are in the bundle's "
                       "disclosure/ folder; the complete originals, metadata included, are "
                       "in originals/.").format(gps=gps, n=photos))
    r = dossier.redactions
    if dossier.options.redact_third_parties:
        lines.append(_("Other people (not the victim or a suspect) are shown as 'third party "
                       "1', 'third party 2'…: {people} people, {values} identifier values. "
                       "Their data is complete in the bundle (originals, manifest.json), "
                       "which is therefore not attached to this PDF.")
                     .format(people=r.third_parties, values=r.identifiers))
    if dossier.options.left_out:
        lines.append(ngettext(
            "Left out at the user's request: {labels} ({count} item). It stays sealed in "
            "the vault, and the custody log in this dossier names it.",
            "Left out at the user's request: {labels} ({count} items). They stay sealed in "
            "the vault, and the custody log in this dossier names them.",
            len(dossier.options.left_out)).format(
                labels=", ".join(dossier.options.left_out), count=len(dossier.options.left_out)))
    lines.append(_("Session cookies and login tokens are removed from web archives (WACZ, "
                   "HAR) in the bundle; the capture record says what the browser received."))
    return lines


def _minutes(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds // 60}:{seconds % 60:02d}"


def _victim_phones(dossier: Dossier) -> str:
    return ", ".join(i.value for p in dossier.parties if p.role == "victim"
                     for i in p.identifiers if i.kind == "phone" and i.status == "confirmed")


def calls(dossier: Dossier) -> dict[str, object]:
    """The call list; a hidden number is shown with the victim's number that was called
    (what the operator needs to find the caller)."""
    lang, own = dossier.options.language, _victim_phones(dossier)
    hidden = (_("hidden number; the victim's number called: {numbers}").format(numbers=own)
              if own else _("hidden number; the victim's own number is not in the case"))
    rows = [{"when": instant_text(c.at, lang, _("time not known")), "ref": c.ref,
             "anchor": f"item-{c.item_label}" if c.item_label else None,
             "number": hidden if c.hidden and not c.shown else
             (f"{c.shown} · {hidden}" if c.hidden else c.shown),
             "role": named(ROLE_NAMES, c.role) if c.role else "",
             "direction": named(DIRECTIONS, c.direction) if c.direction else "—",
             "duration": _minutes(c.duration)} for c in dossier.calls]
    note = ""
    if dossier.call_total > len(dossier.calls):
        note = _("The first {shown} of {total} calls are listed; all are in the bundle.") \
            .format(shown=len(dossier.calls), total=dossier.call_total)
    return {"rows": rows, "note": note}


def annex(dossier: Dossier, paths: Placements) -> list[list[str]]:
    """The full SHA-256 of every file (the tables show the first 12 digits): the bundle's
    copy, and the sealed original's where the copy was changed for disclosure."""
    rows = []
    for view in dossier.items:
        for artifact in view.artifacts:
            placed = placed_of(paths, artifact)
            path = placed.path if placed is not None else artifact.name
            rows.append([view.item.label, path, placed.sha256 if placed else artifact.sha256])
            if changed_note(placed, artifact):
                rows.append([view.item.label, _("{path} (sealed original)").format(path=path),
                             artifact.sha256])
    return rows


def verify_steps(bundle_sha: str, stamps: list[TimestampCheck],
                 sums_stamps: list[BundleStamp]) -> list[dict[str, object]]:
    checks = [c for c in (s.check() for s in sums_stamps) if c is not None]
    return [{"title": s.title, "text": s.text, "commands": list(s.commands)}
            for s in steps(bundle_sha, stamps, checks)]


def build(dossier: Dossier, bundle_sha: str, previews: dict[int, Preview],
          paths: Placements, charts: list[str], stamps: list[TimestampCheck],
          photos: tuple[int, int],
          sums_stamps: list[BundleStamp] | None = None) -> dict[str, object]:
    sums_stamps = sums_stamps or []
    language = dossier.options.language
    return {
        "lang": dossier.options.language, "labels": fixed_labels(),
        "footer": f"{dossier.case.title} · {bundle_sha[:16]}…",
        "cover": cover(dossier, bundle_sha, cover_line(sums_stamps)),
        "statement": statement(dossier),
        "checklist": checklist(dossier), "parties": parties(dossier),
        "timeline": [event_row(v, TIMELINE_TEXT, dossier.options.language)
                     for v in dossier.marked],
        "glance": glance.glance(dossier, dossier.options.language),
        "calls": calls(dossier),
        "accounts": sheets(dossier),
        "annex": annex(dossier, paths),
        "charts": charts,
        "items": [item_json(v, previews.get(v.item.id or 0), paths, dossier.options)
                  for v in dossier.items],
        "custody": custody(dossier),
        "disclosure": disclosure(dossier, *photos),
        "verify": verify_steps(bundle_sha, stamps, sums_stamps),
        "sums_stamps": stamps_json(sums_stamps, language),
    }

