"""A capture on the server (issue 31, item 3) vs the bare capture of the same page.

Starts PostgreSQL and SeaweedFS on loopback (as the tests do) and serves a page of
``--kib`` KiB of text and ``--images`` pictures on 127.0.0.1. Per round, the same page:

- bare: one Chromium started, the settled capture (``portable.prepare``), Chromium gone;
- server: the capture job's whole attempt (``run_capture``: open the sealed request,
  pair, the same capture, the bundle in memory, encrypt it to the case's drop box,
  store it in S3, record the drop and its chain entry).

Prints each round's times and ratio (server / bare) and the medians; the difference is
what capturing on the server adds to a capture (the job queue's own latency is left
out: Procrastinate picks a job up within its polling interval).

    PYTHONPATH=. .venv/bin/python benchmarks/server_capture.py [--rounds 3] [--kib 200] \
        [--images 20]

Measured 2026-12-07 on the loaded 2-core machine (other work running; a bare capture
took 35-42 s here against 3.7 s unloaded), 3 rounds: bare 37.0 s, server job 36.6 s,
ratio median 1.04 (0.85-1.16): the bundle, encryption and storing are lost in the
capture's own noise.

Not a test: it never fails.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from PIL import Image
from starlette.testclient import TestClient

from spoorvast.capture import portable
from spoorvast.capture.browser import BrowserSession
from spoorvast.capture.guard import listed_policy, parse_networks
from spoorvast.capture.options import CaptureOptions
from spoorvast.server.app import create_app
from spoorvast.server.capture_job import CaptureSettings, run_capture
from spoorvast.services.sharing import server_capture
from spoorvast.services.sharing.api import OPERATOR, Api
from spoorvast.services.sharing.case import SharedCase
from spoorvast.storage.objects_s3 import S3Settings
from spoorvast.storage.sharing_keys import Identity
from tests.capture.site import Response, _serve
from tests.servers import postgres_server, s3_server

OPTIONS = CaptureOptions(timeout_seconds=60, load_timeout_seconds=20, pdf=False,
                         videos=False)
SETTINGS = CaptureSettings(allow=parse_networks(["127.0.0.1"]), attempts=1,
                           retry_seconds=0, site_gap=0.0, options=OPTIONS)


def page_routes(kib: int, images: int):  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(buffer, "PNG")
    picture = buffer.getvalue()
    text = "".join(f"<p>Line {i} of a synthetic page, nothing real.</p>"
                   for i in range(kib * 1024 // 48))
    html = ("<!doctype html><html><head><title>Bench</title></head><body>" + text
            + "".join(f'<img src="/p{i}.png" width="400" height="300">'
                      for i in range(images)) + "</body></html>").encode()

    def routes(path: str, headers: dict[str, str]) -> Response:
        if path.endswith(".png"):
            return 200, "image/png", picture, {}
        return 200, "text/html; charset=utf-8", html, {}
    return routes


def bare(url: str) -> float:
    start = time.perf_counter()
    with BrowserSession() as session:
        portable.prepare(session, url, OPTIONS, "UTC", listed_policy(url, SETTINGS.allow))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kib", type=int, default=200)
    parser.add_argument("--images", type=int, default=20)
    args = parser.parse_args()
    served = _serve(page_routes(args.kib, args.images))
    url = f"http://127.0.0.1:{served.server_address[1]}/page"
    from spoorvast.server.state import ServerSettings, open_state

    with postgres_server() as pg, s3_server() as s3, tempfile.TemporaryDirectory() as tmp:
        s3.create_bucket("bench-capture")
        settings = ServerSettings(pg.create_database("bench"), S3Settings(
            s3.endpoint, "bench-capture", s3.access_key, s3.secret_key), Path(tmp) / "key",
            "bench-operator")
        state = open_state(settings)
        state.store.migrate()
        queued: list[uuid.UUID] = []
        state.capture = queued.append
        with TestClient(create_app(state), headers={OPERATOR: "bench-operator"}) as http:
            api = Api(http, Identity.generate())
            api.register()
            org = api.create_org()
            assert api.account is not None
            api.add_org_role(org, api.account, "client")
            shared = SharedCase.create(api, org, "Bench", "bench", "Ann")
            bare(url)  # warm: the first Chromium start reads its files from disk
            rows = []
            for _ in range(args.rounds):
                plain = bare(url)
                capture = server_capture.ask_capture(shared, url)
                start = time.perf_counter()
                outcome = run_capture(state, SETTINGS, capture)
                job = time.perf_counter() - start
                assert outcome == "done", outcome
                rows.append((plain, job))
                print(f"bare {plain:.2f} s · server job {job:.2f} s · ratio {job / plain:.2f}")
        state.store.close()
    served.shutdown()
    print(f"median: bare {statistics.median(r[0] for r in rows):.2f} s · server job "
          f"{statistics.median(r[1] for r in rows):.2f} s · ratio "
          f"{statistics.median(r[1] / r[0] for r in rows):.2f}")


if __name__ == "__main__":
    main()
