"""The reduced copy of a picture that the dossier PDF shows: made once, when the picture
is added, and sealed in the vault beside it (role ``dossier-preview``), so a dossier
decrypts 100 small JPEGs instead of decoding and scaling 100 screenshots (≈1.5 s of CPU
here, half of what the dossier spent beside Typst).

A preview is re-encoded (JPEG), so it never carries EXIF/GPS. A very tall screenshot is
cut to its top part (the complete file is in the bundle). Everything that decides the
pixels is in :data:`SPEC`, and the SPEC is in the stored file's name: a dossier uses a
stored preview only when its name is the one this version would give it, and makes a
new one otherwise (see ``dossier/thumbs.py``), so changing a parameter here is safe.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps

from spoorvast.model.records import Artifact, ArtifactRole

MAX_WIDTH = 800
MAX_HEIGHT = 780  # shown at most 11 cm high: about 180 dpi, and Typst holds every
# preview decoded while it lays out (100 previews of 1100 px cost it 170 MB)
TALL = 2.2  # height / width above which only the top part is shown
QUALITY = 78
VERSION = 1  # raise it when the way the pixels are made changes
SPEC = f"v{VERSION}-{MAX_WIDTH}x{MAX_HEIGHT}-q{QUALITY}"
MEDIA_TYPE = "image/jpeg"
SOURCE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp",
                "image/tiff")  # the pictures a dossier shows a preview of
MAX_SOURCE_BYTES = 64 << 20
ROTATED_FORMATS = ("JPEG", "TIFF", "WEBP", "MPO")  # whose EXIF orientation is applied
_PREFIX = "dossier-preview-"
_TOP = "-top"
_REFUSED = (OSError, ValueError, SyntaxError, MemoryError, Image.DecompressionBombWarning,
            Image.DecompressionBombError)


class PreviewFailed(Exception):
    """The picture could not be made into a preview (names the kind of error only)."""


@dataclass(frozen=True, slots=True)
class Made:
    data: bytes  # JPEG
    cropped: bool  # only the top part of a tall picture

    @property
    def name(self) -> str:
        return name_for(self.cropped)


def name_for(cropped: bool) -> str:
    return f"{_PREFIX}{SPEC}{_TOP if cropped else ''}.jpg"


def cropped_by_name(name: str) -> bool | None:
    """Whether a stored preview named ``name`` shows a top part only; None when it was
    made with other parameters than this version's (it is then not used)."""
    if name == name_for(False):
        return False
    if name == name_for(True):
        return True
    return None


def wanted(media_type: str, size: int) -> bool:
    """Whether a dossier shows a preview of such a file."""
    return media_type in SOURCE_TYPES and size <= MAX_SOURCE_BYTES


def source_of(artifacts: Iterable[Artifact]) -> Artifact | None:
    """The file of an item that its dossier preview shows: a capture's (first)
    screenshot, else an image item's original, else the first picture attached."""
    listed = tuple(artifacts)
    for role in (ArtifactRole.SCREENSHOT, ArtifactRole.ORIGINAL, ArtifactRole.ATTACHMENT):
        for artifact in listed:
            if artifact.role is role and wanted(artifact.media_type, artifact.size):
                return artifact
    return None


def from_bytes(data: bytes) -> Made:
    return from_file(io.BytesIO(data))


def from_file(handle: IO[bytes]) -> Made:
    """Decode the picture once, then crop and scale it in one resampling pass."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(handle) as opened:
                opened.draft("RGB", (MAX_WIDTH, MAX_WIDTH))
                return _made(opened)
    except _REFUSED as exc:
        raise PreviewFailed(type(exc).__name__) from exc


def from_decoded(image: Image.Image) -> Made | None:
    """The preview of a picture already opened (and perhaps decoded) for other reasons,
    as :func:`from_file` would make it from the same file; None unless it is a PNG (a
    JPEG may have been decoded at a reduced scale, a GIF moved to another frame: open
    those again). Screenshots are PNG: their one decode serves both."""
    if image.format != "PNG":
        return None
    try:
        return _made(image)
    except _REFUSED as exc:
        raise PreviewFailed(type(exc).__name__) from exc


def _made(opened: Image.Image) -> Made:
    rotates = opened.format in ROTATED_FORMATS
    image = ImageOps.exif_transpose(opened) if rotates else opened
    image = image if image.mode == "RGB" else image.convert("RGB")
    fitted, cropped = _fit(image)
    buffer = io.BytesIO()
    fitted.save(buffer, "JPEG", quality=QUALITY, optimize=False)
    return Made(buffer.getvalue(), cropped)


def _fit(image: Image.Image) -> tuple[Image.Image, bool]:
    """Crop a very tall picture to its top part, and scale it to fit. An integer box
    reduction goes first (``reducing_gap=1.0``): a 1080 x 2400 screenshot scaled to a
    third took 7 ms with the bilinear resize alone and 1 ms this way (decoding it takes
    14 ms). No intermediate copies: a copy of a 1080 x 2400 screenshot costs about as
    much as decoding it."""
    cropped = image.height > image.width * TALL
    box = (0, 0, image.width, int(image.width * TALL) if cropped else image.height)
    scale = min(1.0, MAX_WIDTH / box[2], MAX_HEIGHT / box[3])
    size = (max(1, round(box[2] * scale)), max(1, round(box[3] * scale)))
    if size == image.size:
        image.load()
        return image, cropped
    return image.resize(size, Image.Resampling.BILINEAR, box=box, reducing_gap=1.0), cropped
