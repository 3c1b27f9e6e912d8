"""The human-readable form of a conversation's ``show`` section (Rich, reader's language),
and its next steps worded as commands.

Evidence values (names, numbers) are printed as plain text, never as Rich markup.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from spoorvast.cli import output
from spoorvast.i18n import _, ngettext
from spoorvast.model.serialize import to_json
from spoorvast.services import conversation_text as text
from spoorvast.services.conversation import ChatSummary, Hint, Speaker

STYLES = {text.WARN: "yellow", text.STOP: "bold red"}
WARN = STYLES[text.WARN]


def print_summary(summary: ChatSummary) -> None:
    console = output.stdout_console()
    console.print(Text(_("Conversation"), style="bold"))
    facts = output.facts()
    for label, value, attention in text.rows(summary):
        facts.add_row(Text(label), Text(value, style=STYLES.get(attention or "", "")))
    console.print(facts)
    _print_participants(summary)
    _next_steps(summary)


def summary_json(summary: ChatSummary) -> Any:
    """``show --json``: the summary, its next steps as commands (``{step, command}``)."""
    data = to_json(summary)
    data["next_steps"] = [{"step": h.step, "command": command(h)} for h in steps(summary)]
    return data


def steps(summary: ChatSummary) -> list[Hint]:
    """The next steps this CLI has a command for (``reread`` is a feature module)."""
    from spoorvast.cli.app import COMMAND_MODULES

    reread = "spoorvast.cli.cmd_reread" in COMMAND_MODULES
    return [h for h in summary.next_steps if h.step != "reread" or reread]


def command(hint: Hint) -> str:
    case = "" if hint.case is None else f" --case {hint.case}"
    if hint.step == "assign":
        return f'spoorvast participants {hint.item} --suspect "<name>"{case}'
    if hint.step == "search":
        return f'spoorvast search --item {hint.item} "<words>"{case}'
    if hint.step == "mark":
        return f"spoorvast mark {hint.value}{case}"
    return f"spoorvast reread {hint.item} --date-order {hint.value}{case}"


# -- participants and next steps ------------------------------------------------------


def _print_participants(summary: ChatSummary) -> None:
    """Those with events or a party; the identifiers only named in the texts (mentions,
    numbers, contact names) are counted, not listed: a big export names hundreds."""
    shown = [s for s in summary.participants if s.events or s.party]
    if shown:
        output.stdout_console().print(_participants(shown))
    quiet = len(summary.participants) - len(shown)
    if quiet:
        output.line(ngettext(
            "{count} more identifier without events of its own: spoorvast participants "
            "{item}", "{count} more identifiers without events of their own: spoorvast "
            "participants {item}", quiet).format(count=quiet, item=summary.item))


def _participants(speakers: list[Speaker]) -> Table:
    table = output.table(_("Participant"), _("Kind"), _("Messages and calls"),
                         _("Assigned to party"), title=_("Participants"))
    for s in speakers:
        table.add_row(Text(text.shown(s)), Text(text.kind(s), style=WARN if s.weak else ""),
                      Text(str(s.events)), Text(text.party(s)))
    return table


def _next_steps(summary: ChatSummary) -> None:
    listed = steps(summary)
    if not listed:
        return
    explain = {
        "assign": _("No participant is assigned to a party yet; assign the suspect (a "
                    "name or number from the table):"),
        "search": _("Search this conversation:"),
        "mark": _("Mark messages for the dossier:"),
        "reread": _("The day/month order was assumed; if a message's date is wrong "
                    "compared with the phone, read the export again the other way:"),
    }
    output.line(_("Next steps"), style="bold")
    for hint in listed:
        output.line(f"  {explain.get(hint.step, '')}")
        output.line(f"    {command(hint)}")
