"""The .eml reader: one message, one item (the original, its parts, the analysis)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.email.common import MessageInput, message_draft
from spoorvast.importers.email.detect import is_eml
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry


class ChangedWhileRead(ValueError):
    """The file's bytes are not the ones sealed."""


def read_sealed(source: Source) -> bytes:
    data = source.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != source.original.sha256:
        raise ChangedWhileRead(source.name)
    return data


class EmlImporter:
    name = "email"
    priority = 50

    def detect(self, source: Source) -> bool:
        return is_eml(source)

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        message = MessageInput(read_sealed(source), source.original, source.name, self.name,
                               file=file_facts(source, context.case_zone))
        yield message_draft(context, message)


def register(registry: Registry) -> None:
    registry.register(EmlImporter())
