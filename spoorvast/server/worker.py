"""Server jobs on Procrastinate (PostgreSQL): what ``spoorvast worker`` processes run.

- ``spoorvast.fan_out``: after a push, raise each reader's notice of the case to its
  newest record (a counter per member the client polls at ``/notices``). One job per
  case waits at a time (a queueing lock); it reads the newest seq when it runs, so
  pushes that come while it waits are not lost.
- ``spoorvast.sweep_expired`` (every minute): grants past their expiry are ended and an
  ``expire`` entry the server signs goes on the case's chain. (Access already stops at
  the expiry itself: every request checks it; the sweep writes it down.)
- ``spoorvast.clean_abandoned`` (hourly): an upload, or a drop from a drop-box device,
  begun longer ago than ``abandoned_after`` (``SPOORVAST_ABANDONED_HOURS``, a day by
  default) and never finished (the app or the phone gave up, the case was left) is
  thrown away: its row, its parts (the S3 multipart upload is aborted) and any object
  under its key; a dropped file's room in the quota is free again. (A finished blob
  that no record names cannot be told apart here: records are sealed; see the report.)
- ``spoorvast.retry_stalled`` (every minute, and once when a worker starts): a job left
  in ``doing`` by a worker that stopped sending heartbeats (killed, machine gone) is
  queued again, so a ``kill -9`` mid-job loses nothing. Every job here is idempotent
  (a fan-out raises notices to the newest seq, a sweep ends what is still due), so a
  job run twice does no harm. Workers beat every third of ``stalled_seconds``.

- ``spoorvast.capture``: a capture on the server (asked by a member, or a watch's run):
  see ``capture_job.py``; a failure that may pass is tried again after a doubling wait,
  up to the deployment's number of attempts.
- ``spoorvast.watch_tick`` (every minute): a run of each due watch, queued as a capture
  (see ``watch_job.py``).

Any number of worker processes may run, on any machine that reaches the database.
"""

from __future__ import annotations

import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.retry import RetryDecision

from spoorvast.server.capture_job import CaptureSettings, RetryLater, run_capture
from spoorvast.server.state import CaptureQueue, FanOut, ServerState
from spoorvast.storage.objects_s3 import ObjectStore
from spoorvast.storage.server_drops import DropStore
from spoorvast.storage.server_pg import ServerStore

QUEUE = "spoorvast"


STALLED_SECONDS = 30.0
ABANDONED_AFTER = timedelta(days=1)


@dataclass
class _Holder:
    store: ServerStore | None = None
    objects: ObjectStore | None = None
    stalled_seconds: float = STALLED_SECONDS
    abandoned_after: timedelta = ABANDONED_AFTER
    state: ServerState | None = None
    capture: CaptureSettings | None = None


class _Doubling(procrastinate.RetryStrategy):
    """Retry a :class:`RetryLater` after ``wait`` seconds, doubled at each attempt."""

    def get_retry_decision(self, *, exception: BaseException, job: procrastinate.jobs.Job
                           ) -> RetryDecision | None:
        if not isinstance(exception, RetryLater) or \
                (self.max_attempts and job.attempts >= self.max_attempts):
            return None
        return RetryDecision(retry_in={"seconds": self.wait * 2 ** min(job.attempts, 16)})


_held = _Holder()


