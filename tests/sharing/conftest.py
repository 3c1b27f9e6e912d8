"""A real server for the sharing tests: PostgreSQL + SeaweedFS on loopback, the API
served by uvicorn in a thread on 127.0.0.1, and the real httpx client code."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from spoorvast.server.app import create_app
from spoorvast.server.state import ServerSettings, ServerState, open_state
from spoorvast.services.sharing.api import OPERATOR, Api
from spoorvast.storage.objects_s3 import S3Settings
from spoorvast.storage.sharing_keys import Identity
from tests.servers import S3, Postgres
from tests.web.conftest import CHROMIUM


@dataclass
class Harness:
    state: ServerState
    settings: ServerSettings
    database: str
    url: str = ""
    clients: list[httpx.Client] = field(default_factory=list)

    def person(self) -> Api:
        """A new account (made with the operator token, which this client sends)."""
        client = httpx.Client(base_url=self.url, timeout=60,
                              headers={OPERATOR: OPERATOR_TOKEN})
        self.clients.append(client)
        api = Api(client, Identity.generate())
        api.register()
        return api

    def org(self, admin: Api, **roles: list[Api]) -> uuid.UUID:
        org = admin.create_org()
        for role, people in roles.items():
            for person in people:
                assert person.account is not None
                admin.add_org_role(org, person.account, role)
        return org


# SeaweedFS gives each bucket volumes of its own, and the test server has room for a few
# dozen: the tests share one bucket (object keys are random), the canary test has its own.
OPERATOR_TOKEN = "operator-token-for-tests"
_SHARED_BUCKET = "sv-shared-" + uuid.uuid4().hex[:8]


def make_harness(postgres: Postgres, s3: S3, folder: Path, direct: bool = False,
                 own_bucket: bool = False) -> Harness:
    name = "sv_" + uuid.uuid4().hex[:12]
    url = postgres.create_database(name)
    bucket = "sv-" + uuid.uuid4().hex[:12] if own_bucket else _SHARED_BUCKET
    from botocore.exceptions import ClientError

    with suppress(ClientError):  # made by an earlier test of this process
        s3.create_bucket(bucket)
    settings = ServerSettings(url, S3Settings(
        s3.endpoint, bucket, s3.access_key, s3.secret_key,
        public_endpoint=s3.endpoint if direct else None), folder / "server.key",
        OPERATOR_TOKEN)
    state = open_state(settings)
    state.store.migrate()
    return Harness(state, settings, name)


@pytest.fixture
def server(postgres: Postgres, s3: S3, tmp_path: Path,
           request: pytest.FixtureRequest) -> Iterator[Harness]:
    """The server; ``@pytest.mark.parametrize("server", [{"direct": True}],
    indirect=True)`` offers signed URLs straight into the store; ``{"own_bucket": True}``
    gives it a bucket of its own."""
    options = getattr(request, "param", {})
    harness = make_harness(postgres, s3, tmp_path, **options)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    harness.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    api = uvicorn.Server(uvicorn.Config(create_app(harness.state), log_level="warning",
                                        access_log=False))
    thread = threading.Thread(target=api.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not api.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield harness
    finally:
        for client in harness.clients:
            client.close()
        api.should_exit = True
        thread.join(timeout=10)
        harness.state.store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for a module's page tests (passkeys, OIDC, the drop page)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()
