"""Typst in a child process: ``python -m spoorvast.dossier.render``.

Typst memoises every layout it computes in process-wide caches that the Python binding
never evicts: compiled in the app's own process, three 160-page dossiers left 1.4 GB
resident (the web app lives for hours). A child process gives that memory back to the
system when it exits.

The child is started when the dossier starts (:class:`spoorvast.dossier.pdf.Renderer`):
it loads Typst and its fonts (≈0.2 s here, more on a loaded machine) while the parent
gathers the case, then waits for one line on its standard input, ``{"scratch": …,
"timestamp": …}`` (JSON). It reads only that private scratch folder (``main.typ``,
``data.json``, previews) and writes the PDF to its standard output (the parent writes
the file, so a full disk is reported as for any other file); on failure it prints only
the kind of error (never evidence text) and exits with 3. When the parent closes the
pipe without a line (the dossier stopped before its PDF), the child exits with 0.
"""

from __future__ import annotations

import json
import sys
import warnings
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typst

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
FAILED = 3


def compiler() -> typst.Compiler:
    import typst

    return typst.Compiler(font_paths=[str(p) for p in FONT_DIRS if p.is_dir()])


def render(made: typst.Compiler, scratch: Path, timestamp: datetime | None) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs (emoji) print as boxes
        pdf = made.compile(str(scratch / "main.typ"), root=str(scratch),
                           pdf_standards=["a-3b"], pdf_tags=False, timestamp=timestamp)
    assert isinstance(pdf, bytes)
    return pdf


def request(line: str) -> tuple[Path, datetime | None]:
    asked = json.loads(line)
    stamp = asked.get("timestamp")
    return Path(asked["scratch"]), datetime.fromisoformat(stamp) if stamp else None


def main() -> int:
    try:
        made = compiler()
        line = sys.stdin.readline()
        if not line.strip():
            return 0
        pdf = render(made, *request(line))
    except Exception as exc:  # the boundary of the child: the kind only, no content
        print(type(exc).__name__, file=sys.stderr)
        return FAILED
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
