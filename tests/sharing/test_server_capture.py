"""Capture on the server (PostgreSQL + SeaweedFS + Procrastinate + Chromium, loopback):
an advocate asks, a worker captures a page served on 127.0.0.1 (listed as allowed) in
a fresh browser whose scratch folder is gone afterwards, and drops it to the case; the
owner's vault seals it at sync as one capture item whose custody names the job, with
each file's SHA-256 as captured; the server (database dump and bucket) holds none of
the page's words nor its address; the browser cannot reach a loopback address not
listed (a subresource to it is refused, a target on it fails at once); a page that does
not answer is tried again and then reported failed; a contributor may not ask."""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from spoorvast.capture.guard import parse_networks
from spoorvast.capture.options import CaptureOptions
from spoorvast.model.records import Case, ItemKind
from spoorvast.server import worker
from spoorvast.server.capture_job import CaptureSettings
from spoorvast.services.cases import create_case
from spoorvast.services.sharing import server_capture, sync
from spoorvast.services.sharing.api import Api
from spoorvast.services.sharing.case import SharedCase
from spoorvast.storage import scratch
from spoorvast.storage.vault import Vault
from tests.capture.site import Response, _serve
from tests.conftest import Cli
from tests.servers import Postgres
from tests.sharing.conftest import Harness
from tests.sharing.test_canaries import forms, server_bytes
from tests.sharing.test_processes import Processes, processes  # noqa: F401  (fixture)
from tests.sharing.test_vault_sync import open_vault

pytestmark = pytest.mark.slow

CANARIES = {"words": "Zwanenburg-Kwak dreigt bij de blauwe poort 7731",
            "title": "Profiel Oosterveld-Quast",
            "path": "/profiel-ijsselstein-doorslaer-4471"}
SETTINGS = CaptureSettings(
    allow=parse_networks(["127.0.0.1"]), attempts=2, retry_seconds=0, site_gap=0.0,
    options=CaptureOptions(timeout_seconds=30, load_timeout_seconds=10, settle_seconds=0.3,
                           min_dwell_seconds=0.2, idle_timeout_seconds=2,
                           watch_after_seconds=0.2, pdf=False, videos=False))


class _Internal:
    """A service on 127.0.0.2 (loopback, not listed): it counts what reaches it."""

    def __init__(self) -> None:
        self.hits = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.hits += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.2:{self.server.server_address[1]}"


@dataclass
class Site:
    internal: _Internal
    words: str = CANARIES["words"]
    name: str = "Bram Subject"
    served: list[str] = field(default_factory=list)

    def routes(self, path: str, headers: dict[str, str]) -> Response:
        self.served.append(path)
        html = (f"<!doctype html><html><head><title>{CANARIES['title']}</title></head>"
                f"<body><h1>{self.name}</h1><p>{self.words}</p>"
                f'<img src="{self.internal.base}/admin.png" width="10" height="10">'
                "</body></html>")
        return 200, "text/html; charset=utf-8", html.encode(), {}


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    internal = _Internal()
    page = Site(internal)
    served = _serve(page.routes)
    yield page, f"http://127.0.0.1:{served.server_address[1]}"
    for one in (served, internal.server):
        one.shutdown()
        one.server_close()


@pytest.fixture
def queue(server: Harness) -> Iterator[None]:
    """The API queues capture jobs in the server's database."""
    jobs = worker.make_jobs(server.settings.database_url, SETTINGS)
    jobs.open()
    worker.apply_schema(jobs, server.state.store)
    server.state.capture = worker.capture_deferrer(jobs)
    yield
    server.state.capture = None
    jobs.close()


def work(server: Harness) -> None:
    """One worker runs every queued job, then stops."""
    jobs = worker.make_jobs(server.settings.database_url, SETTINGS)
    jobs.open()
    worker.run(server.state, jobs, concurrency=1, wait=False)


@contextmanager
def two_members(server: Harness, tmp_path: Path
                ) -> Iterator[tuple[tuple[Vault, Case, Api], tuple[Vault, Case, Api]]]:
    with open_vault(tmp_path / "ann") as ann_vault, open_vault(tmp_path / "bo") as bo_vault:
        ann = Api(server.person().http, sync.identity(ann_vault))
        ann.register()
        bo = Api(server.person().http, sync.identity(bo_vault))
        bo.register()
        org = server.org(ann, client=[ann])
        ann_case = create_case(ann_vault, "Case of Ann", "nl", "Europe/Brussels")
        link = sync.share(ann_vault, ann_case, ann, org, "Ann", "support")
        owner = SharedCase(ann, link.case)
        owner.load_keys()
        assert bo.account is not None
        owner.add_member(bo.account, "advocate", "Bo", "support")
        bo_case = sync.join(bo_vault, bo, link.case, "nl", "Europe/Brussels")
        yield (ann_vault, ann_case, ann), (bo_vault, bo_case, bo)


