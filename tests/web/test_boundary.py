"""The web and job boundaries: a bug becomes an error page or a failed job, and one log
line with the exception's type and place in spoorvast — never its message (which may
hold evidence) — and the job registry is safe to ask from any thread while a job starts
another (the race behind an intermittent error, shown deterministically)."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import warnings
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from PIL import Image

from spoorvast.web import failures
from spoorvast.web.app import create_app
from spoorvast.web.jobs import Job, JobRegistry
from spoorvast.web.session import VaultSession
from spoorvast.web.settings import WebSettings

SECRET = "Ik weet waar je woont, Lies"  # evidence-like text in the exception's message


def _evidence_bug() -> None:
    raise ValueError(SECRET)


def _wrapped_bug() -> None:
    try:
        _evidence_bug()
    except ValueError as exc:
        raise RuntimeError(f"while reading {SECRET}") from exc


@pytest.mark.slow  # builds the app (about a second here)
def test_a_request_bug_is_logged_by_type_and_place_only(tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture
                                                        ) -> None:
    settings = WebSettings(tmp_path / "vault", 8765)
    app = create_app(settings)

    @app.get("/boom/{label}")
    def boom(label: str) -> None:
        failures_route_helper()

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport,
                                     base_url="http://127.0.0.1:8765") as http:
            return await http.get("/boom/E-0001?q=woont")

    with caplog.at_level(logging.ERROR, logger="spoorvast.web"):
        response = asyncio.run(get())
    assert response.status_code == 500
    assert SECRET not in response.text and "Traceback" not in response.text
    lines = [r.getMessage() for r in caplog.records if r.name == "spoorvast.web"]
    assert len(lines) == 1, lines
    line = lines[0]
    assert "RuntimeError" in line and "ValueError" in line  # the type, and its cause's
    assert "GET /boom/{label}" in line  # the route's pattern, not its values
    assert f"{__name__}._evidence_bug:" not in line  # tests are not spoorvast/
    for leaked in (SECRET, "woont", "E-0001", "Lies"):
        assert leaked not in line, line


def failures_route_helper() -> None:
    _wrapped_bug()


def test_the_place_is_the_innermost_frame_inside_spoorvast() -> None:
    def inner() -> None:
        failures.describe(None)  # type: ignore[arg-type]  # a real bug inside spoorvast

    try:
        inner()
    except AttributeError as exc:
        said = failures.describe(exc)
    assert said.startswith("AttributeError at spoorvast.web.failures.describe:"), said
    assert "(raised in spoorvast.web.failures)" in said


def test_a_job_bug_is_logged_by_type_and_place_only(tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture
                                                    ) -> None:
    try:
        _wrapped_bug()
    except RuntimeError as exc:
        with caplog.at_level(logging.ERROR, logger="spoorvast.web"):
            failures.log_job_bug("add", exc)
    line = caplog.records[-1].getMessage()
    assert line.startswith("spoorvast bug in a add job: RuntimeError at outside spoorvast")
    assert "from ValueError" in line and SECRET not in line


class _StartsAnother(Job):
    """A job that, the moment someone asks whether it finished, has another thread
    start a job (as an add job starts the reading of its pictures) and waits for it:
    the barrier that makes the race happen every time."""

    registry: JobRegistry | None = None
    fired: bool = False

    @property
    def finished(self) -> bool:
        if not self.fired and self.registry is not None:
            self.fired = True
            other = threading.Thread(target=self.registry.submit,
                                     args=("ocr", None, lambda job, vault: None))
            other.start()
            other.join(5)
            assert not other.is_alive(), "submit waited on the caller: a deadlock"
        return False


@pytest.mark.parametrize("ask", ["running", "busy", "cancel_all"])
def test_asking_while_a_job_starts_another_is_safe(tmp_path: Path, ask: str) -> None:
    session = VaultSession(WebSettings(tmp_path / "vault", 8765))  # locked: jobs fail fast
    registry = JobRegistry(session)
    session.waits_for(lambda: bool(registry.running()))
    job = _StartsAnother("hook", "add", None)
    job.registry = registry
    registry._jobs[job.id] = job
    if ask == "running":
        assert job in registry.running()
    elif ask == "busy":  # the auto-lock watchdog's and POST /lock's question
        assert session.busy()
    else:
        registry.cancel_all()
    assert job.fired
    job.finished_event.set()  # never run: only the job it started runs (and fails: locked)
    assert registry.wait_idle(10)


class _Recording(warnings.catch_warnings):
    """``warnings.catch_warnings`` that notes which module entered it (it behaves the
    same): who changes the process-wide warning filters during a request."""

    entered: ClassVar[list[str]] = []

    def __enter__(self) -> Any:
        caller = sys._getframe(1).f_globals.get("__name__", "?")
        self.entered.append(str(caller))
        return super().__enter__()


def _picture_reading(stop: threading.Event) -> None:
    """What a job thread does while it reads pictures (``analysis/ocr/picture.py``)."""
    while not stop.is_set():
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)


@pytest.mark.slow  # builds the app and runs its start (about two seconds here)
def test_requests_after_start_leave_the_warning_filters_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CI 500: FastAPI built a route's parameters at its first request inside
    ``catch_warnings`` while a job thread read a picture inside its own; the filters
    one restored undid the other's, and a silenced warning became an error. Now the
    routes are built at start: a request enters no ``catch_warnings`` (deterministic),
    and first requests while a picture is being read never fail."""
    app = create_app(WebSettings(tmp_path / "vault", 8765))
    _Recording.entered = []

    async def first_requests() -> list[int]:
        async with app.router.lifespan_context(app):
            monkeypatch.setattr(warnings, "catch_warnings", _Recording)
            stop = threading.Event()
            reader = threading.Thread(target=_picture_reading, args=(stop,))
            reader.start()
            try:
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport,
                                             base_url="http://127.0.0.1:8765") as http:
                    return [(await http.get(path)).status_code
                            for path in ("/jobs/abc", "/settings", "/c/1/notes", "/verify")]
            finally:
                stop.set()
                reader.join()

    codes = asyncio.run(first_requests())
    assert 500 not in codes, codes
    assert not [m for m in _Recording.entered if m.startswith(("fastapi", "pydantic"))], \
        sorted(set(_Recording.entered))
