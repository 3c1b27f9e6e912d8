"""Media analysis: what a file's content says about itself.

Public API: :class:`MediaReport`, :func:`sniff_media_type`, :func:`analyse` (and
:func:`kind_for`, the media type → ItemKind rule).

The media type is sniffed from the content by libmagic (python-magic), never taken from
the file name. Then one reader looks inside, by kind:

========  ===============================  ===========================================
kind      reader                           facts
========  ===============================  ===========================================
IMAGE     Pillow + imagehash               size, frames, EXIF date, device, GPS yes/no,
                                           perceptual hash
AUDIO,    pymediainfo                      duration, codecs, recording date, size;
VIDEO                                      the tracks decide audio or video
PDF       pypdf                            page count
========  ===============================  ===========================================

Documents and other files are not looked into (``media`` is None). Whatever the bytes,
:func:`analyse` returns a report: damage, assumed time zones and unreadable formats are
:class:`~spoorvast.model.records.Problem` records (codes in ``_media_base``, registered
here), never exceptions, log lines or printed output, and they never quote content.
Nothing is written to disk and nothing goes over the network.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import magic

from spoorvast.analysis._media_av import read_recording
from spoorvast.analysis._media_base import MESSAGES, Reading
from spoorvast.analysis._media_image import read_image
from spoorvast.analysis._media_pdf import read_pdf
from spoorvast.analysis.picture_preview import Made
from spoorvast.findings import register_codes
from spoorvast.model import instant
from spoorvast.model.records import ItemKind, MediaFacts, Problem

__all__ = ["MediaReport", "analyse", "kind_for", "sniff_media_type"]

register_codes(MESSAGES)

SNIFF_BYTES = 8192  # enough for libmagic to tell office documents inside a ZIP
UNKNOWN_MEDIA_TYPE = "application/octet-stream"

# Containers named application/*: a first guess, which their tracks then settle.
_AV_CONTAINERS = {"application/ogg": ItemKind.AUDIO, "application/x-matroska": ItemKind.VIDEO}
_DOCUMENT_TYPES = frozenset(
    {
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/rtf",
        "application/epub+zip",
        "application/json",
        "application/xml",
    }
)
_DOCUMENT_PREFIXES = (
    "text/",
    "application/vnd.openxmlformats-officedocument.",
    "application/vnd.oasis.opendocument.",
)
_KIND_BY_MAJOR = {"image": ItemKind.IMAGE, "audio": ItemKind.AUDIO, "video": ItemKind.VIDEO}


@dataclass(frozen=True, slots=True)
class MediaReport:
    media_type: str  # sniffed from the content, e.g. "image/png"
    kind: ItemKind
    media: MediaFacts | None  # None when nothing could be read
    problems: tuple[Problem, ...]
    preview: Made | None = None  # a picture's reduced copy for the dossier, when asked


def sniff_media_type(path: Path) -> str:
    """The media type of the file's content (its first SNIFF_BYTES bytes only)."""
    with path.open("rb") as handle:
        return sniff_head(handle.read(SNIFF_BYTES))


_LOCAL = threading.local()


def _magic() -> magic.Magic:
    """One libmagic handle per thread: python-magic's shared handle holds a lock for each
    call, so the intake's two workers would sniff one at a time (0.5 ms each for
    unrecognised binary data, which libmagic compares with every pattern it knows)."""
    handle: magic.Magic | None = getattr(_LOCAL, "magic", None)
    if handle is None:
        handle = _LOCAL.magic = magic.Magic(mime=True)
    return handle


def sniff_head(head: bytes) -> str:
    """The media type of content starting with ``head`` (only SNIFF_BYTES are used)."""
    try:
        return str(_magic().from_buffer(head[:SNIFF_BYTES])) or UNKNOWN_MEDIA_TYPE
    except magic.MagicException:
        return UNKNOWN_MEDIA_TYPE


def kind_for(media_type: str) -> ItemKind:
    if media_type == "application/pdf":
        return ItemKind.PDF
    kind = _AV_CONTAINERS.get(media_type) or _KIND_BY_MAJOR.get(media_type.partition("/")[0])
    if kind is not None:
        return kind
    if media_type in _DOCUMENT_TYPES or media_type.startswith(_DOCUMENT_PREFIXES):
        return ItemKind.DOCUMENT
    return ItemKind.FILE


def analyse(path: Path, case_zone: str, media_type: str | None = None,
            preview: bool = False) -> MediaReport:
    """Sniff (unless ``media_type`` is given) and read one file; wall times without
    offset are taken in ``case_zone``. ``preview``: a picture's reduced copy for the
    dossier is made too (in ``preview``; a failure is an INFO problem).

    Raises ValueError for an unknown ``case_zone`` and OSError when the file cannot be
    opened at all; anything wrong with its content is a problem in the report.
    """
    instant.zone(case_zone)
    media_type = media_type or sniff_media_type(path)
    kind = kind_for(media_type)
    reading = _read(kind, path, media_type, case_zone, preview)
    if reading is None:
        return MediaReport(media_type, kind, None, ())
    return MediaReport(media_type, reading.kind or kind, reading.media, reading.problems,
                       reading.preview)


def _read(kind: ItemKind, path: Path, media_type: str, case_zone: str,
          preview: bool) -> Reading | None:
    if kind is ItemKind.IMAGE:
        return read_image(path, media_type, case_zone, preview)
    if kind in (ItemKind.AUDIO, ItemKind.VIDEO):
        return read_recording(path, case_zone)
    if kind is ItemKind.PDF:
        return read_pdf(path)
    return None
