"""The guard proxy on its own, spoken to as Chromium does (SOCKS5, names unresolved)."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator

import pytest

from spoorvast.capture.guard import PUBLIC_ONLY, Policy, parse_origins
from spoorvast.capture.proxy import GuardProxy
from tests.capture.site import Site


def connect(proxy: GuardProxy, host: str, port: int) -> tuple[int, socket.socket]:
    """A SOCKS5 CONNECT by name; (reply code, the socket)."""
    address = proxy.server.rsplit(":", 1)
    sock = socket.create_connection(("127.0.0.1", int(address[1])), timeout=5)
    sock.sendall(b"\x05\x01\x00")
    assert sock.recv(2) == b"\x05\x00"
    name = host.encode()
    sock.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + struct.pack("!H", port))
    reply = sock.recv(10)
    return reply[1], sock


def table(mapping: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    calls: list[str] = []

    def resolve(host: str) -> list[str]:
        calls.append(host)
        answers = mapping[host]
        return [answers[min(calls.count(host), len(answers)) - 1]]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    yield served
    served.close()


def test_private_ranges_are_refused_before_any_connection() -> None:
    resolve = table({"router.test": ["10.255.255.1"], "meta.test": ["169.254.169.254"],
                     "localhost": ["127.0.0.1"]})
    with GuardProxy(PUBLIC_ONLY, resolve, 1 << 20) as proxy:
        for host in ("router.test", "meta.test", "192.168.1.1", "localhost"):
            code, sock = connect(proxy, host, 80)
            sock.close()
            assert code == 2, host  # "connection not allowed by ruleset"
        assert proxy.log.attempted == []  # refused before connecting anywhere
        assert [r.host for r in proxy.log.refused] == [
            "router.test", "meta.test", "192.168.1.1", "localhost"]


def test_a_name_is_resolved_once_per_visit_and_pinned(site: Site) -> None:
    """Rebinding inside one visit: the second answer (loopback) is never used."""
    port = site.main.server_address[1]
    policy = Policy(origins=parse_origins([site.base]))
    resolve = table({"pinned.test": ["127.0.0.1", "10.0.0.9"]})
    with GuardProxy(policy, resolve, 1 << 20) as proxy:
        for _ in range(2):
            code, sock = connect(proxy, "pinned.test", port)
            sock.close()
            assert code == 0
        assert resolve.calls == ["pinned.test"]  # type: ignore[attr-defined]
        assert proxy.log.address_of("pinned.test", port) == "127.0.0.1"


def test_the_budget_cuts_every_connection(site: Site) -> None:
    port = site.main.server_address[1]
    policy = Policy(origins=parse_origins([site.base]))
    with GuardProxy(policy, table({}), 1000) as proxy:
        code, sock = connect(proxy, "127.0.0.1", port)
        assert code == 0
        sock.sendall(b"GET /profile HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        sock.close()
        assert len(received) < 1000 + 65536 and proxy.log.over_budget
        code, sock = connect(proxy, "127.0.0.1", port)  # and no new one opens
        sock.close()
        assert code != 0
