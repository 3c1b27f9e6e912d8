"""Trusted time for the whole bundle: ``SHA256SUMS`` time-stamped (RFC 3161) by each of
the authorities the caller names, only when the person allowed network for it.

Two independent authorities make one failing, or one clock being wrong, visible. Each
token and the certificates it carries are written to ``timestamps/SHA256SUMS.<n>.tsr``
and ``.pem``, after SHA256SUMS (so, like the PDF, they are not listed in it: they cover
it). VERIFY.txt is written before SHA256SUMS and names the token files planned for each
authority; the PDF, made last, says which authority signed each token (the subject of
the token's signer certificate), when, and whether that authority is qualified under
eIDAS according to ``data/tsa_trust.json`` - which holds no checked entry yet, so every
authority is shown as not checked against the EU Trusted List. A failed authority is
reported, never hidden, and never stops the dossier.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path

from spoorvast.dossier.bundle import SUMS
from spoorvast.dossier.timestamps import TimestampCheck

FOLDER = "timestamps"
TIMEOUT_SECONDS = 20
_GEN_TIME = re.compile(r"^Time stamp: (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)(?:\.\d+)? (\d{4})",
                       re.MULTILINE)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Trust:
    """Whether an authority is qualified under eIDAS, as the data file says."""

    status: str  # "qualified" / "not-qualified" / "not-checked"
    source: str | None  # the Trusted List page read
    checked: str | None  # the date it was read


NOT_CHECKED = Trust("not-checked", None, None)


@dataclass(frozen=True, slots=True)
class BundleStamp:
    number: int
    url: str
    token: str | None  # bundle paths, None when the authority failed
    certificates: str | None
    signer: str | None  # subject of the token's signer certificate
    issuer: str | None
    time: datetime | None  # genTime, UTC
    trust: Trust
    error: str | None = None

    def check(self) -> TimestampCheck | None:
        if self.token is None:
            return None
        return TimestampCheck(SUMS, SUMS, self.token, self.certificates, "")


def paths(number: int) -> tuple[str, str]:
    return f"{FOLDER}/{SUMS}.{number}.tsr", f"{FOLDER}/{SUMS}.{number}.pem"


def is_stamp_file(rel: str) -> bool:
    return re.fullmatch(rf"{FOLDER}/{re.escape(SUMS)}\.\d+\.(?:tsr|pem)", rel) is not None


def planned(urls: tuple[str, ...]) -> list[TimestampCheck]:
    """The ``openssl ts -verify`` checks VERIFY.txt names, one per configured authority."""
    return [TimestampCheck(SUMS, SUMS, *paths(n), "") for n in range(1, len(urls) + 1)]


@cache
def _trust_data() -> dict[str, object]:
    text = resources.files("spoorvast.dossier").joinpath("data/tsa_trust.json").read_text(
        "utf-8")
    value = json.loads(text)
    assert isinstance(value, dict)
    return value


def default_urls() -> tuple[str, ...]:
    """The public authorities used when the person allows network but names none."""
    entries = _trust_data()["authorities"]
    assert isinstance(entries, list)
    return tuple(str(e["url"]) for e in entries if e.get("default"))


def trust_of(url: str, signer: str | None) -> Trust:
    entries = _trust_data()["authorities"]
    assert isinstance(entries, list)
    for entry in entries:
        match = entry.get("signer_contains")
        if entry["url"] == url or (match and signer and match in signer):
            return Trust(str(entry["qualified"]), entry.get("source"), entry.get("checked"))
    return NOT_CHECKED


def stamp_sums(root: Path, bundle_sha: str, urls: tuple[str, ...]) -> list[BundleStamp]:
    """Ask each authority in turn; write what it answered into ``root/timestamps``."""
    return [_stamp_one(root, bundle_sha, n, url) for n, url in enumerate(urls, start=1)]


def _stamp_one(root: Path, bundle_sha: str, number: int, url: str) -> BundleStamp:
    # imported here: the request code (HTTP, TLS) costs ≈15 ms at start, and a dossier
    # is time-stamped only when the person allows network for it
    from spoorvast.capture.timestamps import TimestampError, request_token

    try:
        token = request_token(url, bundle_sha)
    except (TimestampError, OSError) as exc:
        return BundleStamp(number, url, None, None, None, None, None, trust_of(url, None),
                           str(exc)[:200] or type(exc).__name__)
    token_rel, certs_rel = paths(number)
    (root / FOLDER).mkdir(mode=0o700, exist_ok=True)
    (root / token_rel).write_bytes(token.reply)
    (root / certs_rel).write_bytes(token.chain_pem)
    signer, issuer = signer_of(token.chain_pem)
    return BundleStamp(number, url, token_rel, certs_rel, signer, issuer,
                       gen_time(root / token_rel), trust_of(url, signer))


def signer_of(chain_pem: bytes) -> tuple[str | None, str | None]:
    """(subject, issuer) of the certificate allowed to sign time stamps (extended key
    usage timeStamping), else of the first certificate."""
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    try:
        certs = x509.load_pem_x509_certificates(chain_pem)
    except ValueError:
        return None, None
    for cert in certs:
        try:
            usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            continue
        if ExtendedKeyUsageOID.TIME_STAMPING in usage:
            return cert.subject.rfc4514_string(), cert.issuer.rfc4514_string()
    first = certs[0] if certs else None
    return (first.subject.rfc4514_string(), first.issuer.rfc4514_string()) if first else \
        (None, None)


def gen_time(token: Path) -> datetime | None:
    """The time the authority wrote in the token (``openssl ts -reply -text``)."""
    try:
        done = subprocess.run(["openssl", "ts", "-reply", "-in", str(token), "-text"],
                              capture_output=True, check=False, timeout=TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _GEN_TIME.search(done.stdout.decode("utf-8", "replace"))
    if done.returncode != 0 or match is None or match.group(1) not in _MONTHS:
        return None
    month = _MONTHS.index(match.group(1)) + 1
    day, hour, minute, second, year = (int(g) for g in match.groups()[1:])
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
