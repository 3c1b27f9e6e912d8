"""A file a capture produced, before it is sealed."""

from __future__ import annotations

from dataclasses import dataclass

from spoorvast.model.records import ArtifactRole


@dataclass(frozen=True, slots=True)
class Draft:
    role: ArtifactRole
    name: str
    media_type: str
    data: bytes
