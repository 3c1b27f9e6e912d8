"""A local case kept in step with its shared copy on an organisation's server.

The vault keeps (in its encrypted settings) the member's identity, and per shared case
a *link*: the server, the case's id there, the account, the server's public key (pinned
at the first contact), the last record pulled and the last chain head checked. Sync is:

1. check the whole chain (signatures, order, hashes, and that the head seen before is
   still there);
2. pull records after the cursor: an item's original is fetched into private memory
   (``storage.scratch``), its SHA-256 checked against the one its author computed before
   encryption, then added through the normal intake (so events are derived here), and
   a custody entry names its remote author, their fingerprint and the record;
3. push every local item not yet shared (its original file), under a record id that is
   the same on every run, so a re-run or a resumed run adds nothing.

A web capture (many sealed files) travels as one bundle record whose files arrive
byte-exact and are sealed as one capture item (``capture_share``); its key (the SHA-256
of its record file) is what both sides remember, so it never comes back. An item of
another kind without exactly one original is not shared (counted).

The cursor is saved after each record, so a cut sync resumes where it stopped.

A record that does not check or cannot be added (its bytes differ from what its author
sealed, a capture bundle whose files are not the ones it names, a key this member does
not hold, a file the intake refuses) is refused alone: nothing of it is added, the
refusal is kept in the vault and written in the case's custody log (``share.refused``:
the record, its author, the reason), the report names it, and the records after it
still arrive. Every later sync tries the refused records again (one by one) until they
are added, so a member is never stuck behind one bad record and nothing is dropped
silently. A chain that does not check still stops the whole sync: then no record can be
trusted.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spoorvast.importers.registry import builtin_registry
from spoorvast.model import instant
from spoorvast.model.records import ArtifactRole, Case, Item, ItemKind
from spoorvast.services.intake import Status, add_paths
from spoorvast.services.sharing import capture_share, kept
from spoorvast.services.sharing.api import Api, b64, unb64
from spoorvast.services.sharing.case import (
    READERS,
    SharedCase,
    SharedRecord,
    ShareError,
    stable_record_id,
)
from spoorvast.services.sharing.chain import (
    ChainEntry,
    check_members,
    check_record,
    verify_chain,
)
from spoorvast.services.sharing.drops import receive_drops
from spoorvast.storage import scratch
from spoorvast.storage import sharing_keys as sk
from spoorvast.storage.base import case_chain
from spoorvast.storage.sharing_keys import Identity, PublicIdentity, fingerprint_words
from spoorvast.storage.vault import Vault

IDENTITY = "sharing.identity"
ACCOUNT = "sharing.account."  # + server URL: this member's account there
Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class Link:
    server: str
    case: uuid.UUID
    account: uuid.UUID
    server_key: bytes
    role: str
    cursor: int = 0
    head: tuple[int, str] | None = None

    def to_json(self) -> str:
        return json.dumps({"server": self.server, "case": str(self.case),
                           "account": str(self.account), "server_key": b64(self.server_key),
                           "role": self.role, "cursor": self.cursor, "head": self.head})

    @classmethod
    def from_json(cls, text: str) -> Link:
        data = json.loads(text)
        head = data.get("head")
        return cls(data["server"], uuid.UUID(data["case"]), uuid.UUID(data["account"]),
                   unb64(data["server_key"]), data["role"], int(data["cursor"]),
                   (int(head[0]), str(head[1])) if head else None)


@dataclass
class SyncReport:
    pulled: list[str] = field(default_factory=list)  # local labels of items received
    pushed: int = 0
    skipped: int = 0  # items not shared (not a capture, not exactly one original)
    notes: int = 0
    rotated: int = 0  # readers whose grant ended: a new key made for the others
    dropped: list[str] = field(default_factory=list)  # labels of items from drop boxes
    drops_refused: list[tuple[str, str]] = field(default_factory=list)  # (upload, why)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (record, why)


def identity(vault: Vault) -> Identity:
    """This member's keys, made at the first share or join and kept in the vault."""
    stored = vault.store.setting(IDENTITY)
    if stored is not None:
        return Identity.from_json(stored)
    made = Identity.generate()
    with vault.store.transaction() as tx:
        tx.set_setting(IDENTITY, made.to_json())
    return made


