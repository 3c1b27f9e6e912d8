"""E-mail commands: ``add-headers`` (pasted header text), and the ``show`` section.

``add-headers`` reads the text from a file or from standard input and hands it to
:mod:`spoorvast.services.email_headers` (sealed as given, labelled "copy, not original").
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from spoorvast.cli import context, output
from spoorvast.cli.email_show import print_analysis
from spoorvast.errors import UserError
from spoorvast.i18n import _
from spoorvast.model.records import Item
from spoorvast.services import cases as case_service
from spoorvast.services import email_headers

CaseOption = Annotated[int | None, typer.Option("--case", help=_(
    "The case number (default: the current case)."))]


def register(app: typer.Typer) -> None:
    app.command("add-headers", help=_("Add e-mail headers copied from a mail client (from "
                                      "a file, or pasted on standard input)."))(add_headers)


def add_headers(
    ctx: typer.Context,
    path: Annotated[Path | None, typer.Argument(
        help=_("A text file with the headers (default: standard input)."),
        metavar="FILE")] = None,
    case_id: CaseOption = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Output JSON."))] = False,
) -> None:
    data = _read(path)
    with context.open_vault(ctx) as vault:
        case = case_service.current_case(vault, case_id)
        assert case.id is not None
        item, existing = email_headers.add_pasted(vault, case, data)
    if as_json:
        output.as_json({"item": item.label, "status": "duplicate" if existing else "added"})
    elif existing:
        output.line(_("These headers are already in this case as {label}.").format(
            label=item.label))
    else:
        output.line(_("{label}: the headers were stored as typed (a copy, not the "
                      "original message).").format(label=item.label))


def _read(path: Path | None) -> bytes:
    try:
        data = path.read_bytes() if path is not None else sys.stdin.buffer.read()
    except OSError as exc:
        raise UserError(_("{path} cannot be read ({reason}).").format(
            path=path, reason=exc.strerror)) from exc
    if not data.strip():
        raise UserError(_("No header text was given: paste the headers, then press "
                          "Ctrl-D (or name a file)."))
    return data


def render(data: Any, item: Item) -> tuple[Any, Callable[[], None] | None]:
    """``show``: the stored analysis (JSON) and its printer in the reader's language."""
    return data, lambda: print_analysis(data)
