"""A large upload through the drop box vs a bare HTTP PUT of the same bytes (issue 31).

Starts PostgreSQL and SeaweedFS on loopback (as the tests do) and ``spoorvast server``
as its own process; a member makes a case and a drop-box grant; per round one file of
``--mib`` MiB goes up through the drop path, then the same bytes as one bare boto3
``put_object`` to the same store (the baseline). The drop path is the phone page in
headless Chromium with a phone's viewport (default: libsodium.js hashes and encrypts
in the page, 8 MiB parts through the API), or with ``--python`` the Python device
(:class:`spoorvast.services.sharing.drops.Dropper`, the same protocol). Prints each
round's throughput ratio and the median; budget: >= 0.6x the bare PUT.

Measured 2026-12-07 on the loaded 2-core machine, one file of 300 MiB, median of 3
rounds, before the page's workers: phone page in Chromium 0.54x (rounds 0.53, 0.54, 0.58)
with the hash on the page's thread, 0.48x (0.54, 0.48, 0.47) with it on a worker thread:
the page sent 20-31 MiB/s either way while the bare PUT varied from 36 to 66 MiB/s with
the machine's load; the Python device 0.83x (0.83, 0.63, 0.90; 33-48 MiB/s), which is
about what the API path (the API receives each part whole, then stores it) carries here.
With the sealing and hashing workers (load average 11-20 from other work): 0.60x
(0.65, 0.45, 0.60) and 0.60x (0.42, 0.61, 0.69, 0.58; a fifth round hit the test
store's full disk, now each bare object is deleted) and 0.68x (0.78, 0.67, 0.68): the
page sends 18-27 MiB/s, the bare PUT 28-50 MiB/s. At or just over the budget, not
clearly over it (the ratio swings with the machine's load); on this machine the page's
crypto (libsodium.js's SHA-256 above all) competes with the server for two cores
(``drop_page_pipeline.py``).

    PYTHONPATH=. .venv/bin/python benchmarks/drop_upload.py [--mib 300] [--rounds 3] \
        [--python]

Not a test: it never fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from benchmarks.server_upload import OPERATOR_TOKEN, start_api
from spoorvast.services.sharing import drops
from spoorvast.services.sharing.api import Api
from spoorvast.services.sharing.case import SharedCase
from spoorvast.storage.sharing_keys import Identity
from tests.servers import postgres_server, s3_server
from tests.web.conftest import CHROMIUM


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python", action="store_true", help="the Python device, no browser")
    args = parser.parse_args()
    with postgres_server() as pg, s3_server() as s3, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data_path = folder / "big.bin"
        with data_path.open("wb") as out:
            for _ in range(args.mib):
                out.write(os.urandom(1 << 20))
        bucket = s3.create_bucket("bench-" + uuid.uuid4().hex[:8])
        url, proc = start_api(pg, s3, bucket, folder, direct=False)
        ratios = []
        try:
            with httpx.Client(base_url=url, timeout=600) as http:
                shared = member_case(http)
                bare = s3.client()
                for number in range(1, args.rounds + 1):
                    link = drops.make_grant(shared, url, "bench",
                                            datetime.now(UTC) + timedelta(hours=1))
                    ours = (python_drop if args.python else browser_drop)(http, link.url,
                                                                           data_path)
                    start = time.perf_counter()
                    key = "bare/" + uuid.uuid4().hex
                    with data_path.open("rb") as source:
                        bare.put_object(Bucket=bucket, Key=key, Body=source.read())
                    baseline = time.perf_counter() - start
                    bare.delete_object(Bucket=bucket, Key=key)  # the test store is small
                    ratios.append(baseline / ours)
                    print(f"round {number}: drop {args.mib / ours:7.1f} MiB/s, bare PUT "
                          f"{args.mib / baseline:7.1f} MiB/s, ratio {baseline / ours:.2f}x",
                          flush=True)
        finally:
            proc.kill()
            proc.wait()
    print(f"median ratio {statistics.median(ratios):.2f}x (budget >= 0.6x) for one file of "
          f"{args.mib} MiB, " + ("Python device" if args.python else "phone page in Chromium"))


def member_case(http: httpx.Client) -> SharedCase:
    api = Api(http, Identity.generate(), operator_token=OPERATOR_TOKEN)
    api.register()
    org = api.create_org()
    assert api.account is not None
    api.add_org_role(org, api.account, "client")
    return SharedCase.create(api, org, "bench", "bench", "bench")


def python_drop(http: httpx.Client, link: str, path: Path) -> float:
    device = drops.Dropper.pair(http, link)
    start = time.perf_counter()
    with path.open("rb") as source:
        device.drop("big.bin", source, path.stat().st_size)
    return time.perf_counter() - start


def browser_drop(http: httpx.Client, link: str, path: Path) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        context: Any = browser.new_context(viewport={"width": 412, "height": 915},
                                           is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto(link)
        page.locator("body[data-state=ready]").wait_for(state="attached")
        start = time.perf_counter()
        page.set_input_files("#files", str(path))
        page.locator('body[data-done="1"]').wait_for(state="attached", timeout=1_800_000)
        took = time.perf_counter() - start
        browser.close()
    return took


if __name__ == "__main__":
    main()
