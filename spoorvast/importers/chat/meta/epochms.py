"""Records stamped in Unix milliseconds, read in any order and given back in time order
(the Instagram/Facebook download and Messenger's end-to-end-encrypted one)."""

from __future__ import annotations

from collections.abc import Callable

from spoorvast.i18n import N_
from spoorvast.importers.chat.shared.accounting import Tally
from spoorvast.importers.chat.shared.jsonload import JsonObject, integer
from spoorvast.model.instant import Instant, Precision, from_epoch
from spoorvast.model.records import Event, Location

Keyed = list[tuple[int, int, int, Event]]  # (stamp, document, position, event)


def epoch_ms(stamp: int, zone_name: str) -> Instant | None:
    try:
        return from_epoch(stamp / 1000, zone_name, Precision.MILLISECOND, str(stamp))
    except (OverflowError, OSError, ValueError):
        return None


def keep(keyed: Keyed, tally: Tally, record: JsonObject | None, where: Location, key: str,
         order: tuple[int, int], zone_name: str,
         event_of: Callable[[JsonObject, Instant], Event]) -> None:
    """One record: an event keyed for sorting, or (without a usable ``key`` stamp) a
    line of the tally's unreadable list."""
    tally.read += 1
    stamp = None if record is None else integer(record.get(key))
    moment = None if stamp is None else epoch_ms(stamp, zone_name)
    if record is None or moment is None or stamp is None:
        tally.unreadable(where, where.field or "", N_("no timestamp"))
        return
    tally.events += 1
    keyed.append((stamp, order[0], order[1], event_of(record, moment)))


def in_time_order(keyed: Keyed) -> list[Event]:
    return [e for *_key, e in sorted(keyed, key=lambda k: k[:3])]
