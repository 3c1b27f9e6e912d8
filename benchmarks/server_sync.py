"""Syncing a big shared case to a new member vs importing the same export locally (issue 29).

1. Generates a WhatsApp export of N messages (``chat.py``'s generator).
2. Imports it into a new local vault (``add_paths``): T_import.
3. Starts PostgreSQL and SeaweedFS on loopback (as the tests do) and ``spoorvast
   server`` as its own process; the first vault shares the case and pushes it (T_push,
   reported, not budgeted).
4. A second vault (a new member, added as advocate) joins and syncs: T_sync. Its
   phases are timed: join, chain check, fetching the original (download + decrypt +
   SHA-256), the intake of the fetched file, the rest.
5. Checks that the member's case holds the same items, the same SHA-256 and the same
   number of events as the first.

Prints T_import, T_sync, their ratio (budget: T_sync <= 2x T_import) and the phases,
per round (a local import and a new member's sync in turn, ``--rounds``) and the median
ratio.

Measured 2026-12-07 on the loaded 2-core machine (load average 8-13), through the API:
100,000 messages (12 MB): rounds 1.55x, 0.76x, 1.67x (median 1.55x); 1,000,000 messages
(117 MB): import 57-79 s, sync 57-67 s, rounds 1.16x, 0.85x, 0.83x (median 0.85x), the
result identical each time. A shared chat travels as its one original file: the sync is
the same intake as the local import, plus fetching the blob (2-4.5 s for 117 MB:
download, decrypt, SHA-256); join and the chain check take under 0.1 s.

    PYTHONPATH=. .venv/bin/python benchmarks/server_sync.py [--messages 100000] \
        [--rounds 3] [--direct] [--dir /real/disk]

Not a test: it never fails.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from chat import make_export, texts
from server_upload import OPERATOR_TOKEN, start_api

from spoorvast.importers.registry import builtin_registry
from spoorvast.model.conversation import EventQuery
from spoorvast.model.records import Case
from spoorvast.services.cases import create_case
from spoorvast.services.intake import add_paths
from spoorvast.services.sharing import case as case_mod
from spoorvast.services.sharing import sync
from spoorvast.services.sharing.api import Api
from spoorvast.storage import crypto
from spoorvast.storage import vault as vaultlib
from spoorvast.storage.vault import Vault
from tests.servers import postgres_server, s3_server

PASSPHRASE = "benchmark passphrase 42"
KDF = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)
PHASES: dict[str, float] = {}


def new_vault(root: Path) -> Vault:
    vaultlib.create(root, PASSPHRASE, KDF).close()
    return vaultlib.open_vault(root, PASSPHRASE)


@contextmanager
def phase(name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        PHASES[name] = PHASES.get(name, 0.0) + time.perf_counter() - start


def timed_calls(owner: Any, attribute: str, name: str) -> None:
    """Add the time of every call of ``owner.attribute`` to the phase *name*."""
    original: Callable[..., Any] = getattr(owner, attribute)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with phase(name):
            return original(*args, **kwargs)

    setattr(owner, attribute, wrapper)


def summary(vault: Vault, case: Case) -> tuple[list[str], int]:
    """The SHA-256 of every original of the case (sorted) and its number of events."""
    shas = sorted(a.sha256 for item in vault.store.items(case.id or 0)
                  for a in vault.store.artifacts(item.id or 0) if a.role.value == "original")
    return shas, vault.store.count_events(EventQuery(case.id or 0))


def member_round(url: str, owner: Api, case_id: uuid.UUID, root: Path
                 ) -> tuple[float, dict[str, float], tuple[list[str], int]]:
    PHASES.clear()
    with new_vault(root) as vault, httpx.Client(base_url=url, timeout=600) as http:
        api = Api(http, sync.identity(vault), operator_token=OPERATOR_TOKEN)
        api.register()
        assert api.account is not None
        shared = case_mod.SharedCase(owner, case_id)
        shared.load_keys()
        shared.add_member(api.account, "advocate", "Bo", "support")
        start = time.perf_counter()
        with phase("join"):
            case = sync.join(vault, api, case_id, "en", "Europe/Brussels")
        report = sync.sync(vault, case, api)
        took = time.perf_counter() - start
        assert len(report.pulled) == 1, report
        return took, dict(PHASES), summary(vault, case)


def local_import(root: Path, export: Path) -> float:
    """T_import: the export added to a new case of a new vault (the registry loaded
    before the clock starts)."""
    registry = builtin_registry()
    with new_vault(root) as vault:
        case = create_case(vault, "benchmark", "en", "Europe/Brussels")
        start = time.perf_counter()
        add_paths(vault, case, [export], registry)
        took = time.perf_counter() - start
    shutil.rmtree(root, ignore_errors=True)
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--direct", action="store_true",
                        help="the sharer puts ciphertext straight into the store")
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    timed_calls(sync, "add_paths", "intake of the fetched file")
    timed_calls(case_mod.SharedCase, "fetch", "fetch (download, decrypt, SHA-256)")
    timed_calls(sync, "_checked_chain", "chain check")
    work = Path(tempfile.mkdtemp(prefix="spoorvast-sync-bench-", dir=args.dir))
    try:
        export = work / "WhatsApp Chat with Jan.txt"
        make_export(export, texts(args.messages))
        print(f"{args.messages:,} messages ({export.stat().st_size / 1e6:.0f} MB)",
              flush=True)
        with new_vault(work / "ann") as ann_vault:
            case = create_case(ann_vault, "benchmark", "en", "Europe/Brussels")
            add_paths(ann_vault, case, [export], builtin_registry())
            expected = summary(ann_vault, case)
            print(f"the sharer's case: {len(expected[0])} item, {expected[1]:,} events",
                  flush=True)
            ratios = serve(args, work, export, ann_vault, case, expected)
        print(f"median ratio sync / local import: {statistics.median(ratios):.2f}x "
              f"(budget <= 2x), {len(ratios)} rounds")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def serve(args: argparse.Namespace, work: Path, export: Path, ann_vault: Vault, case: Case,
          expected: tuple[list[str], int]) -> list[float]:
    with postgres_server() as pg, s3_server() as s3:
        bucket = s3.create_bucket("bench-" + uuid.uuid4().hex[:8])
        url, proc = start_api(pg, s3, bucket, work, args.direct)
        try:
            with httpx.Client(base_url=url, timeout=600) as http:
                owner = Api(http, sync.identity(ann_vault), operator_token=OPERATOR_TOKEN)
                owner.register()
                org = owner.create_org()
                assert owner.account is not None
                owner.add_org_role(org, owner.account, "client")
                link = sync.share(ann_vault, case, owner, org, "Ann", "support")
                start = time.perf_counter()
                sync.sync(ann_vault, case, owner)
                print(f"share + push: {time.perf_counter() - start:.2f} s", flush=True)
                return [one_round(number, url, owner, link.case, work, export, expected)
                        for number in range(1, args.rounds + 1)]
        finally:
            proc.kill()
            proc.wait()


def one_round(number: int, url: str, owner: Api, case_id: uuid.UUID, work: Path,
              export: Path, expected: tuple[list[str], int]) -> float:
    """A local import of the export, then a new member's join + sync, in turn."""
    t_import = local_import(work / f"local-{number}", export)
    took, phases, got = member_round(url, owner, case_id, work / f"member-{number}")
    shutil.rmtree(work / f"member-{number}", ignore_errors=True)
    same = "identical" if got == expected else f"DIFFERENT ({got[1]:,} events)"
    print(f"round {number}: local import {t_import:.2f} s, sync {took:.2f} s, ratio "
          f"{took / t_import:.2f}x (budget <= 2x), result {same}", flush=True)
    rest = took - sum(phases.values())
    for name, spent in [*phases.items(), ("the rest", rest)]:
        print(f"    {name:<40} {spent:7.2f} s")
    return took / t_import


if __name__ == "__main__":
    main()
