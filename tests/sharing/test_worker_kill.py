"""A worker killed (-9) in the middle of a job loses nothing: the job stays 'doing' with
the dead worker's last heartbeat, and the next worker to start queues it again
(``spoorvast.retry_stalled``); the fan-out then reaches the reader."""

from __future__ import annotations

import signal
import time

import psycopg

from spoorvast.services.sharing.case import SharedCase
from tests.sharing.test_processes import Processes, processes  # noqa: F401 (fixture)


def fan_out_states(url: str) -> list[tuple[str, int]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT status, attempts FROM procrastinate_jobs WHERE "
                            "task_name = 'spoorvast.fan_out' ORDER BY id").fetchall()
    return [(str(r[0]), int(r[1])) for r in rows]


def wait_for(what: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not what():  # type: ignore[operator]
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.2)


def test_a_worker_killed_mid_job_loses_nothing(processes: Processes) -> None:  # noqa: F811
    processes.env["SPOORVAST_WORKER_STALLED_SECONDS"] = "2"
    url = processes.env["SPOORVAST_DATABASE_URL"]
    assert processes.start("server", "--migrate").wait(timeout=120) == 0
    processes.api()
    victim, advocate = processes.person(), processes.person()
    org = victim.create_org()
    assert victim.account is not None and advocate.account is not None
    victim.add_org_role(org, victim.account, "client")
    case = SharedCase.create(victim, org, "t", "p", "Ann")
    case.add_member(advocate.account, "advocate", "Bo", "help")
    with psycopg.connect(url) as holder:  # the job will wait on this lock, mid-run
        holder.execute("LOCK TABLE notices IN EXCLUSIVE MODE")
        newest = case.add_record("note", {"text": "while the worker dies"})
        first = processes.start("worker")
        wait_for(lambda: ("doing", 0) in fan_out_states(url))
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        holder.rollback()
    assert ("doing", 0) in fan_out_states(url) and advocate.notices() == []
    time.sleep(3)  # the dead worker's last heartbeat is now older than 2 s
    processes.start("worker")
    wait_for(lambda: advocate.notices() == [{"case": str(case.case_id),
                                             "latest_seq": newest}])
    assert "doing" not in {state for state, _ in fan_out_states(url)}
