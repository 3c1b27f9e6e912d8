"""Thumbnails made in memory from the decrypted picture, never written anywhere.

The app keeps the PNG bytes in a small in-memory cache while the vault is unlocked
(``app.state.thumbnails``, emptied when it locks) and serves them with ``no-store``.
A picture marked harmful (an artifact with role ``blurred-preview``) is shown by that
sealed, blurred preview until the user asks to see it; with the setting "blur every
picture" on, every thumbnail is blurred here first.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import MutableMapping

from PIL import Image, ImageFilter

from spoorvast.model.records import Artifact, ArtifactRole
from spoorvast.storage.vault import Vault

SIZES = {"s": 320, "l": 1200}
MAX_PIXELS = 80_000_000
CACHE_ENTRIES = 400
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def picture_of(artifacts: list[Artifact]) -> Artifact | None:
    """The picture an item is about: its original if that is an image, else a screenshot."""
    for role in (ArtifactRole.ORIGINAL, ArtifactRole.SCREENSHOT):
        for artifact in artifacts:
            if artifact.role is role and artifact.media_type in INLINE_TYPES:
                return artifact
    return None


def preview_of(artifacts: list[Artifact]) -> Artifact | None:
    return next((a for a in artifacts if a.role is ArtifactRole.BLURRED_PREVIEW), None)


def thumbnail(data: bytes, edge: int, blur: bool = False) -> bytes | None:
    """A PNG at most ``edge`` pixels wide (tall screenshots: their top part)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                small = _top(image.convert("RGB"))
    except Exception:  # untrusted bytes: any decoder error means "no thumbnail"
        return None
    small.thumbnail((edge, edge))
    if blur:
        small = small.filter(ImageFilter.GaussianBlur(max(6.0, max(small.size) / 18)))
    buffer = io.BytesIO()
    small.save(buffer, "PNG")
    return buffer.getvalue()


def _top(image: Image.Image) -> Image.Image:
    if image.height > image.width * 2:
        return image.crop((0, 0, image.width, image.width * 2))
    return image


def cached_thumbnail(cache: MutableMapping[tuple[str, int, bool], bytes], vault: Vault,
                     artifact: Artifact, edge: int, blur: bool) -> bytes | None:
    key = (artifact.sha256, edge, blur)
    found = cache.get(key)
    if found is None:
        made = thumbnail(vault.blobs.read_bytes(artifact.sha256), edge, blur)
        if made is None:
            return None
        if len(cache) >= CACHE_ENTRIES:
            cache.clear()
        cache[key] = found = made
    return found
