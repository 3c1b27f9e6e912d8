"""The guard at connect time: a SOCKS5 proxy on 127.0.0.1 for one visit.

Chromium sends every connection of the capture context through it (Playwright also
routes loopback through a context proxy), with the host *name* unresolved: the proxy
resolves it, checks every address against the visit's :class:`~.guard.Policy` and
connects to the checked address itself. So redirects (each hop is a new connection),
subresources, WebSockets and a name that resolves differently the second time (DNS
rebinding) all meet the same check before a single byte leaves this computer; a refused
connection gets SOCKS reply 2 ("not allowed by ruleset") and is noted.

A name is resolved once per visit and pinned, so every connection to it goes to the same
checked address, and the record can name the address that served each answer (Chromium
itself only sees the proxy). The proxy also counts the bytes servers sent: past the
visit's budget it cuts every connection (a huge page cannot fill the memory).

The proxy listens on a random loopback port while the visit lasts; it only forwards what
the policy allows.
"""

from __future__ import annotations

import contextlib
import ipaddress
import select
import socket
import socketserver
import struct
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType

from spoorvast.capture.guard import (
    Policy,
    Resolver,
    TargetRefused,
    is_literal,
    resolve_host,
    resolver_name,
)

CONNECT_SECONDS = 10.0
CHUNK = 64 << 10
IDLE_SECONDS = 0.5
REPLY_OK, REPLY_REFUSED, REPLY_FAILURE, REPLY_UNREACHABLE = 0, 2, 1, 4


@dataclass(frozen=True, slots=True)
class Refusal:
    """A connection the guard refused: the name, port and the address it resolved to."""

    host: str
    port: int
    address: str


@dataclass(frozen=True, slots=True)
class Resolution:
    """One DNS answer the visit used: the name, its addresses (pinned for the visit),
    when it was asked (UTC) and by which resolver. The system resolver gives no TTL."""

    name: str
    addresses: tuple[str, ...]
    at: str
    resolver: str
    ttl: int | None = None


@dataclass
class ProxyLog:
    """What the proxy did during one visit (read after the visit; lock while it runs)."""

    refused: list[Refusal] = field(default_factory=list)
    connected: dict[tuple[str, int], str] = field(default_factory=dict)
    attempted: list[str] = field(default_factory=list)
    failed: dict[tuple[str, int], str] = field(default_factory=dict)  # → why, as Chromium
    # would say it (NAME_NOT_RESOLVED, CONNECTION_REFUSED, …): Chromium itself only
    # learns that the proxy could not connect
    resolved: list[Resolution] = field(default_factory=list)  # in the order asked
    received: int = 0
    over_budget: bool = False
    stopped: bool = False

    def address_of(self, host: str, port: int) -> str | None:
        return self.connected.get((host.strip("[]").lower(), port))


class GuardProxy:
    """``with GuardProxy(policy) as proxy:`` then give ``proxy.server`` to Chromium."""

    def __init__(self, policy: Policy, resolve: Resolver, budget: int) -> None:
        self.policy, self.resolve, self.budget = policy, resolve, budget
        self.log = ProxyLog()
        self._lock = threading.Lock()
        self._pinned: dict[str, list[str]] = {}
        self._sockets: set[socket.socket] = set()
        self._closed = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def server(self) -> str:
        return f"socks5://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> GuardProxy:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._closed.set()
        self._server.shutdown()
        self._server.server_close()
        self.cut()

    def stop(self) -> None:
        """No more connections for this visit (its budget ran out): cut the open ones."""
        with self._lock:
            self.log.stopped = True
        self.cut()

    def cut(self) -> None:
        """Close every open connection (the budget ran out, or the visit ended)."""
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _close(sock)

    # -- called from the handler threads ------------------------------------------

    def addresses(self, host: str) -> list[str]:
        """The pinned addresses of ``host`` (resolved once per visit)."""
        with self._lock:
            known = self._pinned.get(host)
        if known is None:
            at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            known = resolve_host(host, self.resolve)
            with self._lock:
                if host not in self._pinned and not is_literal(host):
                    self.log.resolved.append(Resolution(host, tuple(known), at,
                                                        resolver_name(self.resolve)))
                known = self._pinned.setdefault(host, known)
        return known

    def refuse(self, host: str, port: int, address: str) -> None:
        with self._lock:
            self.log.refused.append(Refusal(host, port, address))

    def fail(self, host: str, port: int, reason: str) -> None:
        with self._lock:
            self.log.failed[(host, port)] = reason

    def open(self, host: str, port: int, addresses: list[str]) -> socket.socket | None:
        for address in addresses:
            with self._lock:
                self.log.attempted.append(address)
            try:
                sock = socket.create_connection((address, port), timeout=CONNECT_SECONDS)
            except OSError as exc:
                self.fail(host, port, _reason(exc))
                continue
            with self._lock:
                self.log.connected[(host, port)] = address
                self._sockets.add(sock)
            return sock
        return None

    def track(self, sock: socket.socket, add: bool) -> None:
        with self._lock:
            (self._sockets.add if add else self._sockets.discard)(sock)

    def count(self, size: int) -> bool:
        """Add bytes a server sent; False once the visit's budget is spent."""
        with self._lock:
            self.log.received += size
            if self.log.received > self.budget:
                self.log.over_budget = True
            over = self.log.over_budget
        if over:
            self.stop()
        return not over

    @property
    def closed(self) -> bool:
        return self._closed.is_set() or self.log.stopped


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: GuardProxy


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        owner: GuardProxy = self.server.owner  # type: ignore[attr-defined]
        client: socket.socket = self.request
        owner.track(client, True)
        try:
            client.settimeout(CONNECT_SECONDS)
            target = _greet(client)
            if target is not None:
                _serve(owner, client, *target)
        except (OSError, ValueError, struct.error):
            pass
        finally:
            owner.track(client, False)
            _close(client)


