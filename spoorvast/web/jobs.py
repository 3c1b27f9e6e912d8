"""Background jobs with progress the page polls.

A job runs on its own thread with its own vault handle (see ``session.py``); one job
runs at a time (a semaphore), so the vault never has more than two connections. The
page polls ``GET /jobs/<id>`` and draws what :meth:`Job.to_json` returns (with
``textContent``: nothing in it is ever parsed as HTML).

Locking the vault asks every job to stop: work functions check ``job.cancelled``
between steps (between files, between URLs); the job closes its handle when it ends.
"""

from __future__ import annotations

import contextvars
import enum
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from spoorvast.errors import UserError
from spoorvast.i18n import N_, _
from spoorvast.services.verify import referenced_blob_names
from spoorvast.storage.base import VAULT_CHAIN
from spoorvast.storage.vault import Vault
from spoorvast.web import failures, lock_notices, wording
from spoorvast.web.session import Locked, VaultSession

MAX_KEPT = 50
_BUG = N_("Something unexpected went wrong (a bug in spoorvast). Your evidence is safe: "
          "nothing half-written was kept.")


class State(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass
class FileProgress:
    name: str
    size: int
    done: int = 0
    status: str = "waiting"  # waiting, sealing, added, duplicate, refused
    labels: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    href: str


@dataclass
class Job:
    id: str
    kind: str
    case_id: int | None
    state: State = State.QUEUED
    total: int = 0
    done: int = 0
    message: str = ""
    files: list[FileProgress] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    cancel_event: threading.Event = field(default_factory=threading.Event)
    finished_event: threading.Event = field(default_factory=threading.Event)
    ended: bool = False  # its work returned (with a vault handle); see record_running

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    @property
    def finished(self) -> bool:
        return self.state in (State.DONE, State.FAILED, State.CANCELLED)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id, "kind": self.kind, "state": self.state.value,
            "total": self.total, "done": self.done, "message": self.message,
            "files": [{"name": f.name, "size": f.size, "done": f.done, "status": f.status,
                       "labels": list(f.labels), "message": f.message} for f in self.files],
            "lines": list(self.lines),
            "links": [{"label": link.label, "href": link.href} for link in self.links],
        }


Work = Callable[[Job, Vault], None]


def _sealed(job: Job) -> int:
    return sum(1 for f in job.files if f.status in ("added", "duplicate"))


