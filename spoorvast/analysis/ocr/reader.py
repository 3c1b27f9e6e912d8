"""One picture in, one :class:`OcrDocument` out: prepare, run Tesseract, read."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from spoorvast.analysis.ocr import picture, tesseract
from spoorvast.analysis.ocr.chat import has_status_clock, read_chat, status_limit
from spoorvast.analysis.ocr.document import OcrDocument, refused_document
from spoorvast.analysis.ocr.identifiers import find_identifiers
from spoorvast.analysis.ocr.model import OcrPage, Word

STRIP_SCALE = 3


def read_picture(data: bytes, languages: str, reference: date | None = None,
                 region_code: str | None = None) -> OcrDocument:
    """Read an encoded picture. A picture that cannot be opened gives a document with
    ``refused`` set; a missing Tesseract raises :class:`tesseract.TesseractMissing`."""
    engine = tesseract.version()
    try:
        prepared = picture.prepare(data)
    except picture.PictureRefused as exc:
        return refused_document(engine, languages, exc.code, exc.params)
    try:
        tsv = tesseract.run(prepared.data, languages)
    except tesseract.TesseractFailed as exc:
        return refused_document(engine, languages, "failed", (("reason", str(exc)),))
    page = OcrPage(prepared.width, prepared.height, tesseract.parse_tsv(tsv), languages,
                   prepared.dark, prepared.frame_count)
    if not has_status_clock(page):
        page = _reread_status_bar(page, prepared)
    return analyse(page, engine, reference, region_code)


def _reread_status_bar(page: OcrPage, prepared: picture.Prepared) -> OcrPage:
    """Read the status-bar strip again, enlarged; keep it if a clock shows up."""
    bottom = status_limit(page.width, page.height)
    try:
        tsv = tesseract.run(picture.strip(prepared, bottom, STRIP_SCALE), page.languages,
                            single_block=True)
    except tesseract.TesseractFailed:
        return page
    strip_words = tuple(_scaled(w) for w in tesseract.parse_tsv(tsv))
    candidate = replace(page, words=strip_words + tuple(
        w for w in page.words if w.box[1] + w.box[3] > bottom))
    return candidate if has_status_clock(candidate) else page


def _scaled(word: Word) -> Word:
    x, y, w, h = (round(v / STRIP_SCALE) for v in word.box)
    return replace(word, box=(x, y, w, h), line=(0, 0, word.line[2]))


def analyse(page: OcrPage, engine: str, reference: date | None,
            region_code: str | None) -> OcrDocument:
    """Chat layout and identifiers from words already read (no Tesseract here)."""
    chat = read_chat(page, reference)
    found = find_identifiers(page.lines(), region_code)
    return OcrDocument(engine, page, chat, tuple(found))
