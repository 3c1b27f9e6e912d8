"""Where the CLI writes: results to stdout, progress and errors to stderr (Rich)."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from spoorvast.model.names import printable
from spoorvast.units import human_size as human_size  # used as output.human_size


def _stdout() -> Console:
    return Console(file=sys.stdout, highlight=False, soft_wrap=True)


def _stderr() -> Console:
    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def table(*headers: str, **options: Any) -> Table:
    """A Rich table whose cells fold a long value onto the next lines instead of cutting
    it with an ellipsis: a reference, a time or a phone number in a narrow terminal (or
    piped, 80 columns) is shown whole, over two lines if need be."""
    return Table(*(Column(header, overflow="fold") for header in headers), **options)


def facts(**options: Any) -> Table:
    """A two-column table of labels and values, no header, no box; a long value (a full
    SHA-256, a path) folds onto the next line rather than being cut."""
    return Table(Column(), Column(overflow="fold"), show_header=False, box=None, **options)


def print_table(table: Table, whole: tuple[int, ...] = ()) -> None:
    """Print ``table`` to stdout; the columns in ``whole`` (references, times, phone
    numbers: what a user copies or reads out) keep each value on one line, as wide as
    their longest value, and the other columns fold to make room."""
    for index in whole:
        column = table.columns[index]
        column.no_wrap = True
        column.min_width = max((cell_len(str(cell)) for cell in column.cells), default=0)
    _stdout().print(table)


def stdout_console() -> Console:
    return _stdout()


def stderr_console() -> Console:
    return _stderr()


def line(text: str = "", style: str | None = None) -> None:
    _stdout().print(escape(printable(text)), style=style)


def info(text: str) -> None:
    _stderr().print(escape(printable(text)))


def error(text: str) -> None:
    _stderr().print(escape(printable(text)), style="bold red")


def as_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


