"""Web calls page benchmark: a case with N call events (default 20,000, a long call log).

Builds a vault with one call log of N synthetic calls, starts the app on 127.0.0.1,
unlocks it and times ``/c/1/calls`` (server time from ``Server-Timing``, and round trip).
The bare baseline in the same run is the service call the page makes (the current
items, then ``events.calls_page`` of 100 calls), without HTTP or templates; ratio =
page / bare.
Budget: < 300 ms server time (DESIGN.md, web pages). Prints; never fails.

    .venv/bin/python benchmarks/web_calls.py [--calls 20000] [--runs 9]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.web import PASSPHRASE, START, serve, time_bare, time_page, unlock
from spoorvast.model import instant
from spoorvast.model.records import Event, Item, ItemKind
from spoorvast.services import events as event_service
from spoorvast.services import withdrawals
from spoorvast.services.cases import create_case
from spoorvast.storage import crypto
from spoorvast.storage.vault import create

DIRECTIONS = ("in", "out", "missed")


def fill(root: Path, count: int) -> None:
    kdf = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)
    with create(root, PASSPHRASE, kdf) as vault:
        case = create_case(vault, "benchmark", "nl", "Europe/Brussels")
        cid = case.id or 0
        with vault.store.transaction() as tx:
            item = tx.add_item(Item(None, cid, 0, ItemKind.CALL_LOG, "calls",
                                    instant.now("Europe/Brussels"), "call-log-csv"), [])
            tx.add_events(item, [
                Event(None, cid, item.id, "call",
                      instant.from_epoch(START + n * 600, "Europe/Brussels"), "",
                      actor=f"phone:+3247099{n % 50:04d}",
                      details=(("direction", DIRECTIONS[n % 3]), ("duration", str(n % 300))))
                for n in range(count)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="spoorvast-bench-calls-"))
    try:
        fill(folder / "vault", args.calls)
        server, url = serve(folder / "vault")
        client = httpx.Client(base_url=url, headers={"Origin": url}, timeout=120)
        unlock(client)
        client.get("/c/1/calls")  # warm up
        with server.config.app.state.session.use() as vault:  # type: ignore[attr-defined]
            case = vault.store.case(1)
            assert case is not None
            bare = time_bare(lambda: event_service.calls_page(vault, case, tuple(
                i.id or 0 for i in withdrawals.current_items(vault, case)), 0, 100), args.runs)
        server_ms, trip_ms = time_page(client, "/c/1/calls", args.runs)
        print(f"{args.calls:,} calls: page {server_ms:.1f} ms server, {trip_ms:.1f} ms round "
              f"trip; bare {bare:.1f} ms; ratio {server_ms / bare:.2f}; budget 300 ms "
              f"{'ok' if server_ms < 300 else 'OVER'}")
        client.close()
        server.should_exit = True
        time.sleep(0.2)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
