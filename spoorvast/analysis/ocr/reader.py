"""One picture in, one :class:`OcrDocument` out: prepare, run Tesseract, read."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from spoorvast.analysis.ocr import picture, tesseract
from spoorvast.analysis.ocr.chat import has_status_clock, read_chat, status_limit
from spoorvast.analysis.ocr.clock import find_day
from spoorvast.analysis.ocr.document import OcrDocument, refused_document
from spoorvast.analysis.ocr.identifiers import find_identifiers
from spoorvast.analysis.ocr.model import Box, OcrPage, Word

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
    for box in picture.pills(prepared):
        page = _reread_pill(page, prepared, box)
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


def _reread_pill(page: OcrPage, prepared: picture.Prepared,
                 box: tuple[int, int, int, int]) -> OcrPage:
    """Read a day pill (light text on a darker pill) again on its own, inverted; its
    words replace what the page read there when they name a day. A pill the page read
    as a day already is left alone."""
    inside = [w for w in page.words if _within(w.box, box)]
    if find_day(" ".join(w.text for w in inside), None) is not None:
        return page
    try:
        tsv = tesseract.run(picture.pill_picture(prepared, box, STRIP_SCALE), page.languages,
                            single_block=True)
    except tesseract.TesseractFailed:
        return page
    offset = picture.PILL_BORDER * STRIP_SCALE
    words = tuple(_placed(w, box, offset) for w in tesseract.parse_tsv(tsv))
    if find_day(" ".join(w.text for w in words), None) is None:
        return page
    return replace(page, words=tuple(w for w in page.words if w not in inside) + words)


def _within(word: Box, box: Box) -> bool:
    centre_x, centre_y = word[0] + word[2] / 2, word[1] + word[3] / 2
    return box[0] <= centre_x <= box[0] + box[2] and box[1] <= centre_y <= box[1] + box[3]


def _placed(word: Word, box: Box, offset: int) -> Word:
    """A word read in a pill's enlarged picture, placed on the page (a line of its own)."""
    x, y, w, h = word.box
    placed = (box[0] + round((x - offset) / STRIP_SCALE), box[1] + round((y - offset) /
              STRIP_SCALE), round(w / STRIP_SCALE), round(h / STRIP_SCALE))
    return replace(word, box=placed, line=(-1 - box[1], 0, word.line[2]))


def _scaled(word: Word) -> Word:
    x, y, w, h = (round(v / STRIP_SCALE) for v in word.box)
    return replace(word, box=(x, y, w, h), line=(0, 0, word.line[2]))


def analyse(page: OcrPage, engine: str, reference: date | None,
            region_code: str | None) -> OcrDocument:
    """Chat layout and identifiers from words already read (no Tesseract here)."""
    chat = read_chat(page, reference)
    found = find_identifiers(page.lines(), region_code)
    return OcrDocument(engine, page, chat, tuple(found))
