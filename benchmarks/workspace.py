"""Workspace benchmark: a case with N events (default 1,000,000) — timeline page of
100 rows, the checklist, and the pattern charts.

Budget (issue 7): timeline page and checklist each under 200 ms (median), pattern charts
for 1,000,000 events under 5 s. Prints the figures; not a test, never fails.

    .venv/bin/python benchmarks/workspace.py [--events 1000000]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from spoorvast.model import instant
from spoorvast.model.records import (
    Event,
    Identifier,
    IdentifierKind,
    Item,
    ItemKind,
    Party,
    PartyRole,
)
from spoorvast.services import checklist, patterns, timeline
from spoorvast.services.cases import create_case
from spoorvast.storage.vault import Vault, create

START = 1_767_225_600  # 2026-01-01 UTC


def fill(vault: Vault, count: int) -> int:
    case = create_case(vault, "benchmark", "nl", "Europe/Brussels")
    cid = case.id or 0
    with vault.store.transaction() as tx:
        suspect = tx.add_party(Party(None, cid, PartyRole.SUSPECT, "X"))
        tx.add_identifier(Identifier(None, cid, IdentifierKind.PHONE, "+32470999999",
                                     suspect.id))
        item = tx.add_item(Item(None, cid, 0, ItemKind.CONVERSATION, "chat",
                                instant.now("Europe/Brussels"), "bench"), [])
        events = (Event(None, cid, item.id, "message" if n % 50 else "call",
                        instant.from_epoch(START + n * 31, "Europe/Brussels"),
                        f"synthetic message {n}", actor="phone:+32470999999" if n % 3
                        else "phone:+32470111111") for n in range(count))
        tx.add_events(item, list(events))
    return cid


def timed(function: object, repeat: int = 7) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="spoorvast-bench-ws-"))
    try:
        with create(work / "vault", "benchmark passphrase") as vault:
            start = time.perf_counter()
            cid = fill(vault, args.events)
            print(f"filled {args.events} events in {time.perf_counter() - start:.1f} s")
            case = vault.store.case(cid)
            assert case is not None
            middle = timeline.TimelineFilter()
            page = timed(lambda: timeline.page(vault, case, middle, args.events // 2, 100))
            first = timed(lambda: timeline.page(vault, case, middle, 0, 100))
            check = timed(lambda: checklist.compute(vault, case))
            print(f"timeline page (100 rows, middle): median {statistics.median(page)*1e3:.0f}"
                  f" ms; first page {statistics.median(first)*1e3:.0f} ms (budget 200 ms)")
            print(f"checklist: median {statistics.median(check)*1e3:.0f} ms (budget 200 ms)")
            start = time.perf_counter()
            found = patterns.compute(vault, case)
            counted = time.perf_counter() - start
            patterns.draw(found, work / "charts", "benchmark")
            print(f"patterns over {found.total} events: count {counted:.2f} s, with charts "
                  f"{time.perf_counter() - start:.2f} s (budget 5 s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
