"""What is odd about an input, said before anyone relies on it: an empty file, or a file
whose content is not what its name's extension says (a ``.mp4`` that is no recording, a
``.jpg`` that is a PDF). The input is sealed as it is either way; the item carries a
warning, which the add result shows (CLI and browser alike, ``services.added``).

Only extensions whose formats libmagic recognises reliably by their first bytes are
checked; text formats (``.txt``, ``.csv``, ``.eml``, ``.json``) are not, as their
content sniffs as many things.
"""

from __future__ import annotations

from pathlib import PurePath

from spoorvast.findings import register_codes
from spoorvast.i18n import N_
from spoorvast.model.records import Problem, Severity

register_codes({
    "intake.empty": N_(
        "This file is empty (0 bytes): there is nothing in it to show. It was sealed as "
        "it is; check that you chose the file you meant (a download or a copy that did "
        "not finish can leave an empty file)."),
    "intake.type-mismatch": N_(
        "This file's name ends in {extension}, which is usually {reason}, but its content "
        "is {found}. It was sealed as it is; check that it is the file you meant (it may "
        "be renamed, damaged, or only partly downloaded)."),
    "intake.not-read": N_(
        "This file ({size} bytes) was too large to be read in memory on this computer, "
        "so it was sealed whole but its content was not read: no dimensions, duration, "
        "messages or other details were taken from it. Its SHA-256 was checked against "
        "the one your browser computed."),
})

VIDEO = N_("a video")
AUDIO = N_("a sound recording")
PICTURE = N_("a picture")
PDF = N_("a PDF")
ZIP = N_("a ZIP archive")

# extension -> (what it usually is, media type prefixes its content may have)
EXPECTED: dict[str, tuple[str, tuple[str, ...]]] = {
    **{ext: (VIDEO, ("video/", "audio/mp4", "audio/x-m4a", "application/ogg"))
       for ext in (".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".3gp")},
    **{ext: (AUDIO, ("audio/", "video/", "application/ogg"))
       for ext in (".mp3", ".m4a", ".ogg", ".opus", ".wav", ".aac", ".flac", ".amr")},
    **{ext: (PICTURE, ("image/",))
       for ext in (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif", ".bmp",
                   ".tif", ".tiff")},
    ".pdf": (PDF, ("application/pdf",)),
    ".zip": (ZIP, ("application/zip", "application/x-zip")),
}


def oddities(name: str, size: int, media_type: str) -> list[Problem]:
    """The warnings for an input named ``name`` of ``size`` bytes whose content sniffs as
    ``media_type``."""
    if size == 0:
        return [Problem(Severity.WARNING, "intake.empty")]
    extension = PurePath(name).suffix.lower()
    expected = EXPECTED.get(extension)
    if expected is None or media_type.startswith(expected[1]):
        return []
    return [Problem(Severity.WARNING, "intake.type-mismatch",
                    (("extension", extension), ("reason", expected[0]),
                     ("found", media_type)))]


def not_read(size: int) -> Problem:
    return Problem(Severity.WARNING, "intake.not-read", (("size", str(size)),))
