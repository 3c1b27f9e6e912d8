"""OCR of screenshots and photos: Tesseract words with boxes, read into proposals.

Public API:

* :func:`read_picture` — encoded picture bytes → :class:`OcrDocument` (words with
  boxes and confidences, plain text, chat reading, identifiers with their regions);
* :func:`encode` / :func:`decode` — the stored JSON form of a document;
* :func:`languages_for` — Tesseract languages for a case language;
* :func:`country_of_zone` — the default phone region for a case zone.

Modules: ``model`` (words, lines, boxes), ``tesseract`` (the program), ``picture``
(safe opening, first frame, dark mode), ``clock`` (times and day names in nl/fr/de/en),
``chat`` (layout), ``identifiers`` (phones, e-mails, handles, URLs), ``document``
(the stored form), ``preview`` (blurred previews), ``duplicates`` (near-duplicates).
Nothing here touches storage or writes a file.
"""

from spoorvast.analysis.ocr.document import MEDIA_TYPE, OcrDocument, decode, encode
from spoorvast.analysis.ocr.identifiers import country_of_zone
from spoorvast.analysis.ocr.reader import analyse, read_picture
from spoorvast.analysis.ocr.tesseract import (
    TesseractMissing,
    check_languages,
    cores,
    languages_for,
)

__all__ = [
    "MEDIA_TYPE",
    "OcrDocument",
    "TesseractMissing",
    "analyse",
    "check_languages",
    "cores",
    "country_of_zone",
    "decode",
    "encode",
    "languages_for",
    "read_picture",
]
