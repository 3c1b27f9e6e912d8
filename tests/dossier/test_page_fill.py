"""No page of the dossier is less than a third full unless it ends a section (the next
page opens a chapter, or it is the last page): the PDF is rendered with pdftoppm and
the lowest ink above the footer measured per page (see pagefill.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.dossier.conftest import Made
from tests.dossier.pagefill import fills, section_ends, sparse_pages


# Dutch shares the dossier the other quick tests build; each other language builds its own
@pytest.mark.parametrize("language", ["nl", *(pytest.param(lang, marks=pytest.mark.slow)
                                              for lang in ("fr", "de", "en"))])
def test_no_sparse_page_inside_a_section(rendered: Callable[..., Made],
                                         language: str) -> None:
    pdf = rendered(language).folder / "DOSSIER.pdf"
    assert sparse_pages(pdf) == []


@pytest.mark.slow
def test_the_redacted_dossier_has_no_sparse_page_either(
        rendered: Callable[..., Made]) -> None:
    assert sparse_pages(rendered("nl", "--redact-third-parties").folder / "DOSSIER.pdf") == []


def test_the_measure_finds_a_sparse_page_mid_section(tmp_path: Path) -> None:
    """A chapter whose second page holds two lines before a forced break: found; the
    same short page at the end of a chapter: allowed."""
    import typst

    source = tmp_path / "main.typ"
    source.write_text(
        '#set page(paper: "a4", margin: (x: 16mm, top: 18mm, bottom: 18mm))\n'
        "#show heading.where(level: 1): it => { pagebreak(weak: true); it }\n"
        "= One\n" + "#lorem(60)\n\n" * 14 + "#lorem(20)\n#pagebreak()\n#lorem(900)\n"
        "= Two\n#lorem(30)\n", "utf-8")
    pdf = tmp_path / "out.pdf"
    pdf.write_bytes(typst.compile(str(source)))
    shares = fills(pdf)
    ends = section_ends(pdf)
    sparse = sparse_pages(pdf)
    assert len(sparse) == 1 and sparse[0][0] == 2, (shares, ends)
    assert len(shares) - 1 in ends and shares[-1] < 1 / 3  # the last page may be short