def connect(vault: Vault, server: str, operator_token: str | None = None,
            invitation: str | None = None) -> Api:
    """An API client for *server* with this vault's identity; the account is made on
    the first contact (with the operator's token or an org's invitation) and
    remembered."""
    import httpx

    api = Api(httpx.Client(base_url=server, timeout=120), identity(vault),
              operator_token=operator_token)
    stored = vault.store.setting(ACCOUNT + server)
    if stored:
        api.account = uuid.UUID(stored)
        return api
    try:
        account = api.register(invitation)
    except BaseException:
        api.close()  # the caller gets no client to close
        raise
    with vault.store.transaction() as tx:
        tx.set_setting(ACCOUNT + server, str(account))
    return api


def setting_key(case: Case, *parts: str) -> str:
    return ".".join(("sharing", str(case.id), *parts))


def link_of(vault: Vault, case: Case) -> Link | None:
    stored = vault.store.setting(setting_key(case, "link"))
    return Link.from_json(stored) if stored else None


def save_link(vault: Vault, case: Case, link: Link) -> None:
    with vault.store.transaction() as tx:
        tx.set_setting(setting_key(case, "link"), link.to_json())


def share(vault: Vault, case: Case, api: Api, org: uuid.UUID, my_name: str,
          purpose: str) -> Link:
    """Put the local case on the server, this member as its owner."""
    shared = SharedCase.create(api, org, case.title, purpose, my_name)
    assert api.account is not None
    link = Link(str(api.http.base_url), shared.case_id, api.account, api.server_key(),
                "owner")
    save_link(vault, case, link)
    return link


def join(vault: Vault, api: Api, case_id: uuid.UUID, language: str, zone: str) -> Case:
    """A local case for a shared one this member was added to (its title, when this
    member may read it), linked so that :func:`sync` fills it."""
    from spoorvast.services.cases import create_case

    role = str(api.case(case_id)["role"])
    shared = SharedCase(api, case_id)
    if role != "contributor":
        shared.load_keys()
    title = shared.title() if role != "contributor" else str(case_id)[:8]
    case = create_case(vault, title, language, zone)
    assert api.account is not None
    save_link(vault, case, Link(str(api.http.base_url), case_id, api.account,
                                api.server_key(), role))
    return case


def sync(vault: Vault, case: Case, api: Api, progress: Progress | None = None
         ) -> SyncReport:
    link = link_of(vault, case)
    assert link is not None, "share or join the case first"
    shared, report = SharedCase(api, link.case), SyncReport()
    if link.role != "contributor":
        shared.load_keys()
    if link.role == "owner":
        report.rotated = rotate_for_ended_grants(vault, case, shared)
    if link.role != "contributor":
        entries = _checked_chain(vault, case, shared, link)
        _pull(vault, case, shared, link, entries, report, progress)
        drops = receive_drops(vault, case, shared, entries)
        report.dropped, report.drops_refused = drops.received, drops.refused
    _push(vault, case, shared, link, report, progress)
    save_link(vault, case, link)
    return report


def checked_chain(vault: Vault, case: Case, api: Api) -> list[ChainEntry]:
    """The case's whole chain, checked, and its head remembered for the next check."""
    link = link_of(vault, case)
    assert link is not None
    shared = SharedCase(api, link.case)
    if link.role != "contributor":
        shared.load_keys()
    entries = _checked_chain(vault, case, shared, link)
    save_link(vault, case, link)
    return entries


def rotate_for_ended_grants(vault: Vault, case: Case, shared: SharedCase) -> int:
    """A reader whose grant expired (the server stopped them at once) still holds the
    key of the current epoch: the owner's app makes a new one for the others, once."""
    ended = [uuid.UUID(str(m["account"])) for m in shared.api.members(shared.case_id)
             if not m["active"] and m["role"] in READERS
             and not vault.store.setting(setting_key(case, "rotated", str(m["account"])))]
    for account in ended:
        shared.remove_member(account)
        mark_rotated(vault, case, account)
    return len(ended)


def mark_rotated(vault: Vault, case: Case, account: uuid.UUID) -> None:
    with vault.store.transaction() as tx:
        tx.set_setting(setting_key(case, "rotated", str(account)), "1")


