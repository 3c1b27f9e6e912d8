"""Authentication-Results and ARC-Authentication-Results, parsed with ``authres``.

Anyone can write an Authentication-Results header into a message before sending it;
only the ones added by the recipient's own provider (its ``authserv-id``, above the
trust boundary) say something. :func:`mark_trusted` decides that; the others are kept
and shown as "claimed".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import authres

_INSTANCE = re.compile(r"\s*i\s*=\s*(\d+)\s*;")


@dataclass(frozen=True, slots=True)
class AuthResult:
    method: str
    result: str
    reason: str | None
    properties: tuple[tuple[str, str], ...]

    def prop(self, name: str) -> str | None:
        return next((v for k, v in self.properties if k == name), None)


@dataclass(frozen=True, slots=True)
class AuthHeader:
    header: str
    position: int  # index of the field in the header block (0 = topmost)
    authserv_id: str | None
    instance: int | None
    results: tuple[AuthResult, ...]
    parsed: bool
    trusted: bool = False


def parse_auth_header(name: str, value: str, position: int) -> AuthHeader:
    instance = None
    match = _INSTANCE.match(value)
    if name.lower() == "arc-authentication-results" and match:
        instance, value = int(match.group(1)), value[match.end():]
    authserv, results, parsed = _parse(value)
    return AuthHeader(name, position, authserv, instance, results, parsed)


def _parse(value: str) -> tuple[str | None, tuple[AuthResult, ...], bool]:
    text = " ".join(value.split())
    try:
        header = authres.AuthenticationResultsHeader.parse(
            "Authentication-Results: " + text)
        return header.authserv_id, tuple(_result(r) for r in header.results), True
    except Exception:  # authres raises its own SyntaxError and others on odd input
        pass
    try:  # Exchange Online writes no authserv-id at all
        header = authres.AuthenticationResultsHeader.parse(
            "Authentication-Results: unnamed.invalid; " + text)
        return None, tuple(_result(r) for r in header.results), True
    except Exception:
        return None, (), False


def _result(result: object) -> AuthResult:
    props = tuple((f"{p.type}.{p.name}", str(p.value))
                  for p in getattr(result, "properties", ()) or ())
    reason = getattr(result, "reason", None)
    return AuthResult(str(getattr(result, "method", "")).lower(),
                      str(getattr(result, "result", "")).lower(),
                      None if reason is None else str(reason), props)


def mark_trusted(headers: Iterable[AuthHeader], boundary_position: int,
                 provider_ids: set[str],
                 org: Callable[[str | None], str | None]) -> list[AuthHeader]:
    """Trust the recipient side's own headers: its authserv-id, above the hand-over.

    ``provider_ids`` holds the recipient side's organisational domains and any
    authserv-id the user named; ``org`` maps a name to its organisational domain. Some
    servers (Exim ``add_header``) put their header right below their own Received
    line: when none is above, the one directly below the hand-over line is taken.
    Copies further down were written by the sending side and are never trusted.
    """
    headers = list(headers)

    def own(header: AuthHeader) -> bool:
        name = header.authserv_id
        return header.parsed and (name is None or name.lower() in provider_ids
                                  or org(name) in provider_ids)

    above = {h.position for h in headers if own(h) and h.position < boundary_position}
    if not above:
        above = {h.position for h in headers
                 if own(h) and h.position == boundary_position + 1}
    return [replace(h, trusted=h.position in above) for h in headers]
