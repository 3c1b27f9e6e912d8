"""The e-Evidence sheets as the template reads them (see :mod:`preservation`)."""

from __future__ import annotations

from datetime import date, datetime

from spoorvast.dossier.model import Dossier
from spoorvast.dossier.pdf_text import breakable
from spoorvast.dossier.preservation import AccountSheet, Handle, Recipient, Source, Window
from spoorvast.dossier.when import day_text
from spoorvast.i18n import N_, _, ngettext

MAX_WINDOWS = 40
# the provider notes of data/platform_requests.json, so that the catalogs carry them
NOTES = (
    N_("named by Meta as the service provider and data controller for users in the "
       "European Region"),
    N_("named by TikTok for requests about users in the EEA and Switzerland"),
    N_("Google names one of the two as the user's service provider; which one is in "
       "Google's Terms of Service for that user"),
    N_("Snap's own page says non-U.S. agencies must use the MLAT or letters rogatory "
       "process; it reviews preservation requests meanwhile"),
    N_("Discord's page says it is headquartered in and stores its data in the United "
       "States, and asks non-U.S. agencies to use the MLAT or letters rogatory process"),
)


def utc_text(moment: datetime, language: str) -> str:
    return f"{day_text(moment.date(), language)}, {moment.strftime('%H:%M')} UTC"


def window_text(window: Window, language: str) -> str:
    start, end = window.start, window.end
    if start.date() == end.date():
        span = f"{day_text(start.date(), language)}, {start.strftime('%H:%M')}" + (
            f"–{end.strftime('%H:%M')}" if end != start else "") + " UTC"
    else:
        span = f"{utc_text(start, language)} – {utc_text(end, language)}"
    count = ngettext("{n} incident", "{n} incidents", window.count).format(n=window.count)
    return f"{span} ({count})"


def basis() -> list[str]:
    return [
        _("For each account of a suspect: what the platform needs to find it, the periods "
          "of the incidents in UTC, and where the platform takes requests from the police."),
        _("A European Preservation Order under Regulation (EU) 2023/1543 (e-Evidence, "
          "applicable since 18 August 2026) asks the service provider to keep this data "
          "while a production order is prepared. Your own issuing authority issues it; "
          "spoorvast does not send anything. The platform's own request process may "
          "also be used."),
        _("The entity and channel below are those the platform names on the page cited, "
          "read on the date given. Whether that entity is the establishment or legal "
          "representative the provider designated under Directive (EU) 2023/1544 was not "
          "checked: the central authority of your Member State has that list."),
    ]


def _handle_text(handle: Handle, language: str) -> str:
    if handle.item_label is None:
        return _("{handle} (given by the victim)").format(handle=handle.value)
    return _("{handle} (seen in {item}, acquired {when})").format(
        handle=handle.value, item=handle.item_label,
        when=utc_text(handle.seen, language) if handle.seen else "—")


def _recipient_rows(recipient: Recipient | None) -> list[list[str]]:
    unknown = _("not known (no source found)")
    if recipient is None:
        return [[_("Where to send the request"), unknown]]
    provider = recipient.provider or unknown
    note = _(recipient.provider_note) if recipient.provider_note else ""  # in dossier_sheets.po
    if note:
        provider += f" ({note})" if recipient.provider else f". {note}"
    return [[_("Entity named for EU requests"), provider],
            [_("Address"), recipient.address or unknown],
            [_("Request channel"), recipient.channel or unknown]]


def _source_line(source: Source, language: str) -> str:
    fields = {"provider": _("entity"), "address": _("address"), "channel": _("channel"),
              "note": _("note")}
    kind = _("the platform's own page") if source.kind == "official" else \
        _("a third party's page")
    read = day_text(date.fromisoformat(source.read), language)
    line = _("{fields}: {url} ({kind}, read on {date})").format(
        fields=", ".join(fields.get(f, f) for f in source.supports), url=source.url,
        kind=kind, date=read)
    if source.page_date:
        line += " · " + _("the page is dated {date}").format(
            date=day_text(date.fromisoformat(source.page_date), language))
    return breakable(line)


def _sources(recipient: Recipient | None, language: str) -> list[str]:
    if recipient is None or not recipient.sources:
        return [_("No page about this platform's requests was found; nothing is given.")]
    return [_source_line(s, language) for s in recipient.sources]


def sheet(account: AccountSheet, language: str) -> dict[str, object]:
    unknown = _("not known")
    rows = [[_("Suspect"), account.person], [_("Platform"), account.platform],
            [_("Stable ID"), account.stable_id or unknown],
            [_("Handles seen"), "\n".join(_handle_text(h, language) for h in account.handles)
             or unknown],
            [_("URLs"), breakable("\n".join(account.urls)) or unknown]]
    what = (_("Periods of the marked incidents (UTC)")
            if account.marked or not account.windows else
            _("Periods of all messages from this account (UTC); none is marked"))
    shown = [window_text(w, language) for w in account.windows[:MAX_WINDOWS]]
    if len(account.windows) > MAX_WINDOWS:
        shown.append(_("… and {n} more periods, listed in the timeline").format(
            n=len(account.windows) - MAX_WINDOWS))
    if account.windows:
        whole = _("From {start} to {end}").format(
            start=utc_text(account.windows[0].start, language),
            end=utc_text(account.windows[-1].end, language))
        rows.append([_("Whole period (UTC)"), whole])
    return {"heading": f"{account.person} · {account.platform}"
            + (f" · {account.stable_id}" if account.stable_id else ""),
            "rows": rows, "windows_title": what,
            "windows": shown or [_("no incident from this account in the evidence")],
            "send": _recipient_rows(account.recipient),
            "sources": _sources(account.recipient, language)}


def sheets(dossier: Dossier) -> dict[str, object]:
    language = dossier.options.language
    return {"title": _("e-Evidence: preserving the suspects' accounts"),
            "send_title": _("Where to send the request"),
            "sources_title": _("Sources of these details"),
            "basis": basis() if dossier.accounts else [],
            "sheets": [sheet(a, language) for a in dossier.accounts]}
