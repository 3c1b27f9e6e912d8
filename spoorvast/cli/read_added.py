"""``spoorvast add`` then reads the text of the pictures it added, as the web app does
in the background (through :mod:`spoorvast.services.read_added`): with a progress bar,
one line per picture read. ``--no-read``, or the vault setting ``ocr.after-add`` set to
"0", leaves them for ``spoorvast ocr``. The add has succeeded either way: when nothing
can be read (Tesseract missing), it says so and what to install."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from spoorvast.cli import output
from spoorvast.cli.cmd_ocr import outcome_line
from spoorvast.errors import UserError
from spoorvast.i18n import _, ngettext
from spoorvast.model.records import Case, Item
from spoorvast.services import read_added
from spoorvast.services.ocr import OcrOutcome
from spoorvast.storage.vault import Vault


def after_add(vault: Vault, case: Case, labels: list[str], quiet: bool) -> None:
    if not labels or not read_added.enabled(vault):
        return
    try:
        outcomes = _read(vault, case, labels, quiet)
    except UserError as exc:  # no Tesseract here: the files are added all the same
        if not quiet:
            output.info(_("The pictures were added but not read: {reason}").format(
                reason=exc.message))
        return
    if quiet or not outcomes:
        return
    output.info(ngettext("Text read from {count} picture.", "Text read from {count} pictures.",
                         len(outcomes)).format(count=len(outcomes)))
    for outcome in outcomes:
        output.line(outcome_line(outcome))


def _read(vault: Vault, case: Case, labels: list[str], quiet: bool
          ) -> list[OcrOutcome]:
    if quiet:
        return read_added.read(vault, case, labels)
    columns = (TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=output.stderr_console(), transient=True) as bar:
        task = bar.add_task(_("Reading"), total=None)

        def advance(done: int, total: int, item: Item) -> None:
            bar.update(task, completed=done, total=total, description=item.label)

        return read_added.read(vault, case, labels, advance)
