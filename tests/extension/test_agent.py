"""With the vault unlocked in the web app, a capture the host receives is sealed at once
and the host answers "sealed as E-0001" with the account found; locked, it answers
"kept in the inbox" without waiting, and the web unlock seals it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.storage import inbox
from spoorvast.web.inbox_agent import InboxAgent
from spoorvast.web.session import VaultSession
from spoorvast.web.settings import WebSettings
from tests.extension.pages import IG_A
from tests.extension.test_inbox import root, send_capture

__all__ = ["root"]


@pytest.fixture
def web_session(root: Path) -> Iterator[VaultSession]:
    opened = VaultSession(WebSettings(root, 0))
    yield opened
    opened.lock()


def test_unlocked_web_app_seals_at_once_and_the_host_says_where(
        root: Path, web_session: VaultSession) -> None:
    agent = InboxAgent(web_session, interval=0.05)
    web_session.unlock("synthetic passphrase")
    assert inbox.agent_present(root)
    agent.start()
    try:
        done = send_capture(root)
    finally:
        agent.stop()
    assert (done["where"], done["label"], done["account"], done["viewer"]) == (
        "sealed", "E-0001", "bram.subject", IG_A)
    assert inbox.entries(root) == [] and not list((root / "inbox").glob("*.receipt"))
    web_session.lock()
    assert not inbox.agent_present(root)


def test_locked_the_host_does_not_wait_and_the_web_unlock_seals(
        root: Path, web_session: VaultSession) -> None:
    agent = InboxAgent(web_session, interval=0.05)
    done = send_capture(root)
    assert done["where"] == "inbox"
    web_session.unlock("synthetic passphrase")
    agent.seal_waiting()
    assert inbox.entries(root) == []
    with web_session.use() as vault:
        case = vault.store.cases()[0]
        assert [i.label for i in vault.store.items(case.id or 0)] == ["E-0001"]
