"""The network guard: capture only public web addresses unless told otherwise.

A target is refused when its scheme is not http(s), or when any address its host
resolves to is loopback, private, link-local, shared (CGNAT), multicast, reserved or
unspecified. Every resolved address is checked, so a name that resolves to one public
and one private address is refused too. ``allow_private`` lifts the address check
(tests and deliberate captures of a local page); the scheme check always holds.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from spoorvast.errors import UserError
from spoorvast.i18n import _

Resolver = Callable[[str], Sequence[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(UserError):
    """The address is not one spoorvast captures (exit 2)."""


def system_resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_public(address.ipv4_mapped)
    return not (address.is_private or address.is_loopback or address.is_link_local
                or address.is_multicast or address.is_reserved or address.is_unspecified
                or address in ipaddress.ip_network("100.64.0.0/10"))


def check_url(url: str, *, allow_private: bool = False,
              resolve: Resolver = system_resolve) -> list[str]:
    """The addresses ``url``'s host resolves to; raises TargetRefused when not allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(_("{url} is not a web address (it must start with http:// or "
                              "https://).").format(url=url))
    addresses = _resolve(parts.hostname, resolve)
    if not allow_private:
        for text in addresses:
            if not is_public(ipaddress.ip_address(text)):
                raise TargetRefused(_(
                    "{url} points to a local or private network address ({address}). "
                    "spoorvast does not capture those unless you add "
                    "--allow-private-network.").format(url=url, address=text))
    return addresses


def _resolve(host: str, resolve: Resolver) -> list[str]:
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


def host_allowed(host: str, cache: dict[str, bool], resolve: Resolver = system_resolve) -> bool:
    """For every request of a visit: may the browser talk to ``host``? (cached per host)."""
    if host not in cache:
        try:
            cache[host] = all(is_public(ipaddress.ip_address(a))
                              for a in _resolve(host, resolve))
        except TargetRefused:
            cache[host] = False
    return cache[host]
