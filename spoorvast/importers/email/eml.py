"""The .eml reader: one message, one item (the original, its parts, the analysis).

A file above ``MESSAGE_LIMIT`` (already sealed whole by the intake) is not parsed: its
header is analysed and a finding says the body was not read (a 300 MB .eml used to
peak at 2.7 GB).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.email.common import (
    HEADER_LIMIT,
    MESSAGE_LIMIT,
    MessageInput,
    large_message_problem,
    message_draft,
    message_drafts,
)
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


def read_head(source: Source) -> bytes:
    """The first ``HEADER_LIMIT`` bytes, after checking the whole file in blocks."""
    digest, head = hashlib.sha256(), b""
    with source.path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            if len(head) < HEADER_LIMIT:
                head += block[:HEADER_LIMIT - len(head)]
    if digest.hexdigest() != source.original.sha256:
        raise ChangedWhileRead(source.name)
    return head


class EmlImporter:
    name = "email"
    priority = 50

    def detect(self, source: Source) -> bool:
        return is_eml(source)

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        facts = file_facts(source, context.case_zone)
        if source.original.size > MESSAGE_LIMIT:  # sealed whole already; header only
            notice = large_message_problem(source.original.sha256, source.original.size)
            yield message_draft(context, MessageInput(
                read_head(source), source.original, source.name, self.name, file=facts,
                problems=[notice], mime=False))
            return
        message = MessageInput(read_sealed(source), source.original, source.name, self.name,
                               file=facts)
        yield from message_drafts(context, message)


def register(registry: Registry) -> None:
    registry.register(EmlImporter())
