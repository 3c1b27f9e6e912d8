"""Page 1: the case at a glance, built only from what the vault holds.

Who complains, who is suspected (with the identifiers the victim confirmed), the period,
what the suspects sent through which channel, how many events are marked (and how many
of them a suspect sent), what the
victim was made to do (amounts summed per currency), earlier reports, and a short
account in plain sentences. Counts are the suspects' own messages, calls and e-mails,
attributed through confirmed identifiers only; the text says so.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal

from spoorvast.dossier.labels import ITEM_KINDS, KIND_NAMES, named
from spoorvast.dossier.model import Dossier, NoteView, PartyView
from spoorvast.dossier.pdf_text import short
from spoorvast.dossier.when import day_text, instant_text, local_text
from spoorvast.i18n import _, ngettext

REPORT_KINDS = ("police-report", "platform-report", "helpline-report")
ACTION_TEXT = 160
OWN_WORDS = 600


def counted(what: str, n: int) -> str:
    if what == "call":
        return ngettext("{n} call", "{n} calls", n).format(n=n)
    if what == "email":
        return ngettext("{n} e-mail", "{n} e-mails", n).format(n=n)
    return ngettext("{n} message", "{n} messages", n).format(n=n)


def suspects(dossier: Dossier) -> list[PartyView]:
    return [p for p in dossier.parties if p.role == "suspect"]


def suspect_line(party: PartyView) -> str:
    strong = [f"{named(KIND_NAMES, i.kind)} {i.value}"
              + (f" ({i.platform}: {i.stable_id})" if i.stable_id else "")
              for i in party.identifiers if i.status == "confirmed"]
    if not strong:
        return _("{name} (no confirmed identifier)").format(name=party.name)
    return f"{party.name}: " + ", ".join(strong)


def period(dossier: Dossier) -> tuple[datetime, datetime] | None:
    """From the first to the last event that is marked or is a contact by a suspect."""
    moments = [v.event.instant.local for v in dossier.marked if v.event.instant is not None]
    found = dossier.patterns
    if found is not None and found.first is not None and found.last is not None:
        moments += [found.first, found.last]
    return (min(moments), max(moments)) if moments else None


def period_text(dossier: Dossier, language: str) -> str:
    span = period(dossier)
    if span is None:
        return "—"
    return f"{local_text(span[0], language)} – {local_text(span[1], language)}"


def channel_lines(dossier: Dossier) -> list[str]:
    return [_("{label} ({kind} “{title}”): {count}").format(
        label=c.item_label, kind=named(ITEM_KINDS, c.item_kind), title=short(c.title, 60),
        count=counted(c.what, c.count)) for c in dossier.channels]


def amount_totals(notes: list[NoteView], language: str) -> list[str]:
    """Amounts of the requested-action notes, summed per currency; an amount that is not
    a number is not summed but shown as written."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    unread = []
    for note in notes:
        if note.kind != "requested-action" or not note.amount:
            continue
        try:
            value = Decimal(note.amount.replace(" ", "").replace(",", "."))
        except InvalidOperation:
            unread.append(f"{note.amount} {note.currency or ''}".strip())
            continue
        if value.is_finite():
            sums[(note.currency or "").upper()] += value
        else:
            unread.append(note.amount)
    return [_money(v, c, language) for c, v in sorted(sums.items())] + unread


def _money(value: Decimal, currency: str, language: str) -> str:
    if len(currency) == 3 and currency.isalpha():
        return format_currency(value, currency, locale=language)
    number = format_decimal(value, locale=language)
    return f"{number} {currency}".strip()


def actions_text(dossier: Dossier, language: str) -> str:
    actions = [n for n in dossier.notes if n.kind == "requested-action"]
    if not actions:
        return "—"
    parts = [f"{instant_text(n.at, language, '')}: {short(n.text, ACTION_TEXT)}".lstrip(": ")
             for n in actions]
    totals = amount_totals(actions, language)
    if totals:
        parts.append(_("in total {amounts}").format(amounts=", ".join(totals)))
    return "; ".join(parts)


def reports_text(dossier: Dossier, language: str) -> str:
    reports = [n for n in dossier.notes if n.kind in REPORT_KINDS]
    lines = []
    for n in reports:
        where = ", ".join(x for x in (n.authority, day_text(n.at.local.date(), language)
                                      if n.at else None) if x)
        lines.append(f"{n.reference or n.label}" + (f" ({where})" if where else ""))
    return "; ".join(lines) or "—"


