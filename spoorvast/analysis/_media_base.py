"""What the media readers share: their result, their finding codes and messages.

Internal to :mod:`spoorvast.analysis.media`, which registers :data:`MESSAGES`.
Problems carry codes and short technical parameters only (an exception's class name,
a zone, a size), never evidence content.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from spoorvast.analysis.picture_preview import Made
from spoorvast.i18n import N_
from spoorvast.model.records import ItemKind, MediaFacts, Problem, Severity

EXIF_TIME_ASSUMED_ZONE = "media.exif-time-assumed-zone"
EXIF_TIME_INVALID = "media.exif-time-invalid"
EXIF_UNREADABLE = "media.exif-unreadable"
IMAGE_TOO_LARGE = "media.image-too-large"
IMAGE_UNREADABLE = "media.image-unreadable"
FORMAT_NOT_READABLE = "media.format-not-readable"
RECORDING_TIME_ASSUMED_ZONE = "media.recording-time-assumed-zone"
RECORDING_TIME_INVALID = "media.recording-time-invalid"
RECORDING_UNREADABLE = "media.recording-unreadable"
PDF_UNREADABLE = "media.pdf-unreadable"
PDF_ENCRYPTED = "media.pdf-encrypted"
PREVIEW_FAILED = "media.preview-failed"

MESSAGES: dict[str, str] = {
    EXIF_TIME_ASSUMED_ZONE: N_("The photo's own date has no time zone; we assumed {zone}."),
    EXIF_TIME_INVALID: N_(
        "The date stored inside the photo is not a real date, so we did not use it."
    ),
    EXIF_UNREADABLE: N_(
        "The details stored inside the photo (such as its date and camera) could not be"
        " read. The photo itself is kept unchanged. (Technical detail: {reason}.)"
    ),
    IMAGE_TOO_LARGE: N_(
        "This picture is extremely large ({width} × {height} pixels), so we did not open"
        " it, to protect your computer. The file itself is kept unchanged."
    ),
    IMAGE_UNREADABLE: N_(
        "This picture could not be read completely; it may be damaged or cut off."
        " The file itself is kept unchanged. (Technical detail: {reason}.)"
    ),
    FORMAT_NOT_READABLE: N_(
        "spoorvast cannot yet read the details of {format} pictures."
        " The file itself is kept unchanged."
    ),
    RECORDING_TIME_ASSUMED_ZONE: N_(
        "The recording's own date has no time zone; we assumed {zone}."
    ),
    RECORDING_TIME_INVALID: N_(
        "The date stored inside the recording is not a real date, so we did not use it."
    ),
    RECORDING_UNREADABLE: N_(
        "The details of this recording (such as its length) could not be read; it may be"
        " damaged. The file itself is kept unchanged. (Technical detail: {reason}.)"
    ),
    PDF_UNREADABLE: N_(
        "This PDF could not be read; it may be damaged. The file itself is kept unchanged."
        " (Technical detail: {reason}.)"
    ),
    PDF_ENCRYPTED: N_(
        "This PDF is protected by a password, so we could not count its pages."
        " The file itself is kept unchanged."
    ),
    PREVIEW_FAILED: N_(
        "The reduced copy of this picture for the dossier could not be made; the dossier"
        " will try again when it is made. The file itself is kept unchanged. (Technical"
        " detail: {reason}.)"
    ),
}


@dataclass(frozen=True, slots=True)
class Reading:
    """What one reader found. ``kind`` is set when the content decides it (audio/video)."""

    media: MediaFacts | None
    problems: tuple[Problem, ...] = ()
    kind: ItemKind | None = None
    preview: Made | None = None  # a picture's reduced copy for the dossier, when asked


def failure(code: str, exc: BaseException) -> Problem:
    """A warning naming only the exception's class: its message may quote content."""
    return Problem(Severity.WARNING, code, (("reason", type(exc).__name__),))


@contextmanager
def quiet(logger_name: str) -> Iterator[None]:
    """Silence a library's logger and Python warnings while it reads evidence.

    Parsers log and warn about what they read (Pillow logs every EXIF value at DEBUG,
    GPS coordinates included): none of it may reach a log file or the terminal.
    Like warning filters themselves, this is process-wide while it lasts.
    """
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
