"""The PDF in four languages: text (pdftotext), page images (pdftoppm, kept under
tests/dossier/artifacts/ for a person to look at), a PDF/A-3b structural check (veraPDF
is not packaged for Debian or PyPI), literal rendering of hostile text, redaction and
the disclosure copies."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.dossier.builder import HOSTILE, HOSTILE_NAME, PV, SUSPECT_PHONE, THIRD_PHONE
from tests.dossier.conftest import ARTIFACTS, Made

REQUEST = {
    "nl": "ik vraag uitdrukkelijk",
    "fr": "je demande expressément",
    "de": "ich beantrage ausdrücklich",
    "en": "I explicitly ask",
}
# the offence is named; no article number (see PROSECUTION_REQUEST in dossier/labels.py)
OFFENCE = {"nl": "waaronder belaging", "fr": "notamment pour harcèlement",
           "de": "einschließlich Nachstellung", "en": "including stalking"}
HEADINGS = {"nl": "Klachtverklaring", "fr": "Déclaration de plainte",
            "de": "Anzeigeerklärung", "en": "Complaint statement"}


def text_of(pdf: Path) -> str:
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return raw.replace("\u200b", "")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# Dutch is built once for many tests (quick subset); the other languages each build a
# dossier of their own and belong to the full run.
@pytest.mark.parametrize("language", ["nl", *(pytest.param(lang, marks=pytest.mark.slow)
                                              for lang in ("fr", "de", "en"))])
def test_dossier_in_each_language(rendered: Callable[..., Made], language: str) -> None:
    made = rendered(language)
    text = flat(text_of(made.folder / "DOSSIER.pdf"))
    assert REQUEST[language] in text and HEADINGS[language] in text
    assert "442bis" not in text and OFFENCE[language] in text and PV in text
    assert SUSPECT_PHONE in text and "Xavier Synthetic" in text
    assert str(made.result["bundle_sha256"]) in text
    assert "sha256sum -c SHA256SUMS" in text and "openssl ts -verify" in text
    for number in range(1, 10):
        assert f"E-{number:04d}" in text  # every item, including one of an unknown importer
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "4",
                    str(made.folder / "DOSSIER.pdf"), str(ARTIFACTS / f"dossier-{language}")],
                   check=True)
    pages = sorted(ARTIFACTS.glob(f"dossier-{language}-*.png"))
    with Image.open(pages[0]) as first:
        assert first.size[0] > 300


@pytest.mark.slow
def test_hostile_text_and_names_print_literally(rendered: Callable[..., Made]) -> None:
    text = flat(text_of(rendered("en").folder / "DOSSIER.pdf"))
    assert text.count(HOSTILE) >= 4  # note, messages, capture title, e-mail verdict
    shown_name = HOSTILE_NAME.replace("\\", "_")  # bundle names cannot hold a backslash
    assert shown_name in text or HOSTILE_NAME in text


@pytest.mark.slow
def test_pdfa3_structure_and_embedded_manifest(rendered: Callable[..., Made]) -> None:
    made = rendered("fr")
    reader = PdfReader(made.folder / "DOSSIER.pdf")
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = xmp.stream.get_data().decode("utf-8")
    assert "<pdfaid:part>3</pdfaid:part>" in raw and "<pdfaid:conformance>B" in raw
    assert "/OutputIntents" in reader.trailer["/Root"]
    attached = reader.attachments
    assert list(attached) == ["manifest.json"]
    assert attached["manifest.json"][0] == (made.folder / "manifest.json").read_bytes()
    for page in reader.pages[:3]:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()[
                "/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile2", "/FontFile3"))
    assert len(reader.pages) == made.result["pages"]
    assert reader.outline  # bookmarks: the table of contents is also navigable


@pytest.mark.slow
def test_redaction_hides_third_parties_in_the_pdf_only(
        rendered: Callable[..., Made]) -> None:
    made = rendered("en", "--redact-third-parties")
    text = flat(text_of(made.folder / "DOSSIER.pdf"))
    assert THIRD_PHONE not in text and "third party 1" in text
    assert SUSPECT_PHONE in text and "Xavier Synthetic" in text
    assert "are shown as 'third party 1'" in text
    assert not PdfReader(made.folder / "DOSSIER.pdf").attachments  # manifest not attached
    assert THIRD_PHONE in (made.folder / "manifest.json").read_text("utf-8")


def test_gps_is_stripped_from_the_disclosure_copy_only(rendered: Callable[..., Made]) -> None:
    made = rendered("nl")
    original = next((made.folder / "originals").rglob("*.jpg"))
    copy = next((made.folder / "disclosure").rglob("*.jpg"))
    with Image.open(original) as full, Image.open(copy) as stripped:
        assert full.getexif().get_ifd(0x8825)
        assert not stripped.getexif().get_ifd(0x8825) and not stripped.getexif()
        assert full.tobytes() == stripped.tobytes()
    text = flat(text_of(made.folder / "DOSSIER.pdf"))
    assert "1 van de 1 foto's" in text or "disclosure/" in text
    for data in _pdf_images(made.folder / "DOSSIER.pdf"):
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif()


@pytest.mark.slow
def test_include_gps_makes_no_disclosure_copies(rendered: Callable[..., Made]) -> None:
    made = rendered("en", "--include-gps")
    assert not (made.folder / "disclosure").exists()
    text = flat(text_of(made.folder / "DOSSIER.pdf"))
    assert "location (GPS) data" in text and "50.840000, 4.351667" in text


def _pdf_images(pdf: Path) -> list[bytes]:
    return [image.data for page in PdfReader(pdf).pages for image in page.images]
