"""RFC 3161 timestamp tokens in the bundle, and the ``openssl ts -verify`` command that
checks each one against the file it covers."""

from __future__ import annotations

import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from spoorvast.dossier.bundle import Placement
from spoorvast.model.records import ArtifactRole

TIMEOUT_SECONDS = 30


@dataclass(frozen=True, slots=True)
class TimestampCheck:
    item: str
    data: str  # bundle path of the file the token covers
    token: str  # bundle path of the token (DER TimeStampResp)
    certificates: str | None  # bundle path of the TSA certificate chain (PEM)
    digest: str  # SHA-256 the token covers

    def argv(self) -> list[str]:
        args = ["openssl", "ts", "-verify", "-data", self.data, "-in", self.token]
        if self.certificates:
            args += ["-CAfile", self.certificates, "-partial_chain"]
        return args

    def command(self) -> str:
        return shlex.join(self.argv())

    def to_json(self) -> dict[str, object]:
        return {"item": self.item, "data": self.data, "token": self.token,
                "certificates": self.certificates, "digest_sha256": self.digest,
                "command": self.command()}

    @classmethod
    def from_json(cls, value: object) -> TimestampCheck | None:
        if not isinstance(value, dict):
            return None
        try:
            return cls(str(value["item"]), str(value["data"]), str(value["token"]),
                       None if value.get("certificates") is None
                       else str(value["certificates"]), str(value["digest_sha256"]))
        except KeyError:
            return None


def find(placement: Placement) -> list[TimestampCheck]:
    """Every placed token whose covered file and certificates are in the bundle."""

    checks = []
    for token in placement.placed:
        art = token.artifact
        if art is None or art.role is not ArtifactRole.TIMESTAMP_TOKEN or not art.derived_from:
            continue
        data = placement.for_sha(art.derived_from)
        certs = next((p for p in placement.placed if p.artifact is not None
                      and p.artifact.role is ArtifactRole.TIMESTAMP_CERTS
                      and p.artifact.derived_from == art.derived_from
                      and p.path.split("/")[1] == token.path.split("/")[1]), None)
        if data is not None and data.sha256 == art.derived_from:
            checks.append(TimestampCheck(token.path.split("/")[1], data.path, token.path,
                                         certs.path if certs else None, art.derived_from))
    return checks


def run_check(check: TimestampCheck, root: Path) -> str | None:
    """None when ``openssl ts -verify`` says OK in ``root``; else its last error line."""
    try:
        done = subprocess.run(check.argv(), cwd=root, capture_output=True, check=False,
                              timeout=TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return type(exc).__name__
    if done.returncode == 0 and b"Verification: OK" in done.stdout:
        return None
    lines = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
    return (lines[-1] if lines else "failed")[:200]