def _shared(vault: Vault, case: Case, api: Api) -> SharedCase:
    link = sync.link_of(vault, case)
    assert link is not None
    shared = SharedCase(api, link.case)
    shared.load_keys()
    return shared


def _mine() -> set[str]:
    base = scratch.memory_base()
    assert base is not None
    return {p.name for p in base.iterdir() if p.name.startswith(f"spv-browser-{os.getpid()}-")}


@pytest.mark.parametrize("server", [{"own_bucket": True}], indirect=True)
def test_an_advocate_asks_a_worker_captures_the_owner_seals(
        server: Harness, postgres: Postgres, queue: None, site: tuple[Site, str],
        tmp_path: Path) -> None:
    page, base = site
    url = base + CANARIES["path"]
    with two_members(server, tmp_path) as ((ann_vault, ann_case, ann), (_, _, bo)):
        shared = _shared(ann_vault, ann_case, ann)
        asking = SharedCase(bo, shared.case_id)
        asking.load_keys()
        capture = server_capture.ask_capture(asking, url)
        assert server_capture.capture_state(asking, capture)["status"] == "queued"
        before = _mine()
        work(server)
        state = server_capture.capture_state(asking, capture)
        assert (state["status"], state["attempts"], state["error"]) == ("done", 1, None)
        assert _mine() == before  # the job's browser folder is gone
        assert CANARIES["path"] in page.served
        assert page.internal.hits == 0  # the listed host only: 127.0.0.2 refused

        everything = server_bytes(server, postgres)
        assert b"procrastinate_jobs" in everything and str(capture).encode() in everything
        _no_canary(server, postgres)

        report = sync.sync(ann_vault, ann_case, ann)
        assert len(report.dropped) == 1 and report.drops_refused == []
        assert report.pushed == 0  # every member seals the drop: it is not sent again
        items = [i for i in ann_vault.store.items(ann_case.id or 0)
                 if i.kind is ItemKind.CAPTURE]
        assert len(items) == 1 and items[0].label == report.dropped[0]
        # the server's clock (UTC) is shown as the case writes time: same moment
        started = items[0].acquired_at
        assert started.zone == ann_case.time_zone != "UTC"
        assert started.offset_seconds in (3600, 7200)
        files = {a.name: a for a in ann_vault.store.artifacts(items[0].id or 0)}
        assert {"capture.json", "dom.html"} <= set(files)
        dom = ann_vault.blobs.read_bytes(files["dom.html"].sha256)
        assert CANARIES["words"].encode() in dom
        custody = ann_vault.store.custody(f"case-{ann_case.id}")
        sealed = [e for e in custody if e.action == "share.server-capture"]
        dropped = [e for e in custody if e.action == "share.dropped"]
        assert sealed[0].payload["server_capture_job"] == str(capture)
        assert sealed[0].payload["captured_at"] == started.utc.isoformat()
        assert sealed[0].payload["artifacts"] == {n: a.sha256 for n, a in files.items()}
        assert dropped[0].payload["server_capture_job"] == str(capture)
        assert dropped[0].payload["granted_by_name"] == "Bo"
        assert sync.sync(ann_vault, ann_case, ann).dropped == []
        # the one-time grant the server held the pairing key of ends with the capture
        from spoorvast.services.sharing.drops import grants

        grant_of = {str(g["grant"]): g for g in grants(shared)}
        (ended,) = [e for e in custody if e.action == "share.capture-grant-ended"]
        assert grant_of[str(ended.payload["grant"])]["revoked"] is True
        assert dropped[0].payload["grant"] == ended.payload["grant"]


