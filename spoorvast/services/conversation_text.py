"""A conversation's summary in words, in the reader's language: rows of label, value and
how much attention it needs, and the participants' cells. The CLI prints them (Rich), the
web shows them; evidence values (names, numbers) stay plain text for both."""

from __future__ import annotations

from spoorvast.i18n import N_, _, ngettext
from spoorvast.services.conversation import Accounting, ChatSummary, KindCount, Moment, Speaker
from spoorvast.services.conversation_facts import Facts

WARN = "warn"  # worth a look
STOP = "stop"  # the import stopped: part of the file is in the original only
Row = tuple[str, str, str | None]  # label, value, attention (None, WARN or STOP)

ORDERS = {"day/month/year": N_("day/month/year"), "month/day/year": N_("month/day/year"),
          "year-month-day": N_("year-month-day")}
MEDIA = {"with media": N_("with media"), "without media": N_("without media")}


def rows(summary: ChatSummary) -> list[Row]:
    rows: list[Row] = [(_("Events"), _events(summary.events, summary.kinds), None)]
    if summary.time_range is not None:
        rows.append((_("First event"), _moment(summary.time_range.first), None))
        rows.append((_("Last event"), _moment(summary.time_range.last), None))
        undated = summary.time_range.undated
        if undated:
            rows.append((_("Without a time"), ngettext(
                "{count} event has no time", "{count} events have no time", undated)
                .format(count=undated), WARN))
    if summary.accounting is not None:
        rows.append(_accounting(summary.accounting))
    return rows + _fact_rows(summary.facts)


def _events(total: int, kinds: tuple[KindCount, ...]) -> str:
    parts = [_kind_count(k.kind, k.count).format(count=k.count) for k in kinds]
    return f"{total}" + (f" ({', '.join(parts)})" if parts else "")


def _kind_count(kind: str, n: int) -> str:
    if kind == "message":
        return ngettext("{count} message", "{count} messages", n)
    if kind == "call":
        return ngettext("{count} call", "{count} calls", n)
    if kind == "system":
        return ngettext("{count} system line", "{count} system lines", n)
    return ngettext("{count} other event", "{count} other events", n)


def _how(moment: Moment) -> str:
    if moment.offset_source == "assumed-zone":
        return _("zone {zone} assumed").format(zone=moment.zone or "?")
    how = {"explicit": _("offset in the source"), "epoch": _("from a UTC clock"),
           "user": _("typed by you"), "clock": _("spoorvast's clock")}
    return how.get(moment.offset_source, moment.offset_source)


def _moment(moment: Moment) -> str:
    return _("{local} (UTC{offset}, {how}), {ref}").format(
        local=moment.local, offset=moment.offset, how=_how(moment), ref=moment.ref)


def _accounting(a: Accounting) -> Row:
    text = _("read {read} = events {events} + continuation lines {continued} + not "
             "read {problems}").format(
        read=a.read, events=a.events, continued=a.continued, problems=a.problems)
    verdict = _("the accounting closes") if a.closes else _("the accounting does NOT close")
    text = f"{text}: {verdict}"
    if a.stored != a.events:
        text += "; " + _("{stored} events are stored, not {events}").format(
            stored=a.stored, events=a.events)
    ok = a.closes and a.stored == a.events
    return _("Import accounting"), text, None if ok else WARN


def _fact_rows(facts: Facts) -> list[Row]:
    rows: list[Row] = []
    if facts.date_order is not None:
        rows.append(_date_order(facts))
    if facts.time_zone is not None:
        rows.append(_zone(facts))
    if facts.truncated is not None:
        rows.append((_("Truncation"), _(
            "{count} messages, at WhatsApp's export limit of about {limit} ({media}): "
            "older messages may be missing").format(
            count=facts.truncated.count, limit=facts.truncated.limit,
            media=_(MEDIA.get(facts.truncated.media, facts.truncated.media))), WARN))
    rows.extend(_attachment_and_repair_rows(facts))
    return rows + _end_rows(facts)


def _date_order(facts: Facts) -> Row:
    order = facts.date_order
    assert order is not None
    shown = _(ORDERS[order.order]) if order.order in ORDERS else order.order
    if order.ambiguous:
        return (_("Date order"), _("{order}, assumed: no date in the export tells day/month "
                                   "from month/day").format(order=shown), WARN)
    return _("Date order"), f"{shown} ({order.rule})" if order.rule else shown, None


def _zone(facts: Facts) -> Row:
    zone = facts.time_zone
    assert zone is not None
    if zone.events is None:
        text = _("local times read in {zone}: assumed, not in the export").format(
            zone=zone.zone)
    else:
        text = ngettext("{count} local time read in {zone}: assumed, not in the export",
                        "{count} local times read in {zone}: assumed, not in the export",
                        zone.events).format(count=zone.events, zone=zone.zone)
    return _("Time zone"), text, None


def _attachment_and_repair_rows(facts: Facts) -> list[Row]:
    rows: list[Row] = []
    a = facts.attachments
    if a.missing or a.refused or a.unreferenced or a.undecodable:
        rows.append((_("Attachments"), _(
            "{missing} missing from the export, {refused} not read, {unreferenced} named "
            "by no message, {undecodable} undecodable").format(
            missing=a.missing, refused=a.refused, unreferenced=a.unreferenced,
            undecodable=a.undecodable),
            WARN if a.missing or a.refused or a.undecodable else None))
    r = facts.repairs
    if r.total():
        rows.append((_("Encoding repairs"), _(
            "{not_utf8} places not in UTF-8, {mojibake} texts repaired (mojibake), "
            "{escapes} JSON escapes repaired, {surrogates} texts with invalid characters")
            .format(not_utf8=r.not_utf8, mojibake=r.mojibake, escapes=r.escapes,
                    surrogates=r.surrogates), None))
    return rows


def _end_rows(facts: Facts) -> list[Row]:
    rows: list[Row] = []
    if facts.own_messages_only:
        rows.append((_("One side only"), _("only the account holder's own messages: the "
                                           "other side is not in this export"), WARN))
    if facts.stopped is not None:
        rows.append((_("Import stopped"), _(
            "the {importer} reader stopped after {count} events ({error}); the rest of "
            "the file is in the sealed original only").format(
            importer=facts.stopped.importer, count=facts.stopped.after,
            error=facts.stopped.error), STOP))
    others = facts.other_count()
    if others:
        rows.append((_("Other findings"), ngettext(
            "{count} other finding, listed above", "{count} other findings, listed above",
            others).format(count=others), None))
    return rows


def shown(speaker: Speaker) -> str:
    if speaker.key is None:
        return _("(no sender recorded: own messages, system lines, hidden numbers)")
    return speaker.shown


def kind(speaker: Speaker) -> str:
    labels = {"phone": _("phone number"), "account": _("account"),
              "email": _("e-mail address"), "name": _("name only (weak identity)"),
              "url": _("web address"), "ip": _("IP address")}
    return labels.get(speaker.kind or "", speaker.kind or "")


def party(speaker: Speaker) -> str:
    if speaker.party is None:
        return ""
    roles = {"victim": _("victim"), "suspect": _("suspect"), "witness": _("witness"),
             "other": _("other")}
    role = roles.get(speaker.role or "", speaker.role or "")
    return f"{speaker.party} ({role})" if role else speaker.party