class JobRegistry:
    def __init__(self, session: VaultSession) -> None:
        self.session = session
        self._jobs: dict[str, Job] = {}
        self._one_at_a_time = threading.Semaphore(1)
        self._guard = threading.Lock()
        self._ending = threading.Lock()  # a job's end against a lock's record of it
        self._interrupted: list[Job] = []  # running when the vault locked
        session.before_close(self.record_running)
        session.on_lock(self.cancel_all)

    def submit(self, kind: str, case_id: int | None, work: Work,
               cleanup: Callable[[], None] | None = None,
               files: list[FileProgress] | None = None) -> Job:
        job = Job(secrets.token_urlsafe(12), kind, case_id, files=files or [])
        job.total = sum(f.size for f in job.files)
        with self._guard:
            self._forget_old()
            self._jobs[job.id] = job
        self._write_started(job)
        context = contextvars.copy_context()  # the request's language, among others
        thread = threading.Thread(target=context.run, args=(self._run, job, work, cleanup),
                                  name=f"spoorvast-job-{kind}", daemon=True)
        thread.start()
        return job

    def submit_alone(self, kind: str, work: Callable[[Job], None]) -> Job:
        """A job that takes the open vault to itself (a rekey, through
        ``VaultSession.rebuild``): no handle of its own, no start record and no lock
        record (its crash safety is its own); it starts when no other job runs."""
        job = Job(secrets.token_urlsafe(12), kind, None, ended=True)
        with self._guard:
            self._forget_old()
            self._jobs[job.id] = job
        context = contextvars.copy_context()
        thread = threading.Thread(target=context.run, args=(self._run_alone, job, work),
                                  name=f"spoorvast-job-{kind}", daemon=True)
        thread.start()
        return job

    def _run_alone(self, job: Job, work: Callable[[Job], None]) -> None:
        try:
            with self._one_at_a_time:
                job.state = State.RUNNING
                work(job)
                job.state = State.DONE
        except UserError as exc:
            job.state, job.message = State.FAILED, wording.message(exc.message)
        except Exception as exc:  # the job boundary, as in _run_with_handle
            failures.log_job_bug(job.kind, exc)
            job.state, job.message = State.FAILED, _(_BUG)
        finally:
            job.finished_event.set()

    def _write_started(self, job: Job) -> None:
        """Every job is written down as it starts: an app that ends before the job does
        (killed, a power cut) still has the next unlock say which (``settle_dead``)."""
        record = lock_notices.job_record(job.id, len(job.files), 0, final=False,
                                         started=True, job_kind=job.kind)
        try:
            with self.session.use() as vault:  # a lock's record covers a failure
                lock_notices.brief_write(vault, partial(lock_notices.write, vault, record))
        except Locked:  # the job will not get a handle either: its page says so
            return

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def running(self) -> list[Job]:
        """Safe from any thread: a job may submit another (an add starts the reading of
        its pictures) while the auto-lock's watchdog or a request asks this; iterating
        the live dict then raised "dictionary changed size during iteration"."""
        return [j for j in self._snapshot() if not j.finished]

    def _snapshot(self) -> list[Job]:
        with self._guard:
            return list(self._jobs.values())

    def record_running(self, vault: Vault) -> None:
        """Just before a lock closes the vault: write down each job it stops (what was
        sealed so far), so a later unlock says it even if this app ends first."""
        for job in self.running():
            with self._ending:  # never over the final count of a job ending meanwhile
                if job.ended:
                    continue
                record = lock_notices.job_record(
                    job.id, len(job.files), _sealed(job),
                    final=job.state is State.QUEUED,  # it will never start: none sealed
                    job_kind=job.kind)
                lock_notices.brief_write(vault, partial(lock_notices.write, vault, record))
                job.cancel_event.set()

    def cancel_all(self) -> None:
        running = self.running()
        with self._guard:
            self._interrupted.extend(running)
        for job in self._snapshot():
            job.cancel_event.set()
        with self._guard:  # a locked vault keeps no trace of what was done
            self._jobs = {k: j for k, j in self._jobs.items() if not j.finished}

    def take_interrupted(self, wait: float = 5.0) -> list[str]:
        """After an unlock: what a lock stopped or left unsealed (said once, from the
        vault: also what an earlier start of the app wrote there). Each input of a job
        is sealed whole or not at all; this says how many were."""
        if self._interrupted:
            for job in list(self._interrupted):
                job.finished_event.wait(wait)
        with self._guard:
            self._interrupted = [job for job in self._interrupted if not job.finished]
            ending = {job.id for job in [*self._interrupted, *self._jobs.values()]
                      if not job.finished_event.is_set()}  # their records are not done
        try:
            with self.session.use() as vault:
                return lock_notices.take(vault, ending)
        except Locked:  # locked again meanwhile: the next unlock says them
            return []

    def wait_idle(self, timeout: float = 30.0) -> bool:
        return all(job.finished_event.wait(timeout) for job in self._snapshot())

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.finished]
        for key in finished[:max(0, len(self._jobs) - MAX_KEPT)]:
            del self._jobs[key]

    def _run(self, job: Job, work: Work, cleanup: Callable[[], None] | None) -> None:
        try:
            with self._one_at_a_time:
                self._run_with_handle(job, work)
        finally:
            if cleanup is not None:
                cleanup()
            if job.cancelled:  # stopped by a lock: keep how many, not which files
                for progress in job.files:
                    progress.name, progress.message, progress.labels = "", "", ()
                job.lines.clear()
                job.links.clear()
            job.finished_event.set()

    def _run_with_handle(self, job: Job, work: Work) -> None:
        if job.cancelled:
            job.state = State.CANCELLED
            return
        try:
            handle = self.session.job_handle()
        except UserError as exc:
            job.state, job.message = State.FAILED, wording.message(exc.message)
            return
        job.state = State.RUNNING
        try:
            work(job, handle)
            job.state = State.CANCELLED if job.cancelled else State.DONE
        except UserError as exc:
            job.state, job.message = State.FAILED, wording.message(exc.message)
        except Exception as exc:  # the job boundary: a bug becomes a message, never
            failures.log_job_bug(job.kind, exc)  # evidence (its type and place: the log)
            job.state, job.message = State.FAILED, _(_BUG)
        finally:
            try:
                with self._ending:
                    job.ended = True
                    if job.cancelled:  # stopped by a lock: the final count, for the unlock
                        lock_notices.keep(handle, lock_notices.job_record(
                            job.id, len(job.files), _sealed(job), True,
                            job_kind=job.kind))
                    else:  # it ended on its own: its page said the rest
                        lock_notices.drop(handle, job.id)
            finally:
                handle.close()


DEAD_MARGIN_NS = 2_000_000_000  # a blob's time may be a little before the record's


def settle_dead(vault: Vault) -> int:
    """At an unlock with no job running in this app: for each job an earlier start of
    the app died in, remove the blobs written since it started that nothing refers to
    (ciphertext it never sealed; the count in custody). Its notice stays, for the
    unlock to say (a later unlock looks again if it was not said). Returns how many
    blobs were removed."""
    dead = lock_notices.dead_jobs(vault)
    starts = [r["at"] for r in dead if isinstance(r.get("at"), int)]
    if not starts or not vault.writable:
        return 0
    since = min(starts) - DEAD_MARGIN_NS
    gone = set(vault.blobs.names_written_since(since)) - referenced_blob_names(vault)
    if not gone:
        return 0
    try:
        with vault.store.transaction() as tx:
            tx.log(VAULT_CHAIN, "web.dead-job-blobs-removed", "blobs",
                   {"count": len(gone), "jobs": len(dead)})
    except UserError:  # a full disk: a later unlock tries again
        return 0
    for name in gone:
        vault.blobs.remove_name(name)
    return len(gone)
