"""The HTTP fallback on 127.0.0.1: pairing once with the printed code gives a token;
the extension's origin with the token is served into the inbox; a web page's origin, a
foreign extension, another Host, a missing or revoked token, a reused code are refused."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from spoorvast.cli.browser_http import ORIGIN, Fallback, server
from spoorvast.storage import inbox
from tests.extension.test_inbox import root

__all__ = ["root"]


@pytest.fixture
def served(root: Path) -> Iterator[Fallback]:
    httpd, state = server(root, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


def post(state: Fallback, path: str, value: dict[str, object], origin: str = ORIGIN,
         host: str | None = None, token: str | None = None) -> tuple[int, dict[str, object]]:
    connection = http.client.HTTPConnection("127.0.0.1", state.port, timeout=30)
    headers = {"Content-Type": "application/json", "Origin": origin,
               "Host": host or f"127.0.0.1:{state.port}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request("POST", path, json.dumps(value), headers)
    answer = connection.getresponse()
    body = json.loads(answer.read())
    connection.close()
    return answer.status, body


def pair(state: Fallback) -> str:
    status, body = post(state, "/pair", {"code": state.code})
    assert status == 200
    return str(body["token"])


def test_paired_extension_is_served_into_the_inbox(served: Fallback, root: Path) -> None:
    token = pair(served)
    status, ready = post(served, "/message", {"type": "hello"}, token=token)
    assert status == 200 and ready["type"] == "ready"
    assert post(served, "/message", {"type": "begin", "meta": {"url": "http://x.test/"}},
                token=token) == (200, {"type": "begun"})
    assert post(served, "/message", {"type": "end"}, token=token)[1]["where"] == "inbox"
    assert len(inbox.entries(root)) == 1


@pytest.mark.parametrize(("origin", "host"), [
    ("https://evil.example", None),  # a web page
    ("chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh", None),  # another extension
    (ORIGIN, "rebound.example:80"),  # DNS rebinding: the page's own host name
])
def test_others_are_refused_even_with_a_token(served: Fallback, origin: str,
                                              host: str | None) -> None:
    token = pair(served)
    status, body = post(served, "/message", {"type": "hello"}, origin, host, token)
    assert status == 403 and body["code"] == "refused"


def test_no_token_a_reused_code_and_a_revoked_token_are_refused(
        served: Fallback, root: Path) -> None:
    code = served.code
    token = pair(served)
    assert post(served, "/pair", {"code": code})[0] == 403  # one use
    assert post(served, "/message", {"type": "hello"})[0] == 403
    assert post(served, "/message", {"type": "hello"}, token="guessed")[0] == 403
    assert token.encode() not in (root / "inbox" / inbox.TOKENS).read_bytes()  # its hash
    assert inbox.revoke_tokens(root) == 1
    assert post(served, "/message", {"type": "hello"}, token=token)[0] == 403
