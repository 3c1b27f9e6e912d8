"""How full each page of a PDF is: rendered small with ``pdftoppm`` (poppler), the
lowest row with ink above the footer, as a share of the page's writing area; and which
pages end a section (the next page opens a chapter of the PDF outline, or is the end).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

DPI = 24
TOP_MM, BOTTOM_MM = 18, 18  # the template's page margins; the footer sits below BOTTOM
INK = 200  # a grey level darker than this is ink


def fills(pdf: Path) -> list[float]:
    """Per page, the share (0-1) of the writing area down to the lowest ink."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", str(pdf),
                        str(Path(folder) / "p")], check=True, capture_output=True)
        return [_fill(page) for page in sorted(Path(folder).glob("p-*.pgm"),
                                               key=lambda p: int(p.stem.split("-")[1]))]


def _fill(path: Path) -> float:
    with Image.open(path) as image:
        width, height = image.size
        top = round(TOP_MM / 25.4 * DPI)
        bottom = height - round(BOTTOM_MM / 25.4 * DPI)
        pixels = image.load()
        assert pixels is not None
        lowest = top
        for y in range(top, bottom):
            if any(int(pixels[x, y]) < INK for x in range(width)):  # type: ignore[arg-type]
                lowest = y
    return (lowest - top) / max(1, bottom - top)


def section_ends(pdf: Path) -> set[int]:
    """0-based pages that end a section: the page before a top-level outline entry's
    page, and the last page."""
    reader = PdfReader(pdf)
    starts = set()
    for entry in reader.outline:
        if not isinstance(entry, list):
            starts.add(reader.get_destination_page_number(entry))
    ends = {page - 1 for page in starts if page > 0}
    ends.add(len(reader.pages) - 1)
    return ends


def sparse_pages(pdf: Path, least: float = 1 / 3) -> list[tuple[int, float]]:
    """(1-based page, fill) of each page less than ``least`` full that ends no section."""
    ends = section_ends(pdf)
    return [(n + 1, round(f, 2)) for n, f in enumerate(fills(pdf))
            if f < least and n not in ends]
