"""A watch's capture made while the vault is locked: the same visit and the same files as
the capture service (settled, wall-aware, the account binding read from the page), but
written encrypted into the vault's watch inbox instead of the vault, and sealed into the
case at the next unlock.

The entry (``<vault>/watch/inbox/<id>.svin``) uses the inbox format of
``storage/inbox.py`` (encrypted to the vault's inbox public key, framed, with an end
mark): first a ``watch-run`` message (the watch, the case, the page's facts, findings and
platform facts), then per file an ``open`` message with its role, name, media type and
the SHA-256 taken before encryption, its bytes, and a ``close``. Reading checks every
file against that hash. No trusted timestamp is asked for a locked run (it would go out
from an unattended process); the custody entry says when it was captured and sealed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from nacl.public import PrivateKey

from spoorvast.capture import codes as _codes  # noqa: F401  (registers finding codes)
from spoorvast.capture import platforms, portable
from spoorvast.capture.draft import Draft
from spoorvast.capture.identifiers import accounts_of
from spoorvast.capture.service import Sealer
from spoorvast.model import instant
from spoorvast.model.records import (
    ArtifactRole,
    Case,
    Identifier,
    IdentifierKind,
    IdentifierStatus,
    Item,
    ItemKind,
    Location,
    MediaFacts,
    PartyRole,
    Problem,
    Severity,
)
from spoorvast.model.secrets import strip_urls_in_text
from spoorvast.storage import inbox
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault

if TYPE_CHECKING:
    from spoorvast.capture.browser import BrowserSession
    from spoorvast.capture.options import CaptureOptions

FOLDER = "watch"  # <vault>/watch/inbox/
IMPORTER = "capture"
MAX_FILE = 512 << 20


@dataclass(frozen=True, slots=True)
class Prepared:
    """A capture made, not yet sealed (its bytes are evidence: never logged)."""

    head: dict[str, object]
    drafts: tuple[Draft, ...]

    @property
    def problems(self) -> list[Problem]:
        value = self.head.get("problems")
        return [_problem(p) for p in value if isinstance(p, list)] \
            if isinstance(value, list) else []

    @property
    def facts(self) -> platforms.PlatformFacts:
        value = self.head.get("platform")
        names = {f.name for f in fields(platforms.PlatformFacts)}
        known = {k: v for k, v in value.items() if k in names} \
            if isinstance(value, dict) else {}
        return platforms.PlatformFacts(**known)

    def text(self, key: str) -> str:
        value = self.head.get(key)
        return value if isinstance(value, str) else ""


def _problem(value: list[object]) -> Problem:
    severity, code, params = value[0], value[1], value[2]
    pairs = tuple((str(p[0]), str(p[1])) for p in params if isinstance(p, list)) \
        if isinstance(params, list) else ()
    return Problem(Severity(str(severity)), str(code), pairs)


def capture(session: BrowserSession, url: str, options: CaptureOptions, zone: str,
            watch: tuple[int, int]) -> Prepared:
    """Visit ``url`` and build every file the capture service would seal."""
    from spoorvast.capture.guard import system_resolve, visit_policy

    policy = visit_policy(url, options.allow_private_network, options.test_only_origins,
                          system_resolve)
    head, drafts = portable.prepare(session, url, options, zone, policy)
    return Prepared({"kind": "watch-run", "watch": watch[0], "case": watch[1], **head},
                    tuple(drafts))


def showed_news(prepared: Prepared) -> bool:
    """What a locked run can tell without the vault: the page is gone or walled."""
    status = prepared.head.get("status")
    codes = {p.code for p in prepared.problems}
    return status in (401, 403, 404, 410) or bool(codes & {
        "capture.unavailable", "capture.removed", "capture.password-form"}) \
        or any(c.startswith("capture.wall-") for c in codes)


# -- the entry -------------------------------------------------------------------------


def write(root: Path, prepared: Prepared) -> str:
    """Encrypt ``prepared`` into the watch inbox; the entry's name."""
    writer = inbox.EntryWriter(root / FOLDER, inbox.public_key(root))
    try:
        writer.message(prepared.head)
        for draft in prepared.drafts:
            writer.message({"kind": "open", "role": draft.role.value, "name": draft.name,
                            "media_type": draft.media_type})
            writer.body(draft.data)
            writer.message({"kind": "close",
                            "sha256": hashlib.sha256(draft.data).hexdigest()})
        writer.message({"kind": "end"})
        writer.finish()
    except BaseException:
        writer.abandon()
        raise
    return writer.name


def entries(root: Path) -> list[Path]:
    return inbox.entries(root / FOLDER)