def rows(dossier: Dossier, language: str) -> list[list[str]]:
    found = [[_("Complainant"), dossier.complainant or "—"]]
    for party in suspects(dossier):
        found.append([_("Suspect"), suspect_line(party)])
    if not suspects(dossier):
        found.append([_("Suspect"), _("not named")])
    found += [
        [_("Period (first to last event)"), period_text(dossier, language)],
        [_("Events marked in the evidence"), marked_text(dossier)],
        [_("What the suspect sent, per channel"), "\n".join(channel_lines(dossier)) or
         _("nothing attributed to a suspect through a confirmed identifier")],
        [_("What the victim was made to do"), actions_text(dossier, language)],
        [_("Earlier reports"), reports_text(dossier, language)],
    ]
    return found


def by_suspect(dossier: Dossier) -> int:
    """Marked events whose sender is a suspect (through a confirmed identifier): the
    victim also marks their own messages and other people's."""
    return sum(1 for v in dossier.marked if v.party_role == "suspect")


def marked_text(dossier: Dossier) -> str:
    return _("{n} (sent by a suspect: {suspect})").format(n=len(dossier.marked),
                                                           suspect=by_suspect(dossier))


def account(dossier: Dossier, language: str) -> list[str]:
    """A few plain sentences built from the data, then the victim's own words."""
    names = ", ".join(p.name for p in suspects(dossier))
    found = dossier.patterns
    text = [_("{victim} reports repeated unwanted contact by {suspects}.").format(
        victim=dossier.complainant or "—", suspects=names or _("an unknown person"))]
    if found is not None and found.total and found.first and found.last:
        kinds: dict[str, int] = defaultdict(int)
        for counter in found.per_day.values():
            for what, n in counter.items():
                kinds[what] += n
        text.append(_("Between {first} and {last} the suspect sent {what}, on {days} "
                      "different days.").format(
            first=day_text(found.first.date(), language),
            last=day_text(found.last.date(), language),
            what=", ".join(counted(w, n) for w, n in sorted(kinds.items())),
            days=len(found.per_day)))
    if dossier.marked:
        text.append(marked_sentence(dossier))
    totals = amount_totals(dossier.notes, language)
    if totals:
        text.append(_("At the suspect's request the victim paid or transferred {amounts}.")
                    .format(amounts=", ".join(totals)))
    own = [dossier.case.description or ""] + [n.text for n in dossier.notes
                                              if n.kind == "observation"]
    words = " ".join(x.strip() for x in own if x and x.strip())
    if words:
        text.append(_("In the victim's own words: “{words}”").format(
            words=short(words, OWN_WORDS)))
    return text


def marked_sentence(dossier: Dossier) -> str:
    """How many events are marked, and how many of them the suspect sent: a marked
    event is one the victim chose, not necessarily an act of the suspect."""
    n, suspect = len(dossier.marked), by_suspect(dossier)
    text = ngettext("{n} event is marked in the evidence and listed in the timeline.",
                    "{n} events are marked in the evidence and listed in the timeline.",
                    n).format(n=n)
    if suspect == n:
        return text
    return text + " " + ngettext(
        "Of these, {n} was sent by a suspect (recognised by a confirmed identifier).",
        "Of these, {n} were sent by a suspect (recognised by a confirmed identifier).",
        suspect).format(n=suspect)


def pattern_lines(dossier: Dossier, language: str) -> list[str]:
    found = dossier.patterns
    lines = [_("Counted here: only the messages, calls and e-mails the suspect sent, "
               "recognised by a confirmed identifier of the suspect. The victim's own "
               "messages, other people's messages and automatic lines (\"joined\", "
               "\"encrypted\") are not counted.")]
    if found is None or not found.total or found.first is None or found.last is None:
        lines.append(_("No contact by the suspect was found in this case."))
        return lines
    streak, since = found.longest_streak()
    lines.append(_("{n} contacts by the suspect between {first} and {last}.").format(
        n=found.total, first=local_text(found.first, language),
        last=local_text(found.last, language)))
    lines.append(_("Contact on {days} different days; longest run: {streak} days in a row "
                   "(from {since}).").format(days=len(found.per_day), streak=streak,
                                             since=day_text(since, language) if since
                                             else "—"))
    return lines


def glance(dossier: Dossier, language: str) -> dict[str, object]:
    return {"rows": rows(dossier, language), "account": account(dossier, language)}
