"""Trusted timestamps (RFC 3161) over a capture record, with the ``openssl ts`` tool.

The request is built by ``openssl ts -query -sha256 -cert`` over the record's SHA-256 and
POSTed to the configured Time-Stamp Authority (``application/timestamp-query``). The
reply is stored as ``capture.json.tsr`` and the TSA's certificates (those in the token,
plus a CA file the user configured) as ``tsa-chain.pem``. Anyone can check it with::

    openssl ts -verify -data capture.json -in capture.json.tsr -CAfile tsa-chain.pem \\
        -partial_chain

(``-partial_chain`` trusts the TSA certificate itself when the chain holds no root: it
then proves the token matches the record and was signed by that certificate; whether
that TSA is trustworthy is for the reader to decide, for example from its root CA.)
Temporary files for openssl live in a private directory in memory (``workdir.py``).
"""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from spoorvast.capture.draft import Draft
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.tsa_clock import CLOCK_NAME, ClockCheck, check_clock
from spoorvast.capture.workdir import private_dir
from spoorvast.model.records import Artifact, ArtifactRole, Problem, Severity
from spoorvast.storage.vault import Vault

TOKEN_NAME = "capture.json.tsr"
CHAIN_NAME = "tsa-chain.pem"
TIMEOUT_SECONDS = 20
MAX_REPLY = 1 << 20


class TimestampError(Exception):
    """The TSA could not be reached, refused, or its answer does not check out."""


@dataclass(frozen=True, slots=True)
class Token:
    reply: bytes  # DER TimeStampResp
    chain_pem: bytes
    clock: ClockCheck | None = None  # this computer's clock against the TSA's


class SealsDrafts(Protocol):
    def seal(self, draft: Draft, derived_from: str | None = None) -> Artifact: ...


def _openssl(args: list[str], data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["openssl", *args], input=data, capture_output=True,
                              timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TimestampError(f"openssl: {type(exc).__name__}") from exc
    if done.returncode != 0:
        raise TimestampError("openssl " + args[0] + ": " + _first_line(done.stderr))
    return done.stdout


def _first_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return (lines[-1] if lines else "failed")[:160]


def build_query(digest_hex: str) -> bytes:
    return _openssl(["ts", "-query", "-digest", digest_hex, "-sha256", "-cert"])


def post_query(url: str, query: bytes) -> bytes:
    request = urllib.request.Request(url, data=query, method="POST", headers={
        "Content-Type": "application/timestamp-query",
        "Accept": "application/timestamp-reply"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            return bytes(answer.read(MAX_REPLY))
    except urllib.error.HTTPError as exc:
        raise TimestampError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise TimestampError(type(exc).__name__) from exc


def token_certificates(reply: bytes) -> bytes:
    token = _openssl(["ts", "-reply", "-in", "/dev/stdin", "-token_out"], reply)
    return _openssl(["pkcs7", "-inform", "DER", "-print_certs"], token)


def verify_reply(reply: bytes, digest_hex: str, chain_pem: bytes) -> None:
    """Raise TimestampError unless the reply is granted, covers ``digest_hex`` and is
    signed by a certificate that chains to ``chain_pem``."""
    with private_dir() as scratch:
        (scratch / "reply.tsr").write_bytes(reply)
        (scratch / "chain.pem").write_bytes(chain_pem)
        _openssl(["ts", "-verify", "-digest", digest_hex, "-in", str(scratch / "reply.tsr"),
                  "-CAfile", str(scratch / "chain.pem"), "-partial_chain"])


def request_token(url: str, digest_hex: str, ca_file: Path | None = None) -> Token:
    query = build_query(digest_hex)
    before = datetime.now(UTC)
    reply = post_query(url, query)
    after = datetime.now(UTC)
    chain = token_certificates(reply)
    if ca_file is not None:
        chain += b"\n" + ca_file.read_bytes()
    verify_reply(reply, digest_hex, chain)
    text = _openssl(["ts", "-reply", "-in", "/dev/stdin", "-text"], reply)
    return Token(reply, chain, check_clock(text.decode("utf-8", "replace"), before, after))


def stamp_record(options: CaptureOptions, record: bytes, sealer: SealsDrafts,
                 problems: list[Problem]) -> list[Artifact]:
    """Token + chain artifacts for the record, or a finding when the TSA fails."""
    if not options.tsa_url:
        return []
    import hashlib

    digest = hashlib.sha256(record).hexdigest()
    try:
        token = request_token(options.tsa_url, digest, options.tsa_ca)
    except (TimestampError, OSError) as exc:
        problems.append(Problem(Severity.WARNING, "capture.timestamp-failed",
                                (("error", str(exc)[:200]),)))
        return []
    stored = [
        sealer.seal(Draft(ArtifactRole.TIMESTAMP_TOKEN, TOKEN_NAME,
                          "application/timestamp-reply", token.reply), digest),
        sealer.seal(Draft(ArtifactRole.TIMESTAMP_CERTS, CHAIN_NAME, "application/x-pem-file",
                          token.chain_pem), digest),
    ]
    if token.clock is not None:
        clock = json.dumps(token.clock.to_json(), sort_keys=True, indent=1).encode()
        stored.append(sealer.seal(Draft(ArtifactRole.ANALYSIS, CLOCK_NAME,
                                        "application/json", clock), digest))
    return stored


def check_tokens(vault: Vault) -> Iterator[tuple[str, str]]:
    """(subject, detail) for every stored timestamp token that does not verify."""
    for case in vault.store.cases():
        for item in vault.store.items(case.id or 0):
            artifacts = vault.store.artifacts(item.id or 0)
            tokens = [a for a in artifacts if a.role is ArtifactRole.TIMESTAMP_TOKEN]
            for token in tokens:
                detail = _check_token(vault, token, artifacts)
                if detail is not None:
                    yield f"{item.label} ({token.name})", detail


def _check_token(vault: Vault, token: Artifact, artifacts: list[Artifact]) -> str | None:
    chain = next((a for a in artifacts if a.role is ArtifactRole.TIMESTAMP_CERTS
                  and a.derived_from == token.derived_from), None)
    covered = any(a.sha256 == token.derived_from for a in artifacts)
    if chain is None or not covered or token.derived_from is None:
        return "token without its record or certificate chain"
    try:
        verify_reply(vault.blobs.read_bytes(token.sha256), token.derived_from,
                     vault.blobs.read_bytes(chain.sha256))
    except TimestampError as exc:
        return str(exc)
    except Exception as exc:
        return type(exc).__name__
    return None
