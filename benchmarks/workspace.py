"""Workspace benchmark: a case with N events (default 1,000,000) — timeline page of
100 rows, the checklist, and the pattern charts.

Budget (issues 7 and 32): a timeline page (first, middle, last: by page number) and the
checklist each under 200 ms, pattern charts for 1,000,000 events under 3 s. Each round
takes the median of five calls of each page and one pattern count with its charts; every
round is printed, and the median of the rounds decides. Not a test, never fails.

    .venv/bin/python benchmarks/workspace.py [--events 1000000] [--rounds 3]
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
    Case,
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


def timed(function: object, repeat: int = 5) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="spoorvast-bench-ws-"))
    try:
        with create(work / "vault", "benchmark passphrase") as vault:
            start = time.perf_counter()
            cid = fill(vault, args.events)
            print(f"filled {args.events} events in {time.perf_counter() - start:.1f} s")
            case = vault.store.case(cid)
            assert case is not None
            rounds = [one_round(vault, case, args.events, work, n)
                      for n in range(1, args.rounds + 1)]
            print(f"median of {args.rounds} rounds:")
            for n, (label, budget) in enumerate(LABELS):
                values = [r[n] for r in rounds]
                median = statistics.median(values)
                print(f"  {label:<34} {median * 1e3:8.0f} ms (rounds: "
                      f"{', '.join(f'{v * 1e3:.0f}' for v in values)}; budget "
                      f"{budget * 1e3:.0f} ms) {'ok' if median < budget else 'OVER'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


LABELS = (("timeline page (100 rows), first", 0.2), ("timeline page, middle", 0.2),
          ("timeline page, last", 0.2), ("checklist", 0.2),
          ("patterns, count", 3.0), ("patterns, count + charts", 3.0))


def one_round(vault: Vault, case: Case, events: int, work: Path, number: int
              ) -> tuple[float, ...]:
    """One round: each page the median of 5 calls; the patterns once, with charts."""
    everything = timeline.TimelineFilter()
    first = statistics.median(timed(lambda: timeline.page(vault, case, everything, 0, 100), 5))
    middle = statistics.median(timed(
        lambda: timeline.page(vault, case, everything, events // 2, 100), 5))
    last = statistics.median(timed(
        lambda: timeline.page(vault, case, everything, events - 100, 100), 5))
    check = statistics.median(timed(lambda: checklist.compute(vault, case), 5))
    start = time.perf_counter()
    found = patterns.compute(vault, case)
    counted = time.perf_counter() - start
    patterns.draw(found, work / f"charts-{number}", "benchmark")
    charted = time.perf_counter() - start
    values = (first, middle, last, check, counted, charted)
    print(f"round {number}: " + "; ".join(f"{label.split(' (')[0]} {v * 1e3:.0f} ms"
                                          for (label, _b), v in zip(LABELS, values, strict=True)))
    return values


if __name__ == "__main__":
    main()
