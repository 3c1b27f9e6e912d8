"""What routes ask for: the unlocked vault, a checked CSRF token, the current case."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request

from spoorvast.errors import NoSuchCase
from spoorvast.model.records import Case
from spoorvast.services import cases as case_service
from spoorvast.storage.vault import Vault
from spoorvast.web.jobs import JobRegistry
from spoorvast.web.security import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, csrf_valid
from spoorvast.web.session import VaultSession


class Redirect(Exception):
    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


class Forbidden(Exception):
    """A request that fails the CSRF check."""


def session_of(request: Request) -> VaultSession:
    session: VaultSession = request.app.state.session
    return session


def jobs_of(request: Request) -> JobRegistry:
    jobs: JobRegistry = request.app.state.jobs
    return jobs


def require_owner(request: Request) -> VaultSession:
    """The vault is open and this browser opened it; otherwise go to unlock (or, after a
    quick exit, to the neutral page), saying so when another browser unlocked it since."""
    session = session_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    if not session.owns(token):
        if session.exited:
            raise Redirect("/weather")
        raise Redirect("/?msg=taken-over" if session.was_taken_over(token) else "/?msg=locked")
    return session


@contextmanager
def vault_for(request: Request) -> Iterator[Vault]:
    with require_owner(request).use() as vault:
        yield vault


async def check_csrf(request: Request) -> None:
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/x-www-form-urlencoded"):  # never files
            value = (await request.form()).get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not csrf_valid(request.app.state.session.secret, request.state.sid, given):
        raise Forbidden()


def case_of(vault: Vault, case_id: int) -> Case:
    try:
        return case_service.get_case(vault, case_id)
    except NoSuchCase as exc:
        raise Redirect("/cases") from exc