def test_a_target_not_listed_fails_at_once_and_a_dead_page_is_retried(
        server: Harness, queue: None, site: tuple[Site, str], tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    page, _base = site
    with two_members(server, tmp_path) as ((ann_vault, ann_case, ann), _):
        shared = _shared(ann_vault, ann_case, ann)
        refused = server_capture.ask_capture(shared, page.internal.base + "/")
        closed = _closed_port()
        dead = server_capture.ask_capture(shared, f"http://127.0.0.1:{closed}/")
        caplog.set_level(logging.DEBUG)
        work(server)
        assert "RetryLater" in caplog.text  # the worker's log is captured here...
        for address in (page.internal.base, f"127.0.0.1:{closed}"):
            assert address not in caplog.text  # ...and never names an address
        assert page.internal.hits == 0
        state = server_capture.capture_state(shared, refused)
        assert (state["status"], state["error"], state["attempts"]) == (
            "failed", "address_refused", 1)
        state = server_capture.capture_state(shared, dead)
        assert (state["status"], state["attempts"]) == ("failed", SETTINGS.attempts)
        assert state["error"] == "page_did_not_answer"
        listed = {c["capture"]: c["status"] for c in server_capture.captures(shared)}
        assert listed == {str(refused): "failed", str(dead): "failed"}
        assert sync.sync(ann_vault, ann_case, ann).dropped == []


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_who_may_ask(server: Harness, queue: None, tmp_path: Path) -> None:
    with two_members(server, tmp_path) as ((ann_vault, ann_case, ann), _):
        shared = _shared(ann_vault, ann_case, ann)
        contributor, outsider = server.person(), server.person()
        assert contributor.account is not None
        shared.add_member(contributor.account, "contributor", "Cy", "adds")
        body = {"capture": str(uuid.uuid4()), "grant": str(uuid.uuid4()), "sealed": "AAAA"}
        for api, wanted in ((contributor, 403), (outsider, 404)):
            answer = api.request("POST", f"/cases/{shared.case_id}/captures", json=body)
            assert answer.status_code == wanted
        answer = ann.request("POST", f"/cases/{shared.case_id}/captures", json=body)
        assert answer.json()["error"]["code"] == "no_such_grant"


def _no_canary(server: Harness, postgres: Postgres) -> None:
    everything = server_bytes(server, postgres)
    found = [name for name, word in CANARIES.items() for form in forms(word)
             if form in everything]
    found += [name for name, word in CANARIES.items() for part in word.split()
              if len(part) >= 9 and part.encode() in everything]
    assert found == [] and b"127.0.0.1:" not in everything


@pytest.mark.parametrize("server", [{"own_bucket": True}], indirect=True)
def test_a_watch_runs_on_the_server_and_each_vault_classifies(
        server: Harness, postgres: Postgres, queue: None, site: tuple[Site, str],
        tmp_path: Path) -> None:
    from spoorvast.server.watch_job import tick
    from spoorvast.services.watch import server_mode, store
    from spoorvast.services.watch.model import ChangeKind

    page, base = site
    url = base + CANARIES["path"]
    with two_members(server, tmp_path) as ((ann_vault, ann_case, ann), (bo_vault, bo_case,
                                                                        bo)):
        mine = _shared(bo_vault, bo_case, bo)
        watch = server_mode.add(bo_vault, bo_case, mine, url, 3600)
        assert watch.server is not None
        assert server.state.capture is not None
        assert tick(server.state.store, server.state.capture) == 1
        assert tick(server.state.store, server.state.capture) == 0  # held until it ran
        work(server)
        page.words = CANARIES["words"].replace("blauwe", "rode")
        server_capture.run_watch(mine, uuid.UUID(watch.server))
        assert tick(server.state.store, server.state.capture) == 1
        work(server)
        runs = [c for c in server_capture.captures(mine) if c["watch"] == watch.server]
        assert [c["status"] for c in runs] == ["done", "done"]
        listed = mine.api._call("GET", f"/cases/{mine.case_id}/watches")
        assert listed[0]["failures"] == 0
        from datetime import datetime

        wait = (datetime.fromisoformat(listed[0]["next_at"])
                - datetime.fromisoformat(listed[0]["last_run_at"])).total_seconds()
        assert 3600 <= wait <= 3600 * 1.1 + 5  # never sooner than asked; jitter on top

        _no_canary(server, postgres)  # the watch's address and pages too
        server_capture.change_watch(mine, uuid.UUID(watch.server), paused=True)
        assert tick(server.state.store, server.state.capture) == 0

        for vault, case, api in ((ann_vault, ann_case, ann), (bo_vault, bo_case, bo)):
            report = sync.sync(vault, case, api)
            assert len(report.dropped) == 2, report.drops_refused
            found = server_mode.of_server(vault, case, watch.server)
            assert found is not None and found.runs == 2 and found.url == url
            assert found.first == report.dropped[0]
            assert store.last_changes(vault, found) == (ChangeKind.EDITED,)
            edited = [f for f in vault.store.findings(case.id or 0)
                      if f.code == "watch.edited"]
            assert len(edited) == 1


def test_the_commands(server: Harness, queue: None, site: tuple[Site, str], cli: Cli,
                      tmp_path: Path, vault_dir: Path) -> None:
    import re

    from tests.sharing.conftest import OPERATOR_TOKEN

    page, base = site
    ann = ["--vault", str(tmp_path / "ann"), "--lang", "en"]
    assert cli(*ann, "init").code == 0
    assert cli(*ann, "case", "new", "Berichten van X", "--lang", "en").code == 0
    account = re.search(r"account: (\S+)", cli(
        *ann, "case", "join", server.url, "--operator-token", OPERATOR_TOKEN).out)
    org = re.search(r"Organisation (\S+)", cli(*ann, "org", "create", "--server", server.url,
                                                 "--operator-token", OPERATOR_TOKEN).out)
    assert account and org
    assert cli(*ann, "org", "grant", "--server", server.url, org[1], account[1],
               "client").code == 0
    assert cli(*ann, "case", "share", "--server", server.url, "--org", org[1],
               "--name", "Ann").code == 0
    bad = cli(*ann, "case", "capture", "ftp://example.org/")
    assert bad.code == 2 and "ftp://example.org/" in bad.err and "Traceback" not in bad.err
    asked = cli(*ann, "case", "capture", base + "/bram")
    assert asked.code == 0, asked.err
    job = re.search(r"Capture (\S+) asked", asked.out)
    assert job
    assert "waiting for a worker" in cli(*ann, "case", "captures").out
    added = cli(*ann, "watch", "add", base + "/watched", "--every", "1h", "--on-server")
    assert added.code == 0 and "on the server" in added.out, added.err
    assert "watching (on the server)" in cli(*ann, "watch", "list").out
    ran = cli(*ann, "watch", "run", "--all")
    assert "asked of the server" in ran.out, ran.out + ran.err
    assert server.state.capture is not None
    from spoorvast.server.watch_job import tick

    assert tick(server.state.store, server.state.capture) == 1
    work(server)
    assert {"/bram", "/watched"} <= set(page.served)
    listed = cli(*ann, "case", "captures").out
    assert job[1] in listed and listed.count("done") == 2, listed
    synced = cli(*ann, "case", "sync")
    assert synced.code == 0 and "E-0001" in synced.out and "E-0002" in synced.out, synced.out
    assert "first capture" in cli(*ann, "watch", "list").out
    assert cli(*ann, "watch", "pause", "1").code == 0
    from spoorvast.storage.server_captures import CaptureStore

    rows = CaptureStore(server.state.store)
    made = rows.get(uuid.UUID(job[1]))
    assert made is not None
    watches = rows.watches(made.case_id)
    assert [w.paused for w in watches] == [True]
    checked = cli(*ann, "verify")
    assert checked.code == 0, checked.out + checked.err


def test_real_server_and_worker_processes_capture(processes: Processes,  # noqa: F811
                                                  site: tuple[Site, str]) -> None:
    """``spoorvast server`` queues, ``spoorvast worker`` captures (its own Chromium),
    with the allowed network set by its environment; the log holds no address."""
    import time

    page, base = site
    processes.env["SPOORVAST_CAPTURE_ALLOW"] = "127.0.0.1"
    assert processes.start("server", "--migrate").wait(timeout=120) == 0
    processes.api()
    processes.start("worker")
    owner = processes.person()
    org = owner.create_org()
    assert owner.account is not None
    owner.add_org_role(org, owner.account, "client")
    shared = SharedCase.create(owner, org, "t", "p", "Ann")
    capture = server_capture.ask_capture(shared, base + CANARIES["path"])
    deadline = time.monotonic() + 240
    state = server_capture.capture_state(shared, capture)
    while state["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, state
        time.sleep(0.5)
        state = server_capture.capture_state(shared, capture)
    assert state["status"] == "done", state
    assert CANARIES["path"] in page.served and page.internal.hits == 0
    logs = b"".join(p.read_bytes() for p in processes.folder.glob("*.log"))
    assert CANARIES["path"].encode() not in logs and base.encode() not in logs