def make_jobs(database_url: str, capture: CaptureSettings | None = None
              ) -> procrastinate.App:
    jobs = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=database_url))
    settings = capture or CaptureSettings.from_env()
    _held.capture = settings

    @jobs.task(name="spoorvast.capture", queue=QUEUE, retry=_Doubling(
        max_attempts=settings.attempts, wait=settings.retry_seconds))
    def capture_job(capture: str) -> str:
        assert _held.state is not None and _held.capture is not None
        return run_capture(_held.state, _held.capture, uuid.UUID(capture))

    @jobs.periodic(cron="* * * * *", periodic_id="watches")
    @jobs.task(name="spoorvast.watch_tick", queue=QUEUE, queueing_lock="watch-tick")
    def watch_tick(timestamp: int) -> int:
        from spoorvast.server.watch_job import tick

        return tick(_store(), capture_deferrer(jobs))

    @jobs.task(name="spoorvast.fan_out", queue=QUEUE)
    def fan_out(case: str) -> int:
        store = _store()
        row = store.case(uuid.UUID(case))
        return store.bump_notices(row.id, row.last_seq, None) if row else 0

    @jobs.periodic(cron="* * * * *", periodic_id="sweep")
    @jobs.task(name="spoorvast.sweep_expired", queue=QUEUE)
    def sweep_expired(timestamp: int) -> int:
        return sweep(_store())

    @jobs.periodic(cron="17 * * * *", periodic_id="abandoned")
    @jobs.task(name="spoorvast.clean_abandoned", queue=QUEUE)
    def clean_abandoned_job(timestamp: int) -> int:
        assert _held.objects is not None
        return clean_abandoned(_store(), _held.objects, _held.abandoned_after)

    @jobs.periodic(cron="* * * * *", periodic_id="stalled")
    @jobs.task(name="spoorvast.retry_stalled", queue=QUEUE, queueing_lock="retry-stalled")
    async def retry_stalled(timestamp: int) -> int:
        found = list(await jobs.job_manager.get_stalled_jobs(
            seconds_since_heartbeat=_held.stalled_seconds))
        for job in found:
            if job.task_name != "spoorvast.retry_stalled":
                await jobs.job_manager.retry_job(job)
        return len(found)

    return jobs


def _store() -> ServerStore:
    assert _held.store is not None, "the worker opens the store before it runs jobs"
    return _held.store


def sweep(store: ServerStore) -> int:
    ended = store.expired_grants()
    for case, account in ended:
        store.revoke(case, account, {"action": "expire", "member": str(account)}, None)
    return len(ended)


def clean_abandoned(store: ServerStore, objects: ObjectStore, older_than: timedelta) -> int:
    dropped = 0
    for case_id, blob_id in store.abandoned_blobs(older_than):
        found = store.drop_unfinished_blob(case_id, blob_id)
        if found is not None:  # forgotten first: a late 'complete' now finds nothing
            objects.discard(found.object_key, found.upload_id)
            dropped += 1
    return dropped + clean_abandoned_drops(DropStore(store), objects, older_than)


def clean_abandoned_drops(drops: DropStore, objects: ObjectStore, older_than: timedelta
                          ) -> int:
    thrown = 0
    for case_id, upload in drops.abandoned(older_than):
        found = drops.forget_unfinished(case_id, upload)
        if found is not None:  # forgotten first: a late part or finish now finds nothing
            objects.discard(found.object_key, found.s3_upload)
            thrown += 1
    return thrown


def apply_schema(jobs: procrastinate.App, store: ServerStore) -> bool:
    """Procrastinate's own tables, once (a second start finds them)."""
    if store.has_table("procrastinate_jobs"):
        return False
    jobs.schema_manager.apply_schema()
    return True


def deferrer(jobs: procrastinate.App) -> FanOut:
    """The API's way to ask for a fan-out (the app must be open: ``jobs.open()``)."""

    def defer(case: uuid.UUID, seq: int, author: uuid.UUID) -> None:
        # a job already waiting for this case reads the newest seq when it runs
        with suppress(AlreadyEnqueued):
            jobs.configure_task("spoorvast.fan_out", queueing_lock=f"fan-out:{case}"
                                ).defer(case=str(case))
    return defer


def capture_deferrer(jobs: procrastinate.App) -> CaptureQueue:
    """The API's (and the watch tick's) way to queue a capture job."""

    def defer(capture: uuid.UUID) -> None:
        jobs.configure_task("spoorvast.capture").defer(capture=str(capture))
    return defer


def run(state: ServerState, jobs: procrastinate.App, concurrency: int = 2,
        wait: bool = True, stalled_seconds: float = STALLED_SECONDS) -> None:
    """Run jobs until stopped; *jobs* comes open (``jobs.open()``) and is closed here
    before the worker opens its own connections."""
    _held.store, _held.objects, _held.state = state.store, state.objects, state
    _held.stalled_seconds = stalled_seconds
    _held.abandoned_after = state.abandoned_after
    with suppress(AlreadyEnqueued):  # jobs a dead worker left: look at once
        jobs.configure_task("spoorvast.retry_stalled", queueing_lock="retry-stalled"
                            ).defer(timestamp=0)
    jobs.close()
    jobs.run_worker(queues=[QUEUE], concurrency=concurrency, wait=wait,
                    install_signal_handlers=wait,
                    update_heartbeat_interval=stalled_seconds / 3,
                    stalled_worker_timeout=stalled_seconds)