def _checked_chain(vault: Vault, case: Case, shared: SharedCase, link: Link
                   ) -> list[ChainEntry]:
    """The kept chain and the server's entries after it, checked as one; the new
    entries and the members are then kept in the vault (``kept``) for offline verify."""
    api = shared.api
    rows = api.members(link.case)
    members = {uuid.UUID(m["account"]): unb64(m["verify"]) for m in rows}
    seen = (link.head[0], unb64(link.head[1])) if link.head else None
    before = kept.kept_rows(vault, case)
    chain = before + _chain_after(api, link.case, len(before))
    entries = verify_chain(chain, link.server_key, members, seen)
    check_members(entries, rows)
    kept.keep(vault, case, chain, len(before), [_member_card(shared, m) for m in rows])
    if entries:
        link.head = (entries[-1].pos, b64(entries[-1].hash))
    return entries


def _chain_after(api: Api, case_id: uuid.UUID, after: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        page = api.chain(case_id, after)
        if not page:
            return rows
        rows.extend(page)
        after = int(page[-1]["pos"])


def _member_card(shared: SharedCase, row: dict[str, Any]) -> dict[str, Any]:
    """What the vault keeps of a member: their keys, role, expiry, whether active, and
    the purpose of their grant opened (the server holds it sealed)."""
    card = {k: row.get(k) for k in ("account", "role", "box", "verify", "expires_at",
                                    "active", "revoked")}
    return {**card, "purpose": shared.purpose(row) if shared.keys else None}


def _pull(vault: Vault, case: Case, shared: SharedCase, link: Link,
          entries: list[ChainEntry], report: SyncReport, progress: Progress | None) -> None:
    retried = _refused_rows(vault, case, shared)
    rows = _all_rows(shared, link.cursor)
    total = len(retried) + len(rows)
    for number, row in enumerate(retried + rows, start=1):
        seq = int(str(row["seq"]))
        try:
            _take(vault, case, shared, link, entries, row, report)
        except (ShareError, sk.SealError) as exc:
            why = exc.code if isinstance(exc, ShareError) else "record_does_not_open"
            _keep_refusal(vault, case, row, why)
            report.refused.append((str(row["record"]), why))
        else:
            _forget_refusal(vault, case, seq)
        if seq > link.cursor:
            link.cursor = seq
            save_link(vault, case, link)
        if progress is not None:
            progress("pull", number, total)


def _take(vault: Vault, case: Case, shared: SharedCase, link: Link,
          entries: list[ChainEntry], row: dict[str, object], report: SyncReport) -> None:
    entry = check_record(entries, row)
    record = shared.open_row(row)
    if record.kind == "member":
        _remember_member(vault, case, record)
    elif record.kind == "item" and record.author != link.account:
        label = _receive(vault, case, shared, record, entry)
        if label:
            report.pulled.append(label)
    elif record.kind == "note":
        report.notes += 1


def _refused_rows(vault: Vault, case: Case, shared: SharedCase) -> list[dict[str, object]]:
    """The records refused by an earlier sync, pulled again to be tried once more."""
    rows: list[dict[str, object]] = []
    prefix = setting_key(case, "refused", "")
    for seq in sorted(int(key.rsplit(".", 1)[1]) for key, _ in
                      vault.store.settings_under(prefix)):
        page = shared.api.pull(shared.case_id, seq - 1, 1)
        if page and int(str(page[0]["seq"])) == seq:
            rows.append(page[0])
    return rows


def refused_records(vault: Vault, case: Case) -> list[dict[str, object]]:
    """What is kept of each record not added yet: its seq, record id, author, why, when
    it was first and last refused."""
    prefix = setting_key(case, "refused", "")
    return sorted((json.loads(value) for _key, value in vault.store.settings_under(prefix)),
                  key=lambda kept_row: int(kept_row["seq"]))


def _keep_refusal(vault: Vault, case: Case, row: dict[str, object], why: str) -> None:
    seq = int(str(row["seq"]))
    key = setting_key(case, "refused", str(seq))
    before = vault.store.setting(key)
    now = instant.now(case.time_zone).isoformat()
    kept_row = json.loads(before) if before else {
        "seq": seq, "record": str(row["record"]), "author": str(row["author"]),
        "first": now}
    changed = kept_row.get("why") != why
    kept_row.update(why=why, last=now)
    with vault.store.transaction() as tx:
        tx.set_setting(key, json.dumps(kept_row, sort_keys=True))
        if before is None or changed:  # logged once per reason, not at every retry
            tx.log(case_chain(case.id or 0), "share.refused", f"record:{row['record']}",
                   {"record": str(row["record"]), "server_seq": seq,
                    "author_account": str(row["author"]),
                    "author_name": member_name(vault, case, str(row["author"])),
                    "why": why})


def _forget_refusal(vault: Vault, case: Case, seq: int) -> None:
    key = setting_key(case, "refused", str(seq))
    if vault.store.setting(key) is not None:
        with vault.store.transaction() as tx:
            tx.set_setting(key, None)


def _all_rows(shared: SharedCase, after: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    while True:
        page = shared.api.pull(shared.case_id, after, 200)
        rows.extend(page)
        if len(page) < 200:
            return rows
        after = int(page[-1]["seq"])


def _remember_member(vault: Vault, case: Case, record: SharedRecord) -> None:
    remember_member(vault, case, str(record.fields["account"]),
                    str(record.fields.get("name", "")), str(record.fields.get("role", "")))


def remember_member(vault: Vault, case: Case, account: str, name: str, role: str) -> None:
    """A member's name as this vault knows it (from their card, or from adding them)."""
    with vault.store.transaction() as tx:
        tx.set_setting(setting_key(case, "member", account),
                       json.dumps({"name": name, "role": role}))


def member_name(vault: Vault, case: Case, account: uuid.UUID | str) -> str | None:
    stored = vault.store.setting(setting_key(case, "member", str(account)))
    return str(json.loads(stored)["name"]) if stored else None


def _receive(vault: Vault, case: Case, shared: SharedCase, record: SharedRecord,
             entry: ChainEntry) -> str | None:
    if record.fields.get("bundle") is not None:
        return _receive_capture(vault, case, shared, record)
    sha256 = str(record.fields["sha256"])
    _remember_blob(vault, case, record.blob, sha256)
    known = vault.store.item_with_original(case.id or 0, sha256)
    if known is None:
        known = _add_original(vault, case, shared, record)
    author = shared.api.account_keys(record.author)
    _log_received(vault, case, known, record, author)
    with vault.store.transaction() as tx:
        tx.set_setting(setting_key(case, "have", sha256), str(record.record))
    return known.label


def _add_original(vault: Vault, case: Case, shared: SharedCase,
                  record: SharedRecord) -> Item:
    name = Path(str(record.fields["name"])).name or "item"
    with scratch.private_dir("share", need=int(record.fields["size"])) as folder:
        path = folder / name
        with scratch.private_file(path) as out:
            shared.fetch(record, out)
        results = add_paths(vault, case, [path], builtin_registry())
    sha256 = str(record.fields["sha256"])
    if not results or results[0].status is Status.REFUSED or results[0].sha256 != sha256:
        raise ShareError("received_item_not_added", str(record.record))
    item = vault.store.item_with_original(case.id or 0, sha256)
    assert item is not None
    return item


def _log_received(vault: Vault, case: Case, item: Item, record: SharedRecord,
                  author: PublicIdentity) -> None:
    with vault.store.transaction() as tx:
        tx.log(case_chain(case.id or 0), "share.received", item.label,
               _received(vault, case, record, author, str(record.fields["sha256"])))


def _received(vault: Vault, case: Case, record: SharedRecord, author: PublicIdentity,
              sha256: str) -> dict[str, object]:
    return {"record": str(record.record), "server_seq": record.seq,
            "author_account": str(record.author),
            "author_name": member_name(vault, case, record.author),
            "author_fingerprint": fingerprint_words(author),
            "sha256": sha256, "added_at": record.fields.get("added_at")}


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _receive_capture(vault: Vault, case: Case, shared: SharedCase,
                     record: SharedRecord) -> str:
    """A capture sent as one bundle: sealed as one capture item, its files as they came
    (refused whole, nothing added, when one is not the file its record names)."""
    key = str(record.fields.get("capture_sha256"))
    if record.fields.get("bundle") != capture_share.BUNDLE or not _SHA256.fullmatch(key):
        raise ShareError("capture_bundle_unknown", str(record.record))
    _remember_blob(vault, case, record.blob, key)
    author = shared.api.account_keys(record.author)
    logged = {**_received(vault, case, record, author, key),
              "bundle": capture_share.BUNDLE, "bundle_sha256": str(record.fields["sha256"])}
    known = capture_share.find(vault, case, key)
    if known is None:
        with scratch.private_dir("share", need=int(record.fields["size"])) as folder:
            path = folder / "capture.zip"
            with scratch.private_file(path) as out:
                shared.fetch(record, out)
            known = capture_share.seal_received(vault, case, path, key, str(record.record),
                                                ("share.received", logged))
    else:
        with vault.store.transaction() as tx:
            tx.log(case_chain(case.id or 0), "share.received", known.label, logged)
    with vault.store.transaction() as tx:
        tx.set_setting(setting_key(case, "have", key), str(record.record))
    return known.label


def _remember_blob(vault: Vault, case: Case, blob: uuid.UUID | None, sha256: str) -> None:
    if blob is not None:
        with vault.store.transaction() as tx:
            tx.set_setting(setting_key(case, "blob", str(blob)), sha256)


def _push(vault: Vault, case: Case, shared: SharedCase, link: Link, report: SyncReport,
          progress: Progress | None) -> None:
    prefix = setting_key(case, "have", "")
    have = {key.rsplit(".", 1)[1] for key, _ in vault.store.settings_under(prefix)}
    items = vault.store.items(case.id or 0)
    for number, item in enumerate(items, start=1):
        if item.kind is ItemKind.CAPTURE:
            if _push_capture(vault, case, shared, link, item, have, report) and \
                    progress is not None:
                progress("push", number, len(items))
            continue
        originals = [a for a in vault.store.artifacts(item.id or 0)
                     if a.role is ArtifactRole.ORIGINAL]
        if len(originals) != 1:
            report.skipped += 1
            continue
        original = originals[0]
        if original.sha256 in have:
            continue
        record = stable_record_id(link.case, link.account, original.sha256, original.name)
        with vault.blobs.open(original.sha256) as source:
            added = shared.add_item(original.name, str(item.kind), source, original.size,
                                    str(member_name(vault, case, link.account) or ""),
                                    record=record)
        _remember_blob(vault, case, added.blob, original.sha256)
        with vault.store.transaction() as tx:
            tx.set_setting(setting_key(case, "have", original.sha256), str(record))
            tx.log(case_chain(case.id or 0), "share.sent", item.label, {
                "record": str(record), "server_seq": added.seq, "sha256": original.sha256})
        report.pushed += 1
        if progress is not None:
            progress("push", number, len(items))


def _push_capture(vault: Vault, case: Case, shared: SharedCase, link: Link, item: Item,
                  have: set[str], report: SyncReport) -> bool:
    """Send a capture as one bundle record (its sealed files byte-exact); whether sent."""
    files = capture_share.travelling(vault.store.artifacts(item.id or 0))
    if not files:
        report.skipped += 1
        return False
    if capture_share.key_of([(a.role, a.name, a.sha256) for a in files]) in have:
        return False
    with capture_share.bundle_of(vault, case, item) as (path, key), path.open("rb") as data:
        size = path.stat().st_size
        record = stable_record_id(link.case, link.account, key, capture_share.BUNDLE)
        added = shared.add_item(f"capture-{key[:16]}.zip", str(item.kind), data, size,
                                str(member_name(vault, case, link.account) or ""),
                                record=record, extra={"bundle": capture_share.BUNDLE,
                                                      "capture_sha256": key})
    _remember_blob(vault, case, added.blob, key)
    with vault.store.transaction() as tx:
        tx.set_setting(setting_key(case, "have", key), str(record))
        tx.log(case_chain(case.id or 0), "share.sent", item.label, {
            "record": str(record), "server_seq": added.seq, "sha256": key,
            "bundle": capture_share.BUNDLE, "files": len(files)})
    have.add(key)
    report.pushed += 1
    return True
