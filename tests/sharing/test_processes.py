"""``spoorvast server`` and ``spoorvast worker`` as real processes on PostgreSQL +
SeaweedFS: notices fan out through the worker; an API process killed (-9) in the middle
of an upload loses nothing, and the add resumes against a new process."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from spoorvast.server.worker import sweep
from spoorvast.services.sharing.api import OPERATOR, Api, ServerRefused
from spoorvast.services.sharing.case import PART, SharedCase
from spoorvast.storage.sharing_keys import Identity
from tests.servers import S3, Postgres, free_port
from tests.sharing.conftest import OPERATOR_TOKEN, Harness


class Processes:
    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env, self.folder, self.port = env, folder, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.running: list[subprocess.Popen[bytes]] = []
        self.clients: list[httpx.Client] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        with (self.folder / f"{args[0]}-{len(self.running)}.log").open("wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "spoorvast", *args],
                                    env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.running.append(proc)
        return proc

    def api(self) -> subprocess.Popen[bytes]:
        proc = self.start("server", "--port", str(self.port))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/server", timeout=2).status_code == 200:
                    return proc
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError("server did not start")

    def person(self) -> Api:
        self.clients.append(httpx.Client(base_url=self.url, timeout=60,
                                         headers={OPERATOR: OPERATOR_TOKEN}))
        api = Api(self.clients[-1], Identity.generate())
        api.register()
        return api

    def stop(self) -> None:
        for client in self.clients:
            client.close()
        for proc in self.running:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)


@pytest.fixture
def processes(postgres: Postgres, s3: S3, tmp_path: Path) -> Iterator[Processes]:
    name = "svp_" + uuid.uuid4().hex[:10]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2]),
           "SPOORVAST_DATABASE_URL": postgres.create_database(name),
           "SPOORVAST_S3_ENDPOINT": s3.endpoint, "SPOORVAST_S3_ACCESS_KEY": s3.access_key,
           "SPOORVAST_S3_SECRET_KEY": s3.secret_key,
           "SPOORVAST_S3_BUCKET": "svp-" + uuid.uuid4().hex[:10],
           "SPOORVAST_SERVER_KEY_FILE": str(tmp_path / "server.key"),
           "SPOORVAST_SERVER_OPERATOR_TOKEN": OPERATOR_TOKEN}
    running = Processes(env, tmp_path)
    try:
        yield running
    finally:
        running.stop()


def test_worker_fans_out_and_a_killed_api_loses_nothing(processes: Processes) -> None:
    assert processes.start("server", "--migrate").wait(timeout=120) == 0
    api = processes.api()
    processes.start("worker")
    victim, advocate = processes.person(), processes.person()
    org = victim.create_org()
    assert victim.account is not None and advocate.account is not None
    victim.add_org_role(org, victim.account, "client")
    case = SharedCase.create(victim, org, "t", "p", "Ann")
    case.add_member(advocate.account, "advocate", "Bo", "help")
    newest = case.add_record("note", {"text": "first"})
    deadline = time.monotonic() + 60
    while advocate.notices() != [{"case": str(case.case_id), "latest_seq": newest}]:
        assert time.monotonic() < deadline, advocate.notices()
        time.sleep(0.3)

    data, record = os.urandom(3 * PART), uuid.uuid4()

    def kill_after_first_part(done: int, total: int) -> None:
        if done >= PART and api.poll() is None:
            api.send_signal(signal.SIGKILL)
            api.wait()

    with pytest.raises((httpx.TransportError, ServerRefused)):
        case.add_item("big.bin", "file", io.BytesIO(data), len(data), "Ann",
                      kill_after_first_part, record)
    processes.api()
    seq = case.add_item("big.bin", "file", io.BytesIO(data), len(data), "Ann", None,
                        record).seq
    again = case.add_item("big.bin", "file", io.BytesIO(data), len(data), "Ann", None,
                          record)
    reader = SharedCase(advocate, case.case_id)
    reader.load_keys()
    items = [r for r in reader.pull() if r.kind == "item"]
    assert [r.seq for r in items] == [seq] and (again.seq, again.new) == (seq, False)
    assert reader.fetch_bytes(items[0]) == data


def test_sweep_ends_expired_grants_on_the_chain(server: Harness) -> None:
    victim, helper = server.person(), server.person()
    org = server.org(victim, client=[victim])
    case = SharedCase.create(victim, org, "t", "p", "Ann")
    assert helper.account is not None
    soon = datetime.now(UTC) + timedelta(seconds=1)
    case.add_member(helper.account, "contributor", "Cy", "one week", soon)
    assert helper.case(case.case_id)["role"] == "contributor"
    time.sleep(1.2)
    with pytest.raises(ServerRefused):
        helper.case(case.case_id)  # ended at the expiry, before any sweep
    assert sweep(server.state.store) == 1
    assert sweep(server.state.store) == 0
    last = victim.chain(case.case_id)[-1]
    import base64
    import json
    assert json.loads(base64.b64decode(last["body"]))["action"] == "expire"
