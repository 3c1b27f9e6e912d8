"""An e-mail item as a person reads it: subject, from, to, date, the body as text, the
attachments, and the header analysis as a verdict in words with a table of hops.

Everything comes from what the import sealed: the analysis document (JSON) and the
message's exact bytes (its header as written, its body). The HTML of a body is never
returned as markup: only its text (see ``analysis/email/body.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spoorvast.analysis.email.body import body_text
from spoorvast.analysis.email.report import FORMAT as REPORT_FORMAT
from spoorvast.importers.email.common import ANALYSIS_NAME, MESSAGE_LIMIT
from spoorvast.importers.email.parts import bodies
from spoorvast.model.instant import Instant
from spoorvast.model.records import Artifact, ArtifactRole, Item, ItemKind
from spoorvast.services.email_report import email_report
from spoorvast.storage.vault import Vault


@dataclass(frozen=True, slots=True)
class Address:
    mailbox: str
    display: str

    @property
    def shown(self) -> str:
        if self.display and self.display != self.mailbox:
            return f"{self.display} <{self.mailbox}>"
        return self.mailbox


@dataclass(frozen=True, slots=True)
class Hop:
    number: int
    host: str  # the sending host as the receiving server named it
    ip: str
    by: str
    at: Instant | None
    delay_seconds: float | None
    side: str  # sender-claimed, hand-over, recipient, …


@dataclass(frozen=True, slots=True)
class EmailView:
    subject: str
    from_: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    date: Instant | None
    body: str | None  # None: not read (a message larger than spoorvast parses)
    attachments: tuple[Artifact, ...]
    verdict: tuple[str, ...]
    hops: tuple[Hop, ...]
    raw_header: str


def email_view(vault: Vault, item: Item, language: str) -> EmailView | None:
    """The view of an e-mail item (None for any other item)."""
    artifacts = vault.store.artifacts(item.id or 0)
    stored = next((a for a in artifacts if a.role is ArtifactRole.ANALYSIS
                   and a.name == ANALYSIS_NAME), None)
    if stored is None and item.kind is not ItemKind.EMAIL:
        return None
    report = email_report(vault, item, artifacts, ANALYSIS_NAME)
    if not isinstance(report, dict) or report.get("format") != REPORT_FORMAT:
        return None  # not an e-mail's analysis (an mbox container has its index)
    found: dict[str, Any] = report.get("analysis") or {}
    source = str(report.get("source_sha256") or (stored and stored.derived_from) or "")
    message = next((a for a in artifacts if a.sha256 == source), None)
    data = vault.blobs.read_bytes(source) if message and message.size <= MESSAGE_LIMIT \
        else b""
    verdicts = report.get("verdict") or {}
    return EmailView(
        subject=str(found.get("subject") or ""),
        from_=_addresses(found.get("from_")), to=_addresses(found.get("to")),
        cc=_addresses(found.get("cc")), reply_to=_addresses(found.get("reply_to")),
        date=_instant((found.get("date") or {}).get("instant")),
        body=body_text(*bodies(data)) if data else None,
        attachments=tuple(a for a in artifacts if a.role is ArtifactRole.ATTACHMENT
                          and not a.name.startswith("body-")),
        verdict=tuple(str(line) for line in verdicts.get(language)
                      or verdicts.get("en") or ()),
        hops=tuple(_hop(h) for h in found.get("hops") or ()),
        raw_header=_header(data, found.get("body_offset")),
    )


def _addresses(values: object) -> tuple[Address, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(Address(str(v.get("mailbox") or ""), str(v.get("display") or ""))
                 for v in values if isinstance(v, dict))


def _instant(value: object) -> Instant | None:
    return Instant.from_json(value) if isinstance(value, dict) else None


def _hop(value: dict[str, Any]) -> Hop:
    hop = value.get("hop") or {}
    host = hop.get("rdns") or hop.get("helo") or hop.get("from_name") or ""
    return Hop(int(value.get("number") or 0), str(host), str(hop.get("ip") or ""),
               str(hop.get("by") or ""), _instant((hop.get("date") or {}).get("instant")),
               value.get("delay_seconds"), str(value.get("side") or ""))


def _header(data: bytes, offset: object) -> str:
    end = offset if isinstance(offset, int) and 0 < offset <= len(data) else len(data)
    return data[:end].decode("utf-8", "replace").rstrip()
