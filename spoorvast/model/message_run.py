"""A run of messages given as columns instead of one record per message.

A Telegram export holds hundreds of thousands of the same kind of message: a text from an
account, dated by its Unix time, located by a JSON pointer. Making an
:class:`~spoorvast.model.records.Event`, an :class:`~spoorvast.model.instant.Instant` and
a :class:`~spoorvast.model.records.Location` for each, only for storage to take them apart
into columns again, was most of the cost of importing one. An importer may instead give
such a run as a :class:`MessageRun`, whose columns storage writes as they are
(``block_columns`` in :mod:`spoorvast.storage.sqlite_event_columns`).

A run stands for exactly the events :meth:`MessageRun.events` makes (equal to the
importer's general path, tested); :func:`each_event` gives a stream of events and runs as
events only, for every reader that wants records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from spoorvast.model.instant import Instant, OffsetSource, Precision
from spoorvast.model.records import Event, Location


@dataclass(frozen=True, slots=True)
class MessageRun:
    """``len(stamps)`` messages of one source artifact, dated by Unix times (whole seconds,
    the offset of the zone ``zone`` at each), with no attachments; each has the details
    ``context`` followed by ``(number_key, str(number))``."""

    case_id: int
    kind: str
    zone: str
    artifact_sha256: str
    stamps: list[int]  # seconds since the epoch, UTC
    offsets: list[int]  # the zone's offset at each, in seconds
    raws: list[str]  # each time as the export wrote it
    texts: list[str]
    actors: list[str | None]
    fields: list[str]  # where in the artifact (a JSON pointer)
    context: tuple[tuple[str, str], ...]
    number_key: str
    numbers: list[int]

    def __len__(self) -> int:
        return len(self.stamps)

    def events(self) -> Iterator[Event]:
        """The run's events, one record each (for readers; storage reads the columns)."""
        for n, stamp in enumerate(self.stamps):
            moment = Instant(datetime.fromtimestamp(stamp, UTC), self.offsets[n],
                             OffsetSource.EPOCH, Precision.SECOND, self.zone, self.raws[n])
            yield Event(None, self.case_id, None, self.kind, moment, self.texts[n], None,
                        Location(self.artifact_sha256, None, None, None, self.fields[n]),
                        False, self.actors[n], (),
                        (*self.context, (self.number_key, str(self.numbers[n]))))


def each_event(stream: Iterable[Event | MessageRun]) -> Iterator[Event]:
    """The events of a stream in which runs may stand for some of them."""
    for found in stream:
        if isinstance(found, MessageRun):
            yield from found.events()
        else:
            yield found


def count_of(found: Event | MessageRun) -> int:
    """How many events ``found`` stands for."""
    return len(found) if isinstance(found, MessageRun) else 1


EventStream = Iterable[Event | MessageRun]  # what an importer gives and storage takes
