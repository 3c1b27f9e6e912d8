"""The TLS certificates the browser accepted, per origin the visit contacted.

The guard proxy relays bytes without reading them (and TLS 1.3 encrypts the server's
certificates), so the chain comes from the browser itself: DevTools reports, with the
first response of each origin, what the connection was (protocol, cipher, the leaf's
subject, issuer, validity and SAN list), and ``Network.getCertificate`` gives the chain
Chromium holds for that origin as DER. Each certificate is read with ``cryptography``
for its SHA-256 fingerprint (over the DER, as ``openssl x509 -fingerprint -sha256``
prints it), subject, issuer, serial, validity and SAN list.

What this shows: the certificates the browser had for the origin when the visit ended;
the leaf's fingerprint is the same one the DevTools details describe (checked). It does
not prove the server's identity to a third party beyond what the certificates say.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from playwright.sync_api import CDPSession
from playwright.sync_api import Error as PlaywrightError

MAX_ORIGINS = 64  # origins whose certificates are kept, at most (a page may use hundreds)
MAX_SAN = 200  # names of one certificate kept, at most


@dataclass(frozen=True, slots=True)
class Certificate:
    sha256: str
    subject: str
    issuer: str
    serial: str
    not_before: str  # UTC, ISO 8601
    not_after: str
    san: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"sha256": self.sha256, "subject": self.subject, "issuer": self.issuer,
                "serial": self.serial, "not_before": self.not_before,
                "not_after": self.not_after, "san": list(self.san)}


def read_der(der: bytes) -> Certificate:
    """One DER certificate; ValueError when it cannot be read."""
    cert = x509.load_der_x509_certificate(der)
    return Certificate(
        hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest(),
        cert.subject.rfc4514_string(), cert.issuer.rfc4514_string(),
        format(cert.serial_number, "x"), _iso(cert.not_valid_before_utc),
        _iso(cert.not_valid_after_utc), _san(cert))


def _san(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return ()
    found = [*names.get_values_for_type(x509.DNSName),
             *(str(a) for a in names.get_values_for_type(x509.IPAddress))]
    return tuple(found[:MAX_SAN])


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "wss") or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"https://{host}" + (f":{port}" if port and port != 443 else "")


class SecurityLog:
    """The DevTools security details of the first response of each HTTPS origin."""

    def __init__(self) -> None:
        self.details: dict[str, dict[str, Any]] = {}
        self.chains: dict[str, list[bytes]] = {}

    def watch(self, cdp: CDPSession) -> None:
        cdp.on("Network.responseReceived", self._received)

    def _received(self, event: dict[str, Any]) -> None:
        response = event.get("response") or {}
        origin = origin_of(str(response.get("url") or ""))
        details = response.get("securityDetails")
        if origin and isinstance(details, dict) and origin not in self.details \
                and len(self.details) < MAX_ORIGINS:
            self.details[origin] = details

    def fetch_chains(self, cdp: CDPSession) -> None:
        """The DER chain of every origin seen (ask while the page is still open)."""
        for origin in list(self.details):
            try:
                answer = cdp.send("Network.getCertificate", {"origin": origin})
            except PlaywrightError:
                continue
            names = answer.get("tableNames") or []
            self.chains[origin] = [base64.b64decode(str(n)) for n in names]

    def to_json(self, main_url: str | None) -> dict[str, object]:
        main = origin_of(main_url) if main_url else None
        origins = sorted(self.details, key=lambda o: (o != main, o))
        return {"main_origin": main,
                "origins": [self._origin_json(o) for o in origins],
                "source": "DevTools Network.responseReceived securityDetails and "
                          "Network.getCertificate (the chain the browser accepted)"}

    def _origin_json(self, origin: str) -> dict[str, object]:
        details = self.details[origin]
        chain, unreadable = [], 0
        for der in self.chains.get(origin, []):
            try:
                chain.append(read_der(der).to_json())
            except ValueError:
                unreadable += 1
        return {"origin": origin, "protocol": details.get("protocol"),
                "cipher": details.get("cipher"),
                "key_exchange_group": details.get("keyExchangeGroup"),
                "subject": details.get("subjectName"), "issuer": details.get("issuer"),
                "san": list(details.get("sanList") or [])[:MAX_SAN],
                "valid_from": _unix(details.get("validFrom")),
                "valid_to": _unix(details.get("validTo")),
                "certificate_transparency": details.get("certificateTransparencyCompliance"),
                "chain": chain, "unreadable_certificates": unreadable}


def _unix(value: object) -> str | None:
    if not isinstance(value, (int, float)):
        return None
    return _iso(datetime.fromtimestamp(value, UTC))
