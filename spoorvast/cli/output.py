"""Where the CLI writes: results to stdout, progress and errors to stderr (Rich)."""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.markup import escape

from spoorvast.units import human_size as human_size  # used as output.human_size


def _stdout() -> Console:
    return Console(file=sys.stdout, highlight=False, soft_wrap=True)


def _stderr() -> Console:
    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def stdout_console() -> Console:
    return _stdout()


def stderr_console() -> Console:
    return _stderr()


def line(text: str = "", style: str | None = None) -> None:
    _stdout().print(escape(text), style=style)


def info(text: str) -> None:
    _stderr().print(escape(text))


def error(text: str) -> None:
    _stderr().print(escape(text), style="bold red")


def as_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