def _greet(client: socket.socket) -> tuple[str, int] | None:
    """The SOCKS5 greeting (no authentication) and CONNECT request → (host, port)."""
    version, count = _read(client, 2)
    _read(client, count)
    if version != 5:
        return None
    client.sendall(b"\x05\x00")
    version, command, _reserved, kind = _read(client, 4)
    if version != 5 or command != 1:
        _reply(client, 7)
        return None
    host = _read_host(client, kind)
    (port,) = struct.unpack("!H", _read(client, 2))
    return host.strip("[]").lower(), port


def _read_host(client: socket.socket, kind: int) -> str:
    if kind == 1:
        return str(ipaddress.IPv4Address(_read(client, 4)))
    if kind == 4:
        return str(ipaddress.IPv6Address(_read(client, 16)))
    if kind == 3:
        (size,) = _read(client, 1)
        return _read(client, size).decode("idna")
    raise ValueError("unknown SOCKS address type")


def _serve(owner: GuardProxy, client: socket.socket, host: str, port: int) -> None:
    try:
        addresses = owner.addresses(host)
    except TargetRefused:
        owner.fail(host, port, "NAME_NOT_RESOLVED")
        _reply(client, REPLY_UNREACHABLE)
        return
    barred = [a for a in addresses if not owner.policy.allows(a, port)]
    if barred:
        owner.refuse(host, port, barred[0])
        _reply(client, REPLY_REFUSED)
        return
    if owner.closed:
        _reply(client, REPLY_FAILURE)
        return
    upstream = owner.open(host, port, addresses)
    if upstream is None:
        _reply(client, REPLY_UNREACHABLE)
        return
    try:
        _reply(client, REPLY_OK)
        _relay(owner, client, upstream)
    finally:
        owner.track(upstream, False)
        _close(upstream)


def _relay(owner: GuardProxy, client: socket.socket, upstream: socket.socket) -> None:
    client.settimeout(None)
    upstream.settimeout(None)
    peers = {client: upstream, upstream: client}
    while not owner.closed:
        ready, _w, _x = select.select(list(peers), [], [], IDLE_SECONDS)
        for sock in ready:
            data = sock.recv(CHUNK)
            if not data:
                return
            if sock is upstream and not owner.count(len(data)):
                return
            peers[sock].sendall(data)


def _reason(exc: OSError) -> str:
    if isinstance(exc, TimeoutError):
        return "CONNECTION_TIMED_OUT"
    if isinstance(exc, ConnectionRefusedError):
        return "CONNECTION_REFUSED"
    return "CONNECTION_FAILED"


def _reply(client: socket.socket, code: int) -> None:
    client.sendall(bytes([5, code, 0, 1, 0, 0, 0, 0, 0, 0]))


def _read(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ValueError("connection closed during the SOCKS greeting")
        data += chunk
    return data


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
