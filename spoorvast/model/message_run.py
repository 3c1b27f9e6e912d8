"""A run of messages given as columns instead of one record per message.

A chat export holds hundreds of thousands of the same kind of message: a text from an
account, dated to the second or minute, located by a JSON pointer (Telegram) or a line
(WhatsApp). Making an
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

Details = tuple[tuple[str, str], ...]


class Affixed(list[str]):
    """A column of texts that are each ``prefix + str(number) + suffix`` (a Telegram run's
    JSON pointers ``/messages/17``, its details ``[…,["message_id","17"]]``), made by
    :func:`affixed`, which keeps the numbers: storage may then make the texts in SQL
    from them (an integer as text is its decimal digits in SQLite as in Python) instead
    of carrying each text. Anything that takes it apart (a slice, a copy) gets a plain
    list of the same texts."""

    __slots__ = ("numbers", "prefix", "suffix")

    prefix: str
    suffix: str
    numbers: list[int]


def affixed(prefix: str, numbers: list[int], suffix: str = "") -> list[str]:
    """The texts ``prefix + str(n) + suffix`` of ``numbers``: an :class:`Affixed` column
    when the numbers are all ints (``"%d"`` of True is ``1``), else a plain list."""
    texts = list(map((prefix.replace("%", "%%") + "%d" + suffix.replace("%", "%%")).__mod__,
                     numbers))
    if not numbers or set(map(type, numbers)) != {int}:
        return texts
    column = Affixed(texts)
    column.prefix, column.suffix, column.numbers = prefix, suffix, numbers
    return column


@dataclass(frozen=True, slots=True)
class MessageRun:
    """``len(stamps)`` messages of one source artifact, dated by Unix times (whole seconds,
    the offset of the zone ``zone`` at each; how that offset is known and how precise the
    time is are the same for all), with no attachments. Each is located by a JSON pointer
    (``fields``) or a line (``lines``); its details are ``context``, then its own
    (``own``), then ``(number_key, str(number))`` when a number key is given."""

    case_id: int
    kind: str
    zone: str
    artifact_sha256: str
    stamps: list[int]  # seconds since the epoch, UTC
    offsets: list[int]  # the zone's offset at each, in seconds
    raws: list[str]  # each time as the export wrote it
    texts: list[str]
    actors: list[str | None]
    fields: list[str] | None  # where in the artifact (a JSON pointer)…
    context: Details
    number_key: str | None
    numbers: list[int] | None
    lines: list[int] | None = None  # … or the line (1-based)
    own: list[Details] | None = None
    source: OffsetSource = OffsetSource.EPOCH
    precision: Precision = Precision.SECOND

    def __len__(self) -> int:
        return len(self.stamps)

    def details(self, n: int) -> Details:
        own = self.own
        found = self.context if own is None else (*self.context, *own[n]) if self.context \
            else own[n]
        if self.number_key is None or self.numbers is None:
            return found
        return (*found, (self.number_key, str(self.numbers[n])))

    def events(self) -> Iterator[Event]:
        """The run's events, one record each (for readers; storage reads the columns)."""
        fields, lines = self.fields, self.lines
        for n, stamp in enumerate(self.stamps):
            moment = Instant(datetime.fromtimestamp(stamp, UTC), self.offsets[n],
                             self.source, self.precision, self.zone, self.raws[n])
            where = Location(self.artifact_sha256, None if lines is None else lines[n], None,
                             None, None if fields is None else fields[n])
            yield Event(None, self.case_id, None, self.kind, moment, self.texts[n], None,
                        where, False, self.actors[n], (), self.details(n))


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
