"""Item commands: add, items, show, export-original.

JSON keys (stable, documented in the README): ``item``, ``kind``, ``title``,
``acquired_at``, ``importer``, ``size``, ``sha256``, ``artifacts`` (each: ``role``,
``media_type``, ``size``, ``sha256``, ``name``), and for ``show`` also ``file``,
``media``, ``findings`` and ``custody``. ``state``: ``status`` (``current``,
``withdrawn`` with ``reason`` and ``at``, or ``superseded`` with ``superseded_by``) and,
for a correction, ``supersedes`` and ``correction_reason``.

``add`` then reads the text of the pictures it added (``cli/read_added.py``; with
``--json`` quietly, the JSON unchanged); ``--no-read`` or the vault setting
``ocr.after-add`` = "0" leaves them for ``ocr``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from spoorvast.cli import context, output, read_added
from spoorvast.cli.cmd_reread import ask_date_order
from spoorvast.cli.sections import section_for
from spoorvast.errors import UserError
from spoorvast.findings import render
from spoorvast.i18n import _, ngettext
from spoorvast.importers.email.dns_keys import key_option
from spoorvast.importers.registry import builtin_registry
from spoorvast.model.names import shown
from spoorvast.model.records import Artifact, ArtifactRole, Case, Item
from spoorvast.model.serialize import to_json
from spoorvast.services import added as added_service
from spoorvast.services import cases as case_service
from spoorvast.services import export as export_service
from spoorvast.services import withdrawals
from spoorvast.services.intake import AddResult, Intake, Status, expand
from spoorvast.services.reread import ORDERS
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault

CaseOption = Annotated[int | None, typer.Option("--case", help=_(
    "The case number (default: the current case)."))]
JsonOption = Annotated[bool, typer.Option("--json", help=_("Output JSON."))]


def register(app: typer.Typer) -> None:
    app.command("add", help=_("Seal files (or folders of files) as evidence in the current "
                              "case."))(add)
    app.command("items", help=_("List the items of the case."))(items)
    app.command("show", help=_("Everything about one item: metadata, stored files, "
                               "findings, custody."))(show)
    app.command("export-original", help=_("Write an item's original bytes to a folder."))(
        export_original)


class CliObserver:
    """Progress bar over bytes, and one line per finished input."""

    def __init__(self, progress: Progress, task: TaskID, quiet: bool) -> None:
        self.progress, self.task, self.quiet = progress, task, quiet
        self.results: list[AddResult] = []

    def started(self, path: Path, size: int) -> None:
        self.progress.update(self.task, description=escape(shown(path.name))[:40])

    def advanced(self, nbytes: int) -> None:
        self.progress.advance(self.task, nbytes)

    def finished(self, result: AddResult) -> None:
        self.results.append(result)
        if not self.quiet:  # stdout (Rich keeps the progress bar on stderr below it)
            output.line(_result_line(result))


def _result_line(result: AddResult) -> str:
    if result.status is Status.ADDED:
        return "{labels}  {kind:<8} {size:>9}  {sha}…  {name}".format(
            labels=", ".join(result.labels), kind=result.kind or "",
            size=output.human_size(result.size or 0), sha=(result.sha256 or "")[:12],
            name=shown(result.path.name))
    if result.status is Status.DUPLICATE:
        return _("{name}: already in this case as {label}; stored once.").format(
            name=shown(result.path.name), label=result.labels[0]) + (
            f" {result.message}" if result.message else "")
    return _("{name}: not added. {reason}").format(name=shown(result.path.name),
                                                    reason=result.message)


def add(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(
        help=_("Files or folders."), metavar="FILES", readable=False, exists=False)],
    case_id: CaseOption = None,
    as_json: JsonOption = False,
    date_order: Annotated[str | None, typer.Option(
        "--date-order", help=_("For chat exports whose dates are ambiguous: day-first, "
                               "month-first or year-first (default: decided from the "
                               "file)."))] = None,
    dkim_key: Annotated[list[str] | None, typer.Option(
        "--dkim-key", help=_("For e-mail: a DKIM key from elsewhere, as "
                             "selector._domainkey.domain=FILE (the TXT record or a PEM "
                             "public key); may be repeated."))] = None,
    dns: Annotated[bool, typer.Option(
        "--dns", help=_("For e-mail: look the DKIM and ARC keys up in DNS now (off by "
                        "default: the key's owner can see the look-up). The answers are "
                        "kept with the item."))] = False,
    no_read: Annotated[bool, typer.Option(
        "--no-read", help=_("Do not read the text of the pictures added now (they are "
                            "read later by 'spoorvast ocr')."))] = False,
) -> None:
    keys = dict(key_option(text) for text in dkim_key or [])
    if date_order is not None and date_order not in ORDERS:
        raise UserError(_("Unknown date order {order}; use day-first, month-first or "
                          "year-first.").format(order=date_order))
    files = list(expand(paths))
    total = sum(_size(p) for p in files)
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        observer = _run_add(vault, case, files, total, quiet=as_json,
                            date_order=ORDERS.get(date_order or ""), named=set(paths),
                            email=(keys, dns))
        added = [label for r in observer.results for label in r.labels[:1]
                 if r.status is Status.ADDED]
        if not as_json:
            report_findings(vault, case, added)
            ask_date_order(vault, case, added)
        if not no_read:
            read_added.after_add(vault, case, added, quiet=as_json)
    order = {path: index for index, path in reversed(list(enumerate(files)))}
    results = sorted(observer.results, key=lambda r: order.get(r.path, len(files)))
    if as_json:
        output.as_json([_result_json(r) for r in results])
    refused = [r for r in results if r.status is Status.REFUSED]
    if refused:
        raise typer.Exit(7)


def report_findings(vault: Vault, case: Case, labels: list[str]) -> None:
    """After ``add``: each new item's errors and warnings, so a cut, refused or partly
    read file is told at once and not only in ``show``."""
    for line in added_service.told(vault, case, labels):
        if line.more:
            output.line(ngettext("{label}: {count} more finding: spoorvast show {label}",
                                 "{label}: {count} more findings: spoorvast show {label}",
                                 line.more).format(label=line.label, count=line.more))
        else:
            output.line(line.text, style="red" if line.error else "yellow")


def _run_add(vault: Vault, case: object, files: list[Path], total: int,
             quiet: bool, date_order: str | None = None,
             named: set[Path] | None = None,
             email: tuple[dict[str, str], bool] = ({}, False)) -> CliObserver:
    columns = (TextColumn("{task.description:<40}"), BarColumn(), DownloadColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=output.stderr_console(), transient=True) as progress:
        observer = CliObserver(progress, progress.add_task("", total=total), quiet)
        with Intake(vault, case, builtin_registry(), observer,  # type: ignore[arg-type]
                    date_order=date_order, dkim_keys=email[0],
                    dns_lookups=email[1]) as intake:
            for path in files:
                intake.add(path, named=path in (named or ()))
    return observer


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0


def _result_json(result: AddResult) -> dict[str, object]:
    return {"path": shown(str(result.path)), "status": result.status.value,
            "items": list(result.labels), "sha256": result.sha256, "size": result.size,
            "kind": result.kind, "message": result.message or None}


def item_json(vault: Vault, item: Item,
              state: withdrawals.Standing | None = None) -> dict[str, object]:
    assert item.id is not None
    artifacts = vault.store.artifacts(item.id)
    original = next((a for a in artifacts if a.role is ArtifactRole.ORIGINAL), None)
    case = vault.store.case(item.case_id)
    assert case is not None
    state = state or withdrawals.standing(vault, case)
    return {
        "item": item.label, "kind": item.kind.value, "title": item.title,
        "acquired_at": {**item.acquired_at.to_json(), "local": item.acquired_at.isoformat()},
        "importer": item.importer,
        "size": original.size if original else None,
        "sha256": original.sha256 if original else None,
        "artifacts": [_artifact_json(a) for a in artifacts],
        "state": state_json(vault, item, state),
    }


def _artifact_json(artifact: Artifact) -> dict[str, object]:
    return {"role": artifact.role.value, "media_type": artifact.media_type,
            "size": artifact.size, "sha256": artifact.sha256, "name": artifact.name,
            "derived_from": artifact.derived_from}


_FRACTION = re.compile(r"\.\d+(?=[+-]\d\d:\d\d$|Z$)")


def _to_the_second(iso: str) -> str:
    """A time as the list shows it (to the second; ``show`` and ``--json`` keep the
    microseconds spoorvast's clock gave)."""
    return _FRACTION.sub("", iso)


def items(ctx: typer.Context, case_id: CaseOption = None, as_json: JsonOption = False,
          everything: Annotated[bool, typer.Option("--all", help=_(
              "Also the withdrawn items and the earlier versions of corrected ones, "
              "marked as such."))] = False) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        state = withdrawals.standing(vault, case)
        every = [item_json(vault, i, state) for i in vault.store.items(case.id or 0)]
    listed = every if everything else [r for r in every if _status(r) == "current"]
    if as_json:
        output.as_json(listed)
        return
    table = output.table(_("Item"), _("Kind"), _("Size"), _("SHA-256"), _("Acquired at"),
                         _("Title"))
    for row in listed:
        acquired = row["acquired_at"]
        assert isinstance(acquired, dict)
        size = row["size"]
        mark, why = _state_mark(row)
        table.add_row(str(row["item"]) + mark, str(row["kind"]),
                      output.human_size(size if isinstance(size, int) else 0),
                      str(row["sha256"] or "")[:12] + "…", _to_the_second(str(acquired["local"])),
                      escape(why + str(row["title"])))
    output.print_table(table, whole=(0, 3, 4))
    left_out = len(every) - len(listed)
    if left_out:
        output.info(ngettext("{n} withdrawn or corrected item not listed: "
                             "'spoorvast items --all' shows it.",
                             "{n} withdrawn or corrected items not listed: "
                             "'spoorvast items --all' shows them.", left_out).format(n=left_out))


def _status(row: dict[str, object]) -> str:
    state = row["state"]
    assert isinstance(state, dict)
    return str(state["status"])


def _state_mark(row: dict[str, object]) -> tuple[str, str]:
    """A mark after the label, and the reason before the title."""
    state = row["state"]
    assert isinstance(state, dict)
    if state["status"] == "withdrawn":
        return " " + _("withdrawn"), f"({state['reason']}) "
    if state["status"] == "superseded":
        return " → " + str(state["superseded_by"]), ""
    return "", ""


def state_json(vault: Vault, item: Item, state: withdrawals.Standing) -> dict[str, object]:
    """``status`` (current, withdrawn or superseded), and the reason and links."""
    item_id = item.id or 0
    data: dict[str, object] = {"status": "current"}
    withdrawal = state.withdrawn.get(item_id)
    if withdrawal is not None:
        data.update(status="withdrawn", reason=withdrawal.reason,
                    at=withdrawal.at.isoformat())
    if item_id in state.superseded_by:
        newer = vault.store.item_by_id(state.latest(item_id))
        data.update(status="superseded", superseded_by=newer.label if newer else None)
    correction = state.supersedes.get(item_id)
    if correction is not None:
        older = vault.store.item_by_id(correction.supersedes)
        data.update(supersedes=older.label if older else None,
                    correction_reason=correction.reason)
    return data


def show(ctx: typer.Context, label: Annotated[str, typer.Argument(help=_("E-0001 or 1."))],
         case_id: CaseOption = None, as_json: JsonOption = False) -> None:
    with context.open_vault(ctx, writable=False) as vault:
        case = case_service.current_case(vault, case_id)
        item = case_service.find_item(vault, case, label)
        section = section_for(item)  # first: its module registers the codes it shows
        data = _show_json(vault, item)
        extra, printer = section(vault, item) if section else (None, None)
    if as_json:
        output.as_json({**data, "analysis": extra} if section else data)
        return
    from spoorvast.cli.show_text import print_item

    print_item(data)
    if printer is not None:
        printer()


def _show_json(vault: Vault, item: Item) -> dict[str, object]:
    data = item_json(vault, item)
    findings = vault.store.findings(item.case_id, item.id)
    custody = vault.store.custody_for(case_chain(item.case_id), item.label)
    return {
        **data, "file": to_json(item.file), "media": to_json(item.media),
        "findings": [{"severity": f.severity.value, "code": f.code, "message": render(f),
                      "location": to_json(f.location)} for f in findings],
        "custody": [{"seq": e.seq, "at": e.at, "action": e.action, "hash": e.hash}
                    for e in custody],
    }


def export_original(
    ctx: typer.Context,
    label: Annotated[str, typer.Argument(help=_("E-0001 or 1."))],
    to: Annotated[Path, typer.Option("--to", help=_("The folder to write to."))],
    case_id: CaseOption = None,
) -> None:
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        item = case_service.find_item(vault, case, label)
        done = export_service.export_original(vault, case, item, to)
    for exported in done:
        output.line(_("{path}  SHA-256 {sha} (checked)").format(
            path=exported.path, sha=exported.artifact.sha256))
