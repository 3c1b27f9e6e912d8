"""Gather one case from the vault into a :class:`Dossier` (already in the dossier
language, already redacted where asked). Reads only; touches no file."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from spoorvast import __version__
from spoorvast.analysis.phones import zone_country
from spoorvast.capture.strip import CAPTURE_IMPORTER
from spoorvast.dossier.calls import gather_calls
from spoorvast.dossier.disclosure import gps_coordinates
from spoorvast.dossier.emails import EmailView, email_view, hop_section
from spoorvast.dossier.model import (
    ChannelCount,
    ChecklistRow,
    Dossier,
    DossierOptions,
    EventView,
    IdentifierView,
    InfoSection,
    ItemView,
    NoteView,
    PartyView,
    Redactions,
)
from spoorvast.dossier.ocr_text import ocr_sections
from spoorvast.dossier.preservation import sheets
from spoorvast.dossier.redact import Redactor
from spoorvast.dossier.sections import item_sections
from spoorvast.findings import render
from spoorvast.i18n import _, ngettext
from spoorvast.model import instant
from spoorvast.model.conversation import EventHit, EventQuery
from spoorvast.model.instant import zone
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    Event,
    Identifier,
    IdentifierStatus,
    Item,
    ItemKind,
    Party,
    PartyRole,
)
from spoorvast.model.secrets import strip_urls_in_text
from spoorvast.services import checklist, identifier_corrections, patterns, withdrawals
from spoorvast.services.email_report import email_report
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault

PAGE = 5000
CONTEXT = 2  # messages shown before and after each marked one
LOAD_WHOLE_ITEM = 50_000
MAX_PHOTO = 64 << 20  # up to this many events, an item's events are read at once

Tick = Callable[[str], None]


def gather(vault: Vault, case: Case, options: DossierOptions, tick: Tick) -> Dossier:
    cid = case.id or 0
    parties = {p.id or 0: p for p in vault.store.parties(cid)}
    identifiers = withdrawals.listed_identifiers(vault, case)
    redactor = Redactor(options.redact_third_parties, parties, identifiers,
                        region=zone_country(case.time_zone))
    redactor.prime(a.actor for a in vault.store.actor_counts(cid))
    dossier = Dossier(case, options, options.generated_at or instant.now(case.time_zone),
                      __version__, _complainant(parties.values()))
    all_items = {i.id or 0: i for i in vault.store.items(cid)}
    labels = {item_id: i.label for item_id, i in all_items.items()}
    corrected = {c.new: c.reason for c in identifier_corrections.corrections(vault, case)}
    dossier.parties = _parties(parties.values(), identifiers, redactor, labels, corrected)
    dossier.unlinked = [_ident_view(i, redactor, labels, corrected) for i in identifiers
                        if i.party_id is None and i.status is IdentifierStatus.CONFIRMED]
    tick("parties")
    dossier.marked = [_event_view(h.event, str(h.ref), labels, redactor)
                      for h in _marked(vault, cid)]
    tick("events")
    dossier.accounts = sheets(vault, cid, parties.values(), identifiers, all_items,
                              dossier.marked)
    dossier.items = _items(vault, case, options, redactor, tick, _suspect_mail(dossier))
    dossier.notes = [v.note for v in dossier.items if v.note is not None]
    dossier.checklist = [ChecklistRow(e.id, e.status.value, e.items, e.identifiers, e.reason)
                         for e in checklist.compute(vault, case)]
    dossier.custody = vault.store.custody(case_chain(cid))
    dossier.calls, dossier.call_total = gather_calls(vault, cid, labels, redactor)
    _contacts(vault, case, dossier)
    tick("checklist")
    dossier.redactions = Redactions(third_parties=redactor.people,
                                    identifiers=redactor.replaced_identifiers)
    return dossier


def _contacts(vault: Vault, case: Case, dossier: Dossier) -> None:
    """What the suspects sent: their messages and e-mails (by actor key) and the calls
    that came from their numbers (an outgoing call is the victim's)."""
    suspects, suspect_mail = patterns.suspect_actors(vault, case), _suspect_mail(dossier)
    tz = zone(case.time_zone)
    found = patterns.compute(vault, case, suspects, skip=("call",))
    counts = patterns.per_item(vault, case, suspects, skip=("call",))
    by_label = {i.label: i for i in vault.store.items(case.id or 0)}
    for view in dossier.items:  # an e-mail event names no actor: its From does
        item_id = view.item.id or 0
        if view.sender in suspect_mail and not counts[(item_id, "email")]:
            for event in vault.store.events(case.id or 0, item_id):
                if event.kind == "email" and event.instant is not None:
                    found.add(event.instant.utc.astimezone(tz), "email")
                    counts[(item_id, "email")] += 1
    for call in dossier.calls:
        if call.incoming and call.actor_key in suspects and call.at is not None:
            found.add(call.at.utc.astimezone(tz), "call")
            item = by_label.get(call.item_label or "")
            counts[(item.id or 0 if item else 0, "call")] += 1
    dossier.patterns = found
    items = {i.id or 0: i for i in by_label.values()}
    for (item_id, what), count in sorted(counts.items()):
        item = items.get(item_id)
        if item is not None:
            dossier.channels.append(ChannelCount(item.label, item.kind.value, item.title,
                                                 what, count))


def _complainant(parties: Iterable[Party]) -> str:
    return ", ".join(p.name for p in parties if p.role is PartyRole.VICTIM)


def _source(identifier: Identifier, labels: dict[int, str]) -> str:
    if identifier.item_id is None:
        return _("typed by the user")
    where = labels.get(identifier.item_id, "?")
    loc = identifier.location
    if loc is not None and loc.line is not None:
        return _("{item}, line {line}").format(item=where, line=loc.line)
    if loc is not None and loc.field:
        return f"{where}, {loc.field}"
    return where


def _parties(parties: Iterable[Party], identifiers: list[Identifier], redactor: Redactor,
             labels: dict[int, str], corrected: dict[int, str]) -> list[PartyView]:
    by_party: dict[int | None, list[Identifier]] = defaultdict(list)
    for identifier in identifiers:
        by_party[identifier.party_id].append(identifier)
    order = {PartyRole.VICTIM: 1, PartyRole.SUSPECT: 0}
    views = []
    for party in sorted(parties, key=lambda p: (order.get(p.role, 2), p.id or 0)):
        idents = tuple(_ident_view(i, redactor, labels, corrected)
                       for i in by_party.get(party.id, []))
        views.append(PartyView(party.id or 0, party.role.value, redactor.party_name(party),
                               idents, redactor.enabled and party.role not in
                               (PartyRole.VICTIM, PartyRole.SUSPECT)))
    return views


def _ident_view(identifier: Identifier, redactor: Redactor, labels: dict[int, str],
                corrected: dict[int, str]) -> IdentifierView:
    source = _source(identifier, labels)
    if (identifier.id or 0) in corrected:  # the dossier says an earlier version exists
        source = _("{source}; corrects an earlier value, which stays sealed in the custody "
                   "log (reason: {reason})").format(source=source,
                                                    reason=corrected[identifier.id or 0])
    return IdentifierView(identifier.kind.value, redactor.identifier_value(identifier),
                          identifier.status.value, identifier.platform,
                          None if redactor.is_third(identifier) else identifier.stable_id,
                          source, redactor.is_third(identifier))


def _marked(vault: Vault, case_id: int, item_id: int | None = None) -> Iterator[EventHit]:
    offset = 0
    items = (item_id,) if item_id is not None else None
    while True:
        hits = vault.store.search_events(EventQuery(case_id, item_ids=items, marked_only=True,
                                                    limit=PAGE, offset=offset))
        yield from hits
        if len(hits) < PAGE:
            return
        offset += PAGE


def _event_view(event: Event, ref: str, labels: dict[int, str],
                redactor: Redactor) -> EventView:
    actor, role = redactor.actor(event.actor, event.actor_identifier_id)
    return EventView(ref, event, labels.get(event.item_id or 0), actor,
                     role.value if role else None, redactor.text(event.text))


def _suspect_mail(dossier: Dossier) -> dict[str, str]:
    """Confirmed e-mail address (lower case) -> the suspect's name."""
    return {i.value.lower(): p.name for p in dossier.parties if p.role == "suspect"
            for i in p.identifiers if i.kind == "email" and i.status == "confirmed"}


def _items(vault: Vault, case: Case, options: DossierOptions, redactor: Redactor,
           tick: Tick, suspect_mail: dict[str, str]) -> list[ItemView]:
    cid = case.id or 0
    findings = defaultdict(list)
    for finding in vault.store.findings(cid):
        findings[finding.item_id].append(render(finding))
    views = []
    state = withdrawals.standing(vault, case)  # withdrawn and superseded items stay out
    readings = _corrected_readings(vault, cid)
    for item in withdrawals.current_items(vault, case):
        notices = (tuple(findings.get(item.id, [])) + _earlier(vault, state, item)
                   + readings.get(item.id or 0, ()))
        views.append(_item_view(vault, item, options, redactor, notices, suspect_mail))
        tick("item")
    return views


def _earlier(vault: Vault, state: withdrawals.Standing, item: Item) -> tuple[str, ...]:
    """For a corrected note or call record: that an earlier version exists."""
    correction = state.supersedes.get(item.id or 0)
    if correction is None:
        return ()
    older = vault.store.item_by_id(correction.supersedes)
    return (_("This is a corrected version: an earlier version ({label}) exists, sealed "
              "in the vault and in the custody log. Reason: {reason}").format(
                  label=older.label if older else "?", reason=correction.reason),)


def _corrected_readings(vault: Vault, case_id: int) -> dict[int, tuple[str, ...]]:
    """For a picture whose confirmed text or observation time was corrected: that earlier
    readings exist. Only the corrected events are looked up (by id), never the case's
    events; a correction corrected again counts once (by its latest version)."""
    fixes = vault.store.event_corrections(case_id)
    if not fixes:
        return {}
    superseded = set(vault.store.superseded_event_ids(case_id))
    texts: dict[int, list[str]] = defaultdict(list)
    times: dict[int, list[str]] = defaultdict(list)
    for fix in fixes:
        event = None if fix.event_id in superseded else vault.store.event_by_id(fix.event_id)
        if event is not None and event.item_id is not None:
            timed = dict(event.details).get("proposal") == "t"
            (times if timed else texts)[event.item_id].append(fix.reason)
    return {item_id: _reading_notices(texts.get(item_id, []), times.get(item_id, []))
            for item_id in {*texts, *times}}


def _reading_notices(texts: list[str], times: list[str]) -> tuple[str, ...]:
    said = []
    if texts:
        said.append(ngettext(
            "{count} text read from this picture was corrected; the earlier reading stays "
            "sealed in the vault and in the custody log. Reason: {reasons}",
            "{count} texts read from this picture were corrected; the earlier readings "
            "stay sealed in the vault and in the custody log. Reasons: {reasons}",
            len(texts)).format(count=len(texts), reasons="; ".join(texts)))
    if times:
        said.append(_(
            "The observation time read from this picture was corrected; the earlier "
            "reading stays sealed in the vault and in the custody log. Reason: {reasons}"
        ).format(reasons="; ".join(times)))
    return tuple(said)


def _item_view(vault: Vault, item: Item, options: DossierOptions, redactor: Redactor,
               findings: tuple[str, ...], suspect_mail: dict[str, str]) -> ItemView:
    artifacts = tuple(a for a in vault.store.artifacts(item.id or 0)
                      if a.role is not ArtifactRole.DOSSIER_PREVIEW)  # not evidence: the
    # PDF shows it; the bundle, the manifest and the PDF's file lists leave it out
    sections, note = item_sections(vault, item, artifacts, options.language)
    if redactor.enabled:  # a note or a capture record may name other people's numbers
        sections = tuple(_redacted(s, redactor) for s in sections)
        note = _redacted_note(note, redactor)
    if item.importer == CAPTURE_IMPORTER:  # captures made before secret URL values were
        # kept out of titles and findings: the dossier shows them without
        item = replace(item, title=strip_urls_in_text(item.title))
        findings = tuple(strip_urls_in_text(f) for f in findings)
    sender = None
    if item.kind is ItemKind.EMAIL:
        mail, route = _email(vault, item, artifacts, options.language, suspect_mail,
                             _shown_mail(vault, item.case_id) if redactor.enabled else None)
        sections = (_redacted(mail.section, redactor), *sections,
                    *(_redacted(r, redactor) for r in route))
        sender = mail.sender
    sections += tuple(_redacted(s, redactor) for s in ocr_sections(vault, artifacts))
    if options.include_gps and item.kind is ItemKind.IMAGE:
        sections += _gps_sections(vault, artifacts)
    total = vault.store.count_events(EventQuery(item.case_id, item_ids=(item.id or 0,)))
    marked = [h.event for h in _marked(vault, item.case_id, item.id)] if total else []
    runs = _runs(vault, item, marked, total, redactor) if total > 1 and marked else ()
    return ItemView(item, artifacts, findings, sections, runs, len(marked), total, note,
                    sender)


def _redacted_note(note: NoteView | None, redactor: Redactor) -> NoteView | None:
    if note is None:
        return None
    return replace(note, text=redactor.text(note.text),
                   to_account=redactor.text(note.to_account) if note.to_account else None)


def _shown_mail(vault: Vault, case_id: int) -> set[str]:
    """The e-mail addresses of the victim and the suspects (shown when redacting)."""
    roles = {p.id for p in vault.store.parties(case_id)
             if p.role in (PartyRole.VICTIM, PartyRole.SUSPECT)}
    return {i.value.lower() for i in vault.store.identifiers(case_id)
            if i.party_id in roles and i.kind.value == "email"}


def _redacted(section: InfoSection, redactor: Redactor) -> InfoSection:
    """Evidence text (an e-mail's addresses and body, text read from a picture) with
    third parties' identifier values replaced, as in messages, when redaction is on."""
    if not redactor.enabled:
        return section
    return InfoSection(section.title, tuple((k, redactor.text(v)) for k, v in section.rows),
                       tuple(redactor.text(x) for x in section.lines))


def _email(vault: Vault, item: Item, artifacts: tuple[Artifact, ...], language: str,
           suspect_mail: dict[str, str], shown: set[str] | None
           ) -> tuple[EmailView, tuple[InfoSection, ...]]:
    data = email_report(vault, item, artifacts)
    moment = next((e.instant for e in vault.store.events(item.case_id, item.id)
                   if e.kind == "email"), None)
    route = hop_section(data)
    return (email_view(vault, artifacts, data, moment, language, suspect_mail, shown),
            (route,) if route is not None else ())


def _gps_sections(vault: Vault, artifacts: tuple[Artifact, ...]) -> tuple[InfoSection, ...]:
    found = []
    for artifact in artifacts:
        if artifact.role is ArtifactRole.ORIGINAL and artifact.size <= MAX_PHOTO:
            where = gps_coordinates(vault.blobs.read_bytes(artifact.sha256))
            if where is not None:
                found.append(InfoSection(_("Location (GPS)"), (
                    (artifact.name, f"{where[0]:.6f}, {where[1]:.6f}"),)))
    return tuple(found)


def _runs(vault: Vault, item: Item, marked: list[Event], total: int,
          redactor: Redactor) -> tuple[tuple[EventView, ...], ...]:
    wanted = sorted({s for e in marked for s in range((e.seq or 0) - CONTEXT,
                                                      (e.seq or 0) + CONTEXT + 1) if s > 0})
    events = _events_by_seq(vault, item, wanted, total)
    labels = {item.id or 0: item.label}
    runs: list[list[EventView]] = []
    previous = None
    for seq in wanted:
        event = events.get(seq)
        if event is None:
            continue
        view = _event_view(event, f"{item.label}:m{seq}", labels, redactor)
        if previous is None or seq != previous + 1:
            runs.append([])
        runs[-1].append(view)
        previous = seq
    return tuple(tuple(r) for r in runs)


def _events_by_seq(vault: Vault, item: Item, wanted: list[int],
                   total: int) -> dict[int, Event]:
    if total <= LOAD_WHOLE_ITEM:
        chosen = set(wanted)
        return {e.seq or 0: e for e in vault.store.events(item.case_id, item.id)
                if e.seq in chosen}
    found = {}
    for seq in wanted:
        event = vault.store.event_by_ref(item.case_id, item.number, seq)
        if event is not None:
            found[seq] = event
    return found

