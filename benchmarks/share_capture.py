"""A web capture shared as one bundle vs the same bytes shared as one file (issue 29).

Starts PostgreSQL and SeaweedFS on loopback (as the tests do) and ``spoorvast server``
as its own process. Per round, the sharer's vault gets a capture item of ``--files``
files of ``--mib`` MiB each (random bytes as screenshot tiles, plus a record naming
them) and a plain file of the same total size; each is sent (``sync`` on the sharer)
and received (``sync`` on a member's vault) in turn. Prints the four times per round,
the ratios capture / file (sending: the bundle is built in memory from the sealed files;
receiving: the bundle is checked file by file and each file sealed), and their medians.

    PYTHONPATH=. .venv/bin/python benchmarks/share_capture.py [--files 8] [--mib 4] \
        [--rounds 3]

Measured 2026-12-07 on the loaded 2-core machine (the bundle streamed from the sealed
blobs into a private scratch file): 8 files, 32 MiB, rounds send 1.78x, 1.00x, 0.87x
(median 1.00x), receive 2.17x, 1.02x, 1.39x (median 1.39x); 0.4-1.0 s per capture
either way. Receiving reads every file of the bundle into memory to check it
(``portable.read_bundle``) before sealing it.

Not a test: it never fails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from server_upload import OPERATOR_TOKEN, start_api

from spoorvast.importers.registry import builtin_registry
from spoorvast.model import instant
from spoorvast.model.records import Artifact, ArtifactRole, Case, Item, ItemKind
from spoorvast.services.cases import create_case
from spoorvast.services.intake import add_paths
from spoorvast.services.sharing import sync
from spoorvast.services.sharing.api import Api
from spoorvast.services.sharing.case import SharedCase
from spoorvast.storage import crypto
from spoorvast.storage import vault as vaultlib
from spoorvast.storage.vault import Vault
from tests.servers import postgres_server, s3_server

PASSPHRASE = "benchmark passphrase 42"
KDF = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, parallelism=1)


def new_vault(root: Path) -> Vault:
    vaultlib.create(root, PASSPHRASE, KDF).close()
    return vaultlib.open_vault(root, PASSPHRASE)


def capture(vault: Vault, case: Case, files: int, mib: int) -> None:
    at = instant.now(case.time_zone)
    sealed = []
    for number in range(files):
        blob = vault.blobs.ingest_bytes(os.urandom(mib << 20))
        sealed.append(Artifact(None, None, ArtifactRole.SCREENSHOT, "image/png", blob.size,
                               blob.sha256, f"tile-{number}.png", at))
    record = json.dumps({"artifacts": [{"role": a.role.value, "name": a.name,
                                        "sha256": a.sha256} for a in sealed]}).encode()
    blob = vault.blobs.ingest_bytes(record)
    sealed.append(Artifact(None, None, ArtifactRole.ANALYSIS, "application/json", blob.size,
                           blob.sha256, "capture.json", at))
    with vault.store.transaction() as tx:
        tx.add_item(Item(None, case.id or 0, 0, ItemKind.CAPTURE, "page", at, "capture"),
                    sealed, [])


def timed_sync(vault: Vault, case: Case, api: Api) -> tuple[float, sync.SyncReport]:
    start = time.perf_counter()
    report = sync.sync(vault, case, api)
    return time.perf_counter() - start, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--mib", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    total = args.files * args.mib
    send_ratios, receive_ratios = [], []
    with postgres_server() as pg, s3_server() as s3, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bucket = s3.create_bucket("bench-" + uuid.uuid4().hex[:8])
        url, proc = start_api(pg, s3, bucket, work, False)
        try:
            with (httpx.Client(base_url=url, timeout=600) as http,
                  new_vault(work / "ann") as ann_vault, new_vault(work / "bo") as bo_vault):
                ann = Api(http, sync.identity(ann_vault), operator_token=OPERATOR_TOKEN)
                ann.register()
                bo = Api(http, sync.identity(bo_vault), operator_token=OPERATOR_TOKEN)
                bo.register()
                org = ann.create_org()
                assert ann.account is not None and bo.account is not None
                ann.add_org_role(org, ann.account, "client")
                ann_case = create_case(ann_vault, "bench", "en", "Europe/Brussels")
                link = sync.share(ann_vault, ann_case, ann, org, "Ann", "bench")
                owner = SharedCase(ann, link.case)
                owner.load_keys()
                owner.add_member(bo.account, "advocate", "Bo", "bench")
                bo_case = sync.join(bo_vault, bo, link.case, "en", "Europe/Brussels")
                for number in range(1, args.rounds + 1):
                    capture(ann_vault, ann_case, args.files, args.mib)
                    cap_send, sent = timed_sync(ann_vault, ann_case, ann)
                    cap_recv, got = timed_sync(bo_vault, bo_case, bo)
                    assert sent.pushed == 1 and len(got.pulled) == 1
                    plain = work / f"plain-{number}.bin"
                    plain.write_bytes(os.urandom(total << 20))
                    add_paths(ann_vault, ann_case, [plain], builtin_registry())
                    file_send, sent = timed_sync(ann_vault, ann_case, ann)
                    file_recv, got = timed_sync(bo_vault, bo_case, bo)
                    assert sent.pushed == 1 and len(got.pulled) == 1
                    send_ratios.append(cap_send / file_send)
                    receive_ratios.append(cap_recv / file_recv)
                    print(f"round {number} ({args.files} files, {total} MiB): capture sent "
                          f"{cap_send:.2f} s, received {cap_recv:.2f} s; one file sent "
                          f"{file_send:.2f} s, received {file_recv:.2f} s; ratio send "
                          f"{send_ratios[-1]:.2f}x, receive {receive_ratios[-1]:.2f}x",
                          flush=True)
                again = sync.sync(ann_vault, ann_case, ann)  # nothing comes back
                assert (again.pushed, again.pulled) == (0, [])
        finally:
            proc.kill()
            proc.wait()
    print(f"median ratio capture / file: send {statistics.median(send_ratios):.2f}x, "
          f"receive {statistics.median(receive_ratios):.2f}x, {args.rounds} rounds")


if __name__ == "__main__":
    main()