def read(path: Path, private: PrivateKey) -> Prepared:
    """The capture in an entry; :class:`inbox.InboxDamaged` when it cannot be read whole."""
    frames = inbox.frames(path, private)
    first = next(frames, None)
    head = first.json() if first is not None and first.kind == inbox.MESSAGE else {}
    if head.get("kind") != "watch-run":
        raise inbox.InboxDamaged("no watch run")
    drafts: list[Draft] = []
    opened: dict[str, object] | None = None
    body = bytearray()
    for frame in frames:
        if frame.kind == inbox.BODY and opened is not None:
            body += frame.data
            if len(body) > MAX_FILE:
                raise inbox.InboxDamaged("file too large")
            continue
        message = frame.json()
        if message.get("kind") == "open" and opened is None:
            opened, body = message, bytearray()
        elif message.get("kind") == "close" and opened is not None:
            if message.get("sha256") != hashlib.sha256(body).hexdigest():
                raise inbox.InboxDamaged("a file differs from the hash taken at capture")
            drafts.append(Draft(ArtifactRole(str(opened["role"])), str(opened["name"]),
                                str(opened["media_type"]), bytes(body)))
            opened = None
        elif message.get("kind") == "end" and opened is None:
            return Prepared(head, tuple(drafts))
        else:
            raise inbox.InboxDamaged("message out of order")
    raise inbox.InboxDamaged("no end message")


# -- sealing at the unlock -------------------------------------------------------------


def seal(vault: Vault, case: Case, prepared: Prepared, entry: str,
         logged: tuple[str, dict[str, object]] | None = None,
         derived: dict[str, str] | None = None) -> Item:
    """Seal ``prepared`` as one capture item; its custody entry is
    ``watch.sealed-from-inbox`` naming the inbox ``entry``, or ``logged`` (an action and
    what it names: a server capture job, the drop it came in). ``derived`` names, per
    file name, the SHA-256 of the file it was made from (a capture shared by a member:
    its timestamp token and the record it stamps)."""
    sealer = Sealer(vault, case.time_zone)
    action, named = logged or ("watch.sealed-from-inbox", {"inbox_entry": entry})
    try:
        return _seal(vault, case, prepared, (action, named), sealer, derived or {})
    except BaseException:
        sealer.discard()
        raise


def _seal(vault: Vault, case: Case, prepared: Prepared,
          logged: tuple[str, dict[str, object]], sealer: Sealer,
          derived: dict[str, str]) -> Item:
    assert case.id is not None
    artifacts = [sealer.seal(d, derived.get(d.name)) for d in prepared.drafts]
    vault.blobs.sync()
    started = instant.Instant.from_json(_dict(prepared.head.get("started")))
    media = prepared.head.get("media")
    item = Item(None, case.id, 0, ItemKind.CAPTURE, _title(prepared), started, IMPORTER,
                None, MediaFacts(width=int(media[0]), height=int(media[1]))
                if isinstance(media, list) and len(media) == 2 else None)
    problems = [replace(p, params=tuple((k, strip_urls_in_text(v)) for k, v in p.params))
                for p in prepared.problems]
    facts = prepared.facts
    with vault.store.transaction() as tx:
        stored = tx.add_item(item, artifacts, problems)
        for identifier in [*_urls(stored, prepared, facts),
                           *accounts_of(stored, facts, _victim(vault, case))]:
            tx.add_identifier(replace(identifier,
                                      value=strip_urls_in_text(identifier.value)))
        tx.log(case_chain(case.id), logged[0], stored.label, {
            "captured_at": started.utc.isoformat(),
            "sealed_at": instant.now(case.time_zone).utc.isoformat(), **logged[1],
            "artifacts": {a.name: a.sha256 for a in artifacts}})
    return stored


def _dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _title(prepared: Prepared) -> str:
    text = " ".join(prepared.text("title").split())
    return strip_urls_in_text(text or prepared.text("final_url") or prepared.text("url"))[:200]


def _urls(item: Item, prepared: Prepared, facts: platforms.PlatformFacts) -> list[Identifier]:
    urls = [u for u in dict.fromkeys((prepared.text("url"), prepared.text("final_url"))) if u]
    return [Identifier(None, item.case_id, IdentifierKind.URL, url, platform=facts.platform,
                       status=IdentifierStatus.PROPOSED, item_id=item.id,
                       location=Location(field="capture.json:final_url")) for url in urls]


def _victim(vault: Vault, case: Case) -> int | None:
    victims = [p.id for p in vault.store.parties(case.id or 0) if p.role is PartyRole.VICTIM]
    return victims[0] if len(victims) == 1 else None
