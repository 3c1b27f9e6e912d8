"""One message (exact bytes) into one ItemDraft: analysis, parts, event, identifiers.

Shared by the .eml, mbox, .msg and pasted-header readers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from spoorvast.analysis.email.analyse import (
    MessageFacts,
    Options,
    analyse,
    facts_of,
    message_facts,
)
from spoorvast.analysis.email.body import SEARCH_LIMIT, body_text
from spoorvast.analysis.email.headers import split_headers
from spoorvast.analysis.email.identifiers import in_text
from spoorvast.analysis.email.report import report_bytes
from spoorvast.findings import register_codes
from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft
from spoorvast.importers.email.dns_keys import txt_record
from spoorvast.importers.email.forwarded import (
    MAX_DEPTH,
    MAX_PARTS,
    RFC822,
    Forwarded,
    Walked,
    walk,
)
from spoorvast.importers.email.parts import Parts, read_parts
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Event,
    FileFacts,
    Identifier,
    IdentifierKind,
    ItemKind,
    Location,
    Problem,
    Severity,
)

ANALYSIS_NAME = "email-analysis.json"
# A message above this is not parsed: it is sealed whole (streamed), only its header
# (the first HEADER_LIMIT bytes) is analysed, and a finding says so. Parsing a message
# takes several times its size in memory (a 1 GB message peaked at 9.1 GB).
MESSAGE_LIMIT = 32 << 20
HEADER_LIMIT = 1 << 20

register_codes({
    "email.forwarded-attachment": N_(
        "This message was attached to another message (forwarded as attachment number "
        "{number}); its bytes are taken exactly from that message."),
    "email.forwarded-not-walked": N_(
        "This message nests parts more than {depth} levels deep or holds more than "
        "{parts} parts; messages forwarded in it past that point were not made items of "
        "their own. They are in this message's sealed original."),
    "email.forwarded-undecodable": N_(
        "Messages attached to this one that could not be decoded (broken base64): "
        "{count}. They were not made items of their own; they are in this message's "
        "sealed original."),
    "email.message-too-large": N_(
        "This message is {size} bytes, more than spoorvast reads ({limit} bytes): it is "
        "sealed whole, exactly as it is, but only its header was analysed; its text and "
        "attachments were not extracted."),
})


def large_message_problem(sha256: str, size: int) -> Problem:
    return Problem(Severity.WARNING, "email.message-too-large",
                   (("size", str(size)), ("limit", str(MESSAGE_LIMIT))),
                   Location(artifact_sha256=sha256))
_TAG = re.compile(r"<[^>]*>")


@dataclass
class MessageInput:
    """What a reader knows about one message besides its bytes."""

    data: bytes
    artifact: Artifact  # the sealed exact bytes (the original, or derived from a container)
    title: str
    importer: str
    file: FileFacts | None = None
    extra: Mapping[str, object] = field(default_factory=dict)  # goes into the JSON
    problems: list[Problem] = field(default_factory=list)
    mime: bool = True  # False for header-only inputs (pasted, .msg): no MIME body to walk
    parts: Parts = field(default_factory=Parts)  # parts a reader found itself (.msg)
    first: list[Artifact] = field(default_factory=list)  # artifacts listed before all
    # False: the analysis document is not sealed, it is rebuilt from the original when
    # read (mbox messages analysed from their bytes alone: see ``services.email_report``)
    seal_analysis: bool = True


def message_draft(context: ImportContext, message: MessageInput,
                  options: Options | None = None) -> ItemDraft:
    sha = message.artifact.sha256
    options = options or Options(
        context.case_zone, keys=context.dkim_keys,
        resolver=txt_record if context.dns_lookups else None,
        verify_signatures=message.mime)
    # the document is rebuilt when read when it is not sealed: only what is stored now
    # is made then (message_facts)
    block = split_headers(message.data, pasted=options.pasted)  # read once, used thrice
    full = analyse(message.data, sha, options, block) if message.seal_analysis else None
    analysis = (facts_of(full) if full is not None
                else message_facts(message.data, sha, options, block))
    parts = (read_parts(context, message.data, sha, None if options.pasted else block)
             if message.mime else Parts())
    parts.artifacts[:0] = message.parts.artifacts
    parts.text[:0], parts.html[:0] = message.parts.text, message.parts.html
    stored = [context.seal(report_bytes(full, context.case_zone, message.extra),
                           ArtifactRole.ANALYSIS, ANALYSIS_NAME, "application/json", sha)
              ] if full is not None else []
    return ItemDraft(
        kind=ItemKind.EMAIL, title=message.title, importer=message.importer,
        artifacts=[*message.first, message.artifact, *parts.artifacts, *stored],
        file=message.file,
        problems=[*message.problems, *analysis.problems, *parts.problems],
        events=[_event(context, analysis, body_text(parts.text, parts.html))],
        identifiers=identifiers(context, analysis, parts),
    )


def message_drafts(context: ImportContext, message: MessageInput,
                   options: Options | None = None, depth: int = 0) -> list[ItemDraft]:
    """The message's item, then one item per message forwarded inside it (analysed
    the same way, nested forwards included, at most ``forwarded.MAX_DEPTH`` deep)."""
    drafts = [message_draft(context, message, options)]
    if not message.mime or len(message.data) > MESSAGE_LIMIT:  # (that one is said)
        return drafts
    if depth < MAX_DEPTH:
        walked = walk(message.data)
    else:  # forwarded too deep: said when a message is attached in this one
        walked = Walked([], limited=bool(RFC822.search(message.data)))
    if walked.limited:
        drafts[0].problems.append(Problem(
            Severity.WARNING, "email.forwarded-not-walked",
            (("depth", str(MAX_DEPTH)), ("parts", str(MAX_PARTS))),
            Location(artifact_sha256=message.artifact.sha256)))
    if walked.undecodable:
        drafts[0].problems.append(Problem(
            Severity.WARNING, "email.forwarded-undecodable",
            (("count", str(walked.undecodable)),),
            Location(artifact_sha256=message.artifact.sha256)))
    for number, inner in enumerate(walked.found, 1):
        drafts.extend(_forwarded_drafts(context, message, inner, number, options, depth))
    return drafts


def _forwarded_drafts(context: ImportContext, wrapper: MessageInput, inner: Forwarded,
                      number: int, options: Options | None, depth: int) -> list[ItemDraft]:
    sha = wrapper.artifact.sha256
    artifact = context.seal(inner.data, ArtifactRole.ORIGINAL, f"forwarded-{number}.eml",
                            "message/rfc822", sha)
    link = {"forwarded_in": {"sha256": sha, "byte_start": inner.byte_start,
                             "byte_end": inner.byte_end, "decoded": inner.decoded}}
    notice = Problem(Severity.INFO, "email.forwarded-attachment", (("number", str(number)),),
                     Location(artifact_sha256=sha, byte_start=inner.byte_start,
                              byte_end=inner.byte_end))
    title = f"{wrapper.title} / forwarded-{number}.eml"
    return message_drafts(context, MessageInput(
        inner.data, artifact, title, wrapper.importer, extra=link, problems=[notice]),
        options, depth + 1)


def _event(context: ImportContext, analysis: MessageFacts, body: str = "") -> Event:
    """The message on the timeline: sender and subject on the first line, the body
    below (so that a search finds what the body says, like a chat message)."""
    moment = (analysis.date.instant if analysis.date else None) or analysis.delivered_at
    sender = analysis.from_[0].mailbox if analysis.from_ else ""
    text = f"{sender}: {analysis.subject or ''}".strip(": ")
    if body.strip():
        text = f"{text}\n{body.strip()[:SEARCH_LIMIT]}".strip()
    return Event(None, context.case_id, None, "email", moment, text,
                 location=Location(artifact_sha256=analysis.sha256, field="Date"))


def identifiers(context: ImportContext, analysis: MessageFacts,
                parts: Parts) -> list[Identifier]:
    seen: set[tuple[IdentifierKind, str]] = set()
    found: list[Identifier] = []

    def add(kind: IdentifierKind, value: str, where: str) -> None:
        if value and (kind, value.lower()) not in seen:
            seen.add((kind, value.lower()))
            found.append(Identifier(None, context.case_id, kind, value, location=Location(
                artifact_sha256=analysis.sha256, field=where)))

    for name, addresses in (("From", analysis.from_), ("Sender", analysis.sender),
                            ("Reply-To", analysis.reply_to),
                            ("Return-Path", analysis.return_path)):
        for address in addresses:
            add(IdentifierKind.EMAIL, address.mailbox, name)
    text = "\n".join(parts.text) or _TAG.sub(" ", "\n".join(parts.html))
    for item in in_text(text, context.case_zone):
        kind = IdentifierKind.EMAIL if item.kind == "email" else IdentifierKind.PHONE
        add(kind, item.value, "body")
    return found
