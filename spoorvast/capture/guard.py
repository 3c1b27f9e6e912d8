"""The network guard: capture only public web addresses unless told otherwise.

A target is refused when its scheme is not http(s), or when any address its host
resolves to is loopback, private, link-local, shared (CGNAT), multicast, reserved or
unspecified. Every resolved address is checked, so a name that resolves to one public
and one private address is refused too. The scheme check always holds.

The same check holds for every connection of the visit (redirect hops, subresources,
the address a name resolves to *then*): :class:`Policy` is handed to the visit's proxy
(``proxy.py``), which refuses at connect time. Non-public addresses are allowed only when
the visit itself *starts* at one (``visit_policy``): with ``--allow-private-network`` any
non-public address, and with ``CaptureOptions.test_only_origins`` (never set by the CLI
or the web app) exactly those loopback ``ip:port`` pairs. A visit that starts at a
public name gets no allowance at all, so no redirect from it can reach a local service.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from spoorvast.errors import UserError
from spoorvast.i18n import _

Resolver = Callable[[str], Sequence[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class TargetRefused(UserError):
    """The address is not one spoorvast captures (exit 2)."""


def system_resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def resolver_name(resolve: Resolver) -> str:
    """What answered the visit's names, for the record."""
    if resolve is system_resolve:
        servers = _nameservers()
        return "system resolver (getaddrinfo: /etc/hosts, then DNS)" + (
            f"; nameservers in /etc/resolv.conf: {', '.join(servers)}" if servers else "")
    return f"resolver {getattr(resolve, '__qualname__', type(resolve).__name__)}"


def _nameservers(path: str = "/etc/resolv.conf") -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read(64 << 10).splitlines()
    except OSError:
        return []
    return [line.split()[1] for line in lines
            if line.startswith("nameserver") and len(line.split()) > 1][:8]


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_public(address.ipv4_mapped)
    return not (address.is_private or address.is_loopback or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified
                or address in ipaddress.ip_network("100.64.0.0/10"))


@dataclass(frozen=True, slots=True)
class Policy:
    """Which addresses the connections of one visit may reach (public ones always)."""

    private: bool = False  # every non-public address (a deliberate local capture)
    origins: frozenset[tuple[str, int]] = frozenset()  # test-only (address, port) pairs
    networks: tuple[IPNetwork, ...] = ()  # listed by a server's operator (any port)

    def allows(self, address: str, port: int) -> bool:
        parsed = ipaddress.ip_address(address.split("%")[0])
        if is_public(parsed):
            return True
        return self.private or (str(parsed), port) in self.origins \
            or any(parsed in network for network in self.networks)


PUBLIC_ONLY = Policy()


def _port(url: str) -> int:
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def parse_origins(origins: Sequence[str]) -> frozenset[tuple[str, int]]:
    """``http://127.0.0.1:8000`` → (``127.0.0.1``, 8000); only loopback literals count."""
    found: set[tuple[str, int]] = set()
    for origin in origins:
        host = (urlsplit(origin).hostname or "").strip("[]")
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            continue
        if address.is_loopback:
            found.add((str(address), _port(origin)))
    return frozenset(found)


def check_url(url: str, *, allow_private: bool = False,
              resolve: Resolver = system_resolve) -> list[str]:
    """The addresses ``url``'s host resolves to; raises TargetRefused when not allowed."""
    visit_policy(url, allow_private, (), resolve)
    return resolve_host(urlsplit(url).hostname or "", resolve)


def visit_policy(url: str, allow_private: bool, test_only_origins: Sequence[str],
                 resolve: Resolver = system_resolve) -> Policy:
    """The policy of a visit to ``url`` (refused outright: TargetRefused)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(_("{url} is not a web address (it must start with http:// or "
                              "https://).").format(url=url))
    addresses = resolve_host(parts.hostname, resolve)
    barred = [a for a in addresses if not is_public(ipaddress.ip_address(a))]
    if not barred:
        return PUBLIC_ONLY
    if allow_private:
        return Policy(private=True)
    origins = parse_origins(test_only_origins)
    if is_literal(parts.hostname) and (addresses[0], _port(url)) in origins:
        return Policy(origins=origins)  # an address the test named, never a name
    raise TargetRefused(_(
        "{url} points to a local or private network address ({address}). "
        "spoorvast does not capture those unless you add "
        "--allow-private-network.").format(url=url, address=barred[0]))


def parse_networks(listed: Sequence[str]) -> tuple[IPNetwork, ...]:
    """``127.0.0.1``, ``10.1.0.0/16``, ``::1`` as networks; ValueError names a bad one."""
    found = []
    for text in (t.strip() for t in listed):
        if text:
            try:
                found.append(ipaddress.ip_network(text, strict=False))
            except ValueError as exc:
                raise ValueError(f"not an address or network: {text[:60]}") from exc
    return tuple(found)


def listed_policy(url: str, networks: tuple[IPNetwork, ...],
                  resolve: Resolver = system_resolve) -> Policy:
    """The policy of a visit made for someone else (a server's capture worker): public
    addresses, and non-public ones only inside the networks the operator listed; a
    target elsewhere is refused (TargetRefused). The visit's proxy holds every
    connection to the same rule, so no redirect or subresource reaches the server's own
    network."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(_("{url} is not a web address (it must start with http:// or "
                              "https://).").format(url=url))
    policy = Policy(networks=networks)
    for address in resolve_host(parts.hostname, resolve):
        if not policy.allows(address, _port(url)):
            raise TargetRefused(_("{url} points to a local or private network address "
                                  "({address}), which this server does not capture.")
                                .format(url=url, address=address))
    return policy


def resolve_host(host: str, resolve: Resolver = system_resolve) -> list[str]:
    """Every address of ``host`` (an address literal is itself); TargetRefused if none."""
    literal = host.strip("[]")
    try:
        return [str(ipaddress.ip_address(literal))]
    except ValueError:
        pass
    try:
        found = list(resolve(literal))
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(_("The name {host} could not be found (no DNS answer). Check "
                              "the address and your internet connection.").format(host=host)
                            ) from exc
    if not found:
        raise TargetRefused(_("The name {host} could not be found (no DNS answer). Check "
                              "the address and your internet connection.").format(host=host))
    return [str(ipaddress.ip_address(a.split("%")[0])) for a in found]
