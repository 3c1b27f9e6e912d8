"""Typst in a child process: ``python -m spoorvast.dossier.render SCRATCH [STAMP]``.

Typst memoises every layout it computes in process-wide caches that the Python binding
never evicts: compiled in the app's own process, three 160-page dossiers left 1.4 GB
resident (the web app lives for hours). A child process gives that memory back to the
system when it exits and costs about 0.2 s. The child reads only the private scratch
folder (``main.typ``, ``data.json``, previews) and writes the PDF to its standard
output (the parent writes the file, so a full disk is reported as for any other file);
on failure it prints only the kind of error (never evidence text) and exits with 3.
"""

from __future__ import annotations

import sys
import warnings
from datetime import datetime
from pathlib import Path

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
FAILED = 3


def render(scratch: Path, timestamp: datetime | None) -> bytes:
    import typst

    fonts = [str(p) for p in FONT_DIRS if p.is_dir()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs (emoji) print as boxes
        pdf = typst.compile(str(scratch / "main.typ"), root=str(scratch), font_paths=fonts,
                            pdf_standards=["a-3b"], pdf_tags=False,
                            timestamp=timestamp)
    assert isinstance(pdf, bytes)
    return pdf


def main(argv: list[str]) -> int:
    stamp = datetime.fromisoformat(argv[2]) if len(argv) > 2 else None
    try:
        pdf = render(Path(argv[1]), stamp)
    except Exception as exc:  # the boundary of the child: the kind only, no content
        print(type(exc).__name__, file=sys.stderr)
        return FAILED
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
