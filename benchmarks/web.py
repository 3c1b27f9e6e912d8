"""Web app benchmark: pages of a case with N events (default 1,000,000).

Builds a vault with one conversation of N synthetic messages (``tx.add_events``), starts
the app on 127.0.0.1 (uvicorn in a thread), unlocks it, and times the item list, the
first and a deep timeline page, and a search, as server time (the ``Server-Timing``
header the app sets) and as round trip. The bare baseline in the same run is the
service call each page makes (``store.items``, ``timeline.page``, ``events.search``)
without HTTP, templates or checks; the ratio is page / bare.

Budget (issues 9 and 32): item list and timeline pages < 300 ms server time (median),
search < 100 ms. Each of ``--rounds`` rounds (default 3) times every page ``--runs``
times and its bare call as often; each round's ratio is printed, and the median server
time of the rounds decides. A deep page is reached by its page number (``?offset=``) and,
where the app names positions, by the "Later" link of that page. Not a test, never fails.

    .venv/bin/python benchmarks/web.py [--events 1000000] [--runs 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import uvicorn

from spoorvast.model import instant
from spoorvast.model.conversation import EventQuery
from spoorvast.model.records import Event, Item, ItemKind
from spoorvast.services import events as event_service
from spoorvast.services import timeline
from spoorvast.services.cases import create_case
from spoorvast.storage import crypto
from spoorvast.storage.vault import Vault, create
from spoorvast.web import WebSettings, create_app

PASSPHRASE = "benchmark passphrase"
START = 1_767_225_600  # 2026-01-01 UTC
WORDS = ("hello", "where are you", "answer me", "I see you", "tonight", "photo", "again")
BATCH = 50_000
RANKED = "search 'answer', all ranked"  # the way before #32 (bm25 over every hit)


def fill(root: Path, count: int) -> None:
    kdf = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)
    with create(root, PASSPHRASE, kdf) as vault:
        case = create_case(vault, "benchmark", "nl", "Europe/Brussels")
        cid = case.id or 0
        with vault.store.transaction() as tx:
            item = tx.add_item(Item(None, cid, 0, ItemKind.CONVERSATION, "chat",
                                    instant.now("Europe/Brussels"), "bench"), [])
        for first in range(0, count, BATCH):
            with vault.store.transaction() as tx:
                tx.add_events(item, [
                    Event(None, cid, item.id, "message",
                          instant.from_epoch(START + n * 31, "Europe/Brussels"),
                          f"synthetic {WORDS[n % len(WORDS)]} {n}",
                          actor=f"phone:+3247099{n % 7:04d}")
                    for n in range(first, min(count, first + BATCH))])


def serve(root: Path) -> tuple[uvicorn.Server, str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    app = create_app(WebSettings(root, port))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server, f"http://127.0.0.1:{port}"


def unlock(client: httpx.Client) -> None:
    token = re.search(r'name="csrf" content="([^"]+)"', client.get("/").text)
    assert token is not None
    client.post("/unlock", data={"csrf": token.group(1), "passphrase": PASSPHRASE})


def time_page(client: httpx.Client, path: str, runs: int) -> tuple[float, float]:
    server, trip = [], []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        trip.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        server.append(float(response.headers["server-timing"].split("dur=")[1]))
    return statistics.median(server), statistics.median(trip)


def time_bare(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="requests per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--vault", type=Path, default=None, help=(
        "keep the vault here and reuse it when it exists (before/after runs on one "
        "fixture; it must hold --events events)"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="spoorvast-bench-web-"))
    root = args.vault or folder / "vault"
    try:
        if not root.exists():
            started = time.perf_counter()
            fill(root, args.events)
            print(f"{args.events:,} events written in {time.perf_counter() - started:.1f} s")
        run(root, args.events, args.runs, args.rounds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def later_link(client: httpx.Client, path: str) -> str | None:
    """The "Later" link of a timeline page (a position, where the app has them)."""
    found = re.search(r'<a href="([^"]+)" id="page-later"', client.get(path).text)
    return html.unescape(found.group(1)) if found else None


def run(root: Path, count: int, runs: int, rounds: int) -> None:
    server, url = serve(root)
    client = httpx.Client(base_url=url, headers={"Origin": url}, timeout=60)
    unlock(client)
    deep = (count // 2) // 100 * 100
    session = client.get("/cases")  # warm up
    assert session.status_code == 200
    pages = [("item list", "/c/1/items", 300), ("timeline, first page", "/c/1/timeline", 300),
             (f"timeline, page at {deep:,}", f"/c/1/timeline?offset={deep}", 300)]
    later = later_link(client, f"/c/1/timeline?offset={deep}")
    if later is not None:
        pages.append((f"timeline, 'Later' from {deep:,}", f"/c/1/timeline{later}", 300))
    pages += [("search 'answer'", "/c/1/search?q=answer", 100),
              ("search 'tonight photo'", "/c/1/search?q=tonight+photo", 100)]
    app_session = server.config.app.state.session  # type: ignore[attr-defined]
    found: dict[str, list[tuple[float, float]]] = {name: [] for name, _p, _b in pages}
    for number in range(1, rounds + 1):
        with app_session.use() as vault:
            bare = bare_calls(vault, deep, later)
            baselines = {name: time_bare(call, runs) for name, call in bare.items()}
        print(f"round {number}:")
        for name, path, _budget in pages:
            server_ms, trip_ms = time_page(client, path, runs)
            base = baselines.get(name, 0.0)
            found[name].append((server_ms, server_ms / base if base else 0.0))
            print(f"  {name:<30} server {server_ms:7.1f} ms, round trip {trip_ms:7.1f} ms, "
                  f"bare {base:7.1f} ms, ratio {server_ms / base if base else 0:5.2f}")
        ranked, page_call = baselines[RANKED], baselines["search 'answer'"]
        print(f"  {'(all hits ranked by bm25)':<30} bare {ranked:7.1f} ms; the page's bare "
              f"call / that: {page_call / ranked:5.2f}")
    print(f"median of {rounds} rounds ({runs} requests each):")
    print(f"{'page':<30} {'server ms':>10} {'ratio/round':>24} {'budget':>7}")
    for name, _path, budget in pages:
        server_ms = statistics.median(s for s, _r in found[name])
        ratios = ", ".join(f"{r:.2f}" for _s, r in found[name])
        verdict = "ok" if server_ms < budget else "OVER"
        print(f"{name:<30} {server_ms:>10.1f} {ratios:>24} {budget:>5} {verdict}")
    client.close()
    server.should_exit = True
    sys.stdout.flush()


def bare_calls(opened: Vault, deep: int, later: str | None
               ) -> dict[str, Callable[[], object]]:
    """The service call each page makes, without HTTP, templates or checks."""
    case = opened.store.case(1)
    assert case is not None
    calls: dict[str, Callable[[], object]] = {
        "item list": lambda: opened.store.items(1),
        "timeline, first page": lambda: timeline.page(
            opened, case, timeline.TimelineFilter()),
        f"timeline, page at {deep:,}": lambda: timeline.page(
            opened, case, timeline.TimelineFilter(), deep),
        "search 'answer'": lambda: event_service.search(
            opened, case, EventQuery(1, text="answer", limit=50), cap=1000),
        "search 'tonight photo'": lambda: event_service.search(
            opened, case, EventQuery(1, text="tonight photo", limit=50), cap=1000),
    }
    ranked = EventQuery(1, text="answer", limit=50)  # the way before #32: every hit ranked
    calls[RANKED] = lambda: (
        opened.store.search_events(ranked), opened.store.count_events(ranked, cap=1000))
    if later is not None:
        from spoorvast.model.conversation import Position

        after = Position.parse(later.split("after=")[1].split("&")[0])
        calls[f"timeline, 'Later' from {deep:,}"] = lambda: timeline.page(
            opened, case, timeline.TimelineFilter(), after=after)
    return calls


if __name__ == "__main__":
    main()
