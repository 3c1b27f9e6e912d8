"""``verify-bundle``: check a dossier bundle alone (a folder or its ZIP), no vault needed.

1. every line of SHA256SUMS: the file exists and has that SHA-256;
2. no file in the bundle is missing from SHA256SUMS (except the PDF and its sum);
3. DOSSIER.pdf matches DOSSIER.pdf.sha256, and its cover names the SHA-256 of SHA256SUMS;
4. custody.jsonl: every line's hash and link (see custody_log.py);
5. every RFC 3161 token in manifest.json verifies with ``openssl ts -verify``, and so
   does every token over SHA256SUMS in ``timestamps/`` (written after SHA256SUMS, so
   not listed in it).

A ZIP is read member by member (hashing needs no extraction); only the timestamp files
are written, to a private scratch directory, for openssl to read.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from spoorvast.dossier import custody_log
from spoorvast.dossier.bundle import CUSTODY, MANIFEST, NOT_IN_SUMS, PDF, PDF_SUM, SUMS
from spoorvast.dossier.bundle_stamps import is_stamp_file
from spoorvast.dossier.scratch import private_dir
from spoorvast.dossier.timestamps import TimestampCheck, run_check
from spoorvast.errors import UserError
from spoorvast.i18n import N_, _

MESSAGES = {
    "missing": N_("{path}: listed in SHA256SUMS but not in the bundle"),
    "changed": N_("{path}: its SHA-256 differs from SHA256SUMS (the file was changed)"),
    "unlisted": N_("{path}: in the bundle but not listed in SHA256SUMS"),
    "bad-line": N_("SHA256SUMS line {line} cannot be read"),
    "no-sums": N_("{path} is missing: nothing can be checked"),
    "pdf-changed": N_("{path}: its SHA-256 differs from DOSSIER.pdf.sha256"),
    "pdf-cover": N_("{path}: its cover does not name the SHA-256 of SHA256SUMS"),
    "custody": N_("{path} line {line}: {detail}"),
    "timestamp": N_("{path}: the trusted timestamp does not verify ({detail})"),
}
_SUM_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


@dataclass(frozen=True, slots=True)
class BundleProblem:
    code: str
    path: str
    line: int | None = None
    detail: str = ""

    def message(self) -> str:
        return _(MESSAGES[self.code]).format(path=self.path, line=self.line,
                                             detail=self.detail)


@dataclass
class BundleReport:
    files: int = 0
    custody_entries: int = 0
    timestamps: int = 0
    bundle_sha256: str = ""
    problems: list[BundleProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class Source:
    """A bundle's files, from a folder or a ZIP (whose top folder is stripped)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip = zipfile.ZipFile(path) if path.is_file() else None
        self._names = self._list()

    def _list(self) -> dict[str, str]:
        if self._zip is None:
            return {p.relative_to(self.path).as_posix(): str(p)
                    for p in sorted(self.path.rglob("*")) if p.is_file()}
        members = [m for m in self._zip.namelist() if not m.endswith("/")]
        tops = {PurePosixPath(m).parts[0] for m in members}
        strip = len(tops) == 1 and all(len(PurePosixPath(m).parts) > 1 for m in members)
        return {(m.split("/", 1)[1] if strip else m): m for m in members}

    def names(self) -> list[str]:
        return sorted(self._names)

    def has(self, rel: str) -> bool:
        return rel in self._names

    def chunks(self, rel: str) -> Iterator[bytes]:
        handle = (self._zip.open(self._names[rel]) if self._zip is not None
                  else open(self._names[rel], "rb"))  # noqa: SIM115
        with handle:
            while chunk := handle.read(1 << 20):
                yield chunk

    def read(self, rel: str) -> bytes:
        return b"".join(self.chunks(rel))

    def sha256(self, rel: str) -> str:
        digest = hashlib.sha256()
        for chunk in self.chunks(rel):
            digest.update(chunk)
        return digest.hexdigest()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def open_source(path: Path) -> Source:
    try:
        return Source(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise UserError(_("{path} is not a dossier folder or ZIP that can be read.")
                        .format(path=path)) from exc


def verify_bundle(path: Path) -> BundleReport:
    source, report = open_source(path), BundleReport()
    try:
        if not source.has(SUMS):
            report.problems.append(BundleProblem("no-sums", SUMS))
            return report
        sums = source.read(SUMS)
        report.bundle_sha256 = hashlib.sha256(sums).hexdigest()
        _check_sums(source, sums, report)
        _check_pdf(source, report)
        _check_custody(source, report)
        _check_timestamps(source, report)
    finally:
        source.close()
    return report


def _check_sums(source: Source, sums: bytes, report: BundleReport) -> None:
    listed = set()
    for number, line in enumerate(sums.decode("utf-8", "replace").splitlines(), 1):
        match = _SUM_LINE.match(line)
        if match is None:
            report.problems.append(BundleProblem("bad-line", SUMS, number))
            continue
        sha, rel = match.groups()
        listed.add(rel)
        report.files += 1
        if not source.has(rel):
            report.problems.append(BundleProblem("missing", rel))
        elif source.sha256(rel) != sha:
            report.problems.append(BundleProblem("changed", rel))
    for rel in source.names():
        if rel not in listed and rel not in NOT_IN_SUMS and not is_stamp_file(rel):
            report.problems.append(BundleProblem("unlisted", rel))


def _check_pdf(source: Source, report: BundleReport) -> None:
    if not source.has(PDF):
        report.problems.append(BundleProblem("missing", PDF))
        return
    data = source.read(PDF)
    listed = source.read(PDF_SUM).decode("utf-8", "replace") if source.has(PDF_SUM) else ""
    if not listed.startswith(hashlib.sha256(data).hexdigest()):
        report.problems.append(BundleProblem("pdf-changed", PDF))
    if report.bundle_sha256 not in pdf_keywords(data):
        report.problems.append(BundleProblem("pdf-cover", PDF))


def pdf_keywords(data: bytes) -> str:
    """The PDF's Keywords (the renderer writes ``bundle-sha256:<hex>`` there)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        info = PdfReader(io.BytesIO(data)).metadata
    except (PdfReadError, ValueError, OSError):
        return ""
    return str(info.get("/Keywords", "")) if info is not None else ""


def _check_custody(source: Source, report: BundleReport) -> None:
    if not source.has(CUSTODY):
        report.problems.append(BundleProblem("missing", CUSTODY))
        return
    data = source.read(CUSTODY)
    report.custody_entries = data.count(b"\n")
    for problem in custody_log.check_lines(data):
        report.problems.append(BundleProblem("custody", CUSTODY, problem.number, problem.code))


def _stamps(source: Source) -> list[TimestampCheck]:
    if not source.has(MANIFEST):
        return []
    try:
        data = json.loads(source.read(MANIFEST))
    except ValueError:
        return []
    found = [TimestampCheck.from_json(v) for v in data.get("timestamps", [])]
    return [s for s in found if s is not None]


def _sums_stamps(source: Source) -> list[TimestampCheck]:
    tokens = [rel for rel in source.names() if is_stamp_file(rel) and rel.endswith(".tsr")]
    return [TimestampCheck(SUMS, SUMS, rel, certs if source.has(certs) else None, "")
            for rel in tokens if (certs := rel[:-4] + ".pem")]


def _check_timestamps(source: Source, report: BundleReport) -> None:
    stamps = _stamps(source) + _sums_stamps(source)
    if not stamps:
        return
    with private_dir() as scratch:
        for stamp in stamps:
            report.timestamps += 1
            detail = _run_one(source, stamp, scratch)
            if detail is not None:
                report.problems.append(BundleProblem("timestamp", stamp.token, detail=detail))


def safe_rel(rel: str) -> bool:
    """A bundle path that stays inside the bundle and cannot read as an option."""
    path = PurePosixPath(rel)
    return not (path.is_absolute() or ".." in path.parts or rel.startswith("-") or "\\" in rel)


def _run_one(source: Source, stamp: TimestampCheck, scratch: Path) -> str | None:
    needed = [p for p in (stamp.data, stamp.token, stamp.certificates) if p]
    if not all(safe_rel(p) for p in needed):
        return "unsafe path"
    if not all(source.has(p) for p in needed):
        return "file missing"
    if stamp.digest and source.sha256(stamp.data) != stamp.digest:
        return "covered file changed"  # a token over SHA256SUMS: openssl compares
    for rel in needed:
        target = scratch / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read(rel))
    return run_check(stamp, scratch)
