"""``verify``: recompute everything the vault claims.

1. every custody chain links and hashes correctly, and ends at its recorded head;
2. every row (case, item, artifact, finding, party, identifier, events per item) equals
   the last state the custody log recorded for it, and every logged record has a row;
3. every artifact's blob decrypts (AEAD) and hashes to its recorded SHA-256;
4. SQLCipher's own page authentication (``cipher_integrity_check``) finds nothing;
5. the database is not behind the anchor in the key file (``storage/anchor.py``): every
   chain still holds, with the same hash, the last entry the key file recorded. This is
   what sees an older copy of the database, lost write-ahead-log frames, and a chain
   re-hashed after an entry was removed. (A missing database is refused when opening.)

6. every shared case's chain as the vault kept it at its last sync (``sharing/kept.py``):
   signatures, order, hash links, an owner-signed grant for every member, and the head
   the custody log recorded; the author of every entry is named (``shared``).

Blobs that no artifact refers to (left by an add that was interrupted before it
committed) are reported as a notice, not a failure: they hold no item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spoorvast.i18n import N_, _
from spoorvast.model.custody import check_chain
from spoorvast.model.records import Artifact, CustodyEntry
from spoorvast.model.role_words import ROLE_WORDS
from spoorvast.services import identifier_corrections, ocr_corrections
from spoorvast.storage.base import VAULT_CHAIN, case_chain
from spoorvast.storage.vault import Vault

MESSAGES = {
    "gap": N_("custody log {subject}: entry {seq} is missing"),
    "broken-link": N_("custody log {subject}: entry {seq} does not link to the one before"),
    "hash-mismatch": N_("custody log {subject}: entry {seq} was changed after it was written"),
    "head-mismatch": N_("custody log {subject}: entries at the end were removed"),
    "row-changed": N_("{subject}: the stored record differs from the custody log"),
    "row-without-custody": N_("{subject}: a record exists that the custody log never recorded"),
    "row-missing": N_("{subject}: the custody log records it, but it is gone"),
    "blob-missing": N_("{subject}: the stored file {sha} is missing"),
    "blob-damaged": N_("{subject}: the stored file {sha} is damaged ({detail})"),
    "database-damaged": N_("the database failed its integrity check ({detail})"),
    "timestamp-invalid": N_("{subject}: the trusted timestamp does not verify ({detail})"),
    "anchor-behind": N_("custody log {subject}: the key file records entry {seq}, the "
                        "database does not hold it (an older copy of the database, or its "
                        "write-ahead log was lost or damaged: recent changes are missing)"),
    "anchor-rewritten": N_("custody log {subject}: entry {seq} is not the one the key file "
                           "records (the log was rewritten)"),
    "correction-inconsistent": N_("{subject}: it is recorded as the correction of an item "
                                  "that is missing, of another kind or newer than it"),
    "event-correction-inconsistent": N_(
        "{subject}: it is recorded as the correction of a message read from a picture "
        "that is missing, of another picture or proposal, or newer than it"),
    "identifier-correction-inconsistent": N_(
        "{subject}: its correction does not hold together (the earlier version is "
        "missing, of another kind, not marked as corrected, or corrected twice)"),
    "withdrawal-out-of-order": N_("{subject}: the custody log withdraws or restores it "
                                  "twice in a row (entry {seq})"),
    "shared-out-of-order": N_("{subject}: entry {seq} of the kept shared chain is out of "
                              "order"),
    "shared-changed": N_("{subject}: entry {seq} of the kept shared chain was changed "
                         "after it was written"),
    "shared-signature": N_("{subject}: the signature of entry {seq} of the kept shared "
                           "chain does not hold"),
    "shared-shortened": N_("{subject}: entries at the end of the kept shared chain are "
                           "missing (the custody log records entry {seq})"),
    "shared-rewritten": N_("{subject}: entry {seq} of the kept shared chain is not the one "
                           "the custody log records"),
    "shared-member": N_("{subject}: a member has access without a grant signed by the "
                        "owner (account {detail})"),
    "shared-unreadable": N_("{subject}: the kept shared chain cannot be read"),
    "anchor-damaged": N_("the record of the custody logs' ends in the key file is damaged "
                         "or was edited"),
}


@dataclass(frozen=True, slots=True)
class VerifyProblem:
    code: str
    subject: str
    seq: int | None = None
    sha: str | None = None
    detail: str = ""
    label: str = ""  # with role: the item and its file's role, said in words in message()
    role: str = ""

    def message(self) -> str:
        subject = self.subject
        if self.label and self.role in ROLE_WORDS:
            subject = f"{self.label} ({_(ROLE_WORDS[self.role])})"
        return _(MESSAGES[self.code]).format(subject=subject, seq=self.seq,
                                             sha=(self.sha or "")[:16], detail=self.detail)


@dataclass(frozen=True)
class SharedChain:
    """A shared case's kept chain as verify read it: who signed each entry, in words."""

    case_id: int
    authors: list[tuple[int, str, str]]  # (position, author in words, action)

    def counts(self) -> list[tuple[str, int]]:
        found: dict[str, int] = {}
        for _pos, author, _action in self.authors:
            found[author] = found.get(author, 0) + 1
        return list(found.items())


@dataclass
class VerifyReport:
    problems: list[VerifyProblem] = field(default_factory=list)
    chains: int = 0
    entries: int = 0
    records: int = 0
    blobs: int = 0
    bytes: int = 0
    unreferenced_blobs: int = 0
    shared: list[SharedChain] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


Progress = Callable[[int], None]


def verify(vault: Vault, progress: Progress | None = None) -> VerifyReport:
    report = VerifyReport()
    states = _check_chains(vault, report)
    _check_records(vault, states, report)
    _check_corrections(vault, report)
    _check_blobs(vault, report, progress)
    _check_database(vault, report)
    _check_timestamps(vault, report)
    _check_anchor(vault, report)
    _check_shared(vault, report)
    return report


SHARED_CODES = {"chain_out_of_order": "shared-out-of-order",
                "chain_hash_differs": "shared-changed", "chain_author_differs": "shared-changed",
                "chain_signature_fails": "shared-signature",
                "chain_shortened": "shared-shortened", "chain_rewritten": "shared-rewritten",
                "member_without_signed_grant": "shared-member"}


def _check_shared(vault: Vault, report: VerifyReport) -> None:
    from spoorvast.services.sharing import kept, words
    from spoorvast.services.sharing.sync import link_of

    for case in vault.store.cases():
        link = link_of(vault, case)
        if link is None or link.role == "contributor":
            continue  # a contributor reads nothing, its chain included
        found = kept.check(vault, case, link.server_key)
        subject = _("shared case {id}").format(id=case.id)
        if found.problem is not None:
            where = found.problem.where
            report.problems.append(VerifyProblem(
                SHARED_CODES.get(found.problem.code, "shared-unreadable"), subject,
                int(where) if where.isdigit() else None, detail=where[:8]))
            continue
        report.shared.append(SharedChain(case.id or 0, words.authors(vault, case,
                                                                       found.entries)))


def _check_anchor(vault: Vault, report: VerifyReport) -> None:
    report.problems.extend(VerifyProblem(d.code, d.chain, d.seq) for d in vault.drift)
    if vault.anchor_state == "damaged":
        report.problems.append(VerifyProblem("anchor-damaged", "key file"))


def total_bytes(vault: Vault) -> int:
    return sum({a.sha256: a.size for a in vault.store.all_artifacts()}.values())


def _check_chains(vault: Vault, report: VerifyReport) -> dict[tuple[str, int], object]:
    states: dict[tuple[str, int], object] = {}
    for chain in vault.store.chains():
        entries = vault.store.custody(chain)
        report.chains += 1
        report.entries += len(entries)
        report.problems.extend(VerifyProblem(p.code, chain, p.seq) for p in check_chain(entries))
        _check_head(vault, chain, entries, report)
        if chain != VAULT_CHAIN:
            states.update(_states(entries))
    return states


def _check_head(vault: Vault, chain: str, entries: list[CustodyEntry],
                report: VerifyReport) -> None:
    head = vault.store.chain_head(chain)
    last = (entries[-1].seq, entries[-1].hash) if entries else None
    if head != last:
        report.problems.append(VerifyProblem("head-mismatch", chain, head[0] if head else None))


def _states(entries: Iterable[CustodyEntry]) -> dict[tuple[str, int], object]:
    states: dict[tuple[str, int], object] = {}
    for entry in entries:
        record, record_id = entry.payload.get("record"), entry.payload.get("id")
        if isinstance(record, str) and isinstance(record_id, int):
            states[(record, record_id)] = entry.payload.get("data")
    return states


def _check_records(vault: Vault, states: dict[tuple[str, int], object],
                   report: VerifyReport) -> None:
    seen = set()
    for record, record_id, data in vault.store.record_rows():
        key = (record, record_id)
        seen.add(key)
        report.records += 1
        if key not in states:
            report.problems.append(VerifyProblem("row-without-custody", _name(key)))
        elif states[key] != data:
            report.problems.append(VerifyProblem("row-changed", _name(key)))
    for key in sorted(set(states) - seen):
        if states[key] is not None:  # None: the log records that it was removed
            report.problems.append(VerifyProblem("row-missing", _name(key)))


def _check_corrections(vault: Vault, report: VerifyReport) -> None:
    """Withdraw/restore entries alternate per item; each correction links an older item of
    the same kind in the same case (numbers only grow, so no chain can loop)."""
    for case in vault.store.cases():
        cid = case.id or 0
        items = {i.id: i for i in vault.store.items(cid)}
        for c in vault.store.corrections(cid):
            new, old = items.get(c.item_id), items.get(c.supersedes)
            if (new is None or old is None or new.importer != old.importer
                    or new.number <= old.number):
                subject = new.label if new else f"correction #{c.item_id}"
                report.problems.append(VerifyProblem("correction-inconsistent", subject))
        for subject in ocr_corrections.problems(vault, case):
            report.problems.append(VerifyProblem("event-correction-inconsistent", subject))
        for subject in identifier_corrections.problems(vault, case):
            report.problems.append(VerifyProblem("identifier-correction-inconsistent",
                                                 subject))
        _check_withdrawal_order(vault.store.custody(case_chain(cid)), report)


def _check_withdrawal_order(entries: Iterable[CustodyEntry], report: VerifyReport) -> None:
    withdrawn: set[str] = set()
    for entry in entries:
        if entry.action not in ("item.withdrawn", "item.restored"):
            continue
        going = entry.action == "item.withdrawn"
        if going == (entry.subject in withdrawn):
            report.problems.append(VerifyProblem("withdrawal-out-of-order", entry.subject,
                                                 entry.seq))
        (withdrawn.add if going else withdrawn.discard)(entry.subject)


def _name(key: tuple[str, int]) -> str:
    return f"{key[0]} #{key[1]}"


def _check_blobs(vault: Vault, report: VerifyReport, progress: Progress | None) -> None:
    by_sha: dict[str, list[Artifact]] = {}
    for artifact in vault.store.all_artifacts():
        by_sha.setdefault(artifact.sha256, []).append(artifact)
    for sha256, artifacts in by_sha.items():
        reason = vault.blobs.check(sha256)
        report.blobs += 1
        report.bytes += artifacts[0].size
        if progress:
            progress(artifacts[0].size)
        if reason is not None:
            report.problems.extend(_blob_problem(vault, a, reason) for a in artifacts)
    names = referenced_blob_names(vault, by_sha)
    report.unreferenced_blobs = sum(1 for n in vault.blobs.stored_names() if n not in names)


# Settings whose value is the SHA-256 of a blob that belongs to no item (the saved
# browser profile: capture.profile.PROFILE_SETTING; a test keeps the two the same).
BLOB_SETTINGS = ("capture.browser_profile",)


def referenced_blob_names(vault: Vault, shas: Iterable[str] | None = None) -> set[str]:
    """The stored names of every blob the vault refers to: its items' files (``shas``,
    else read from the store) and the blobs its settings name (the browser profile).
    A blob outside this set was left by an interrupted add; nothing reads it."""
    found = set(shas) if shas is not None else {
        artifact.sha256 for artifact in vault.store.all_artifacts()}
    for key in BLOB_SETTINGS:
        value = vault.store.setting(key)
        if value:
            found.add(value)
    return {vault.blobs.name(sha) for sha in found}


def _blob_problem(vault: Vault, artifact: Artifact, reason: str) -> VerifyProblem:
    item = vault.store.item_by_id(artifact.item_id) if artifact.item_id else None
    subject = f"{item.label} ({artifact.role.value})" if item else f"artifact #{artifact.id}"
    label, role = (item.label, artifact.role.value) if item else ("", "")
    if reason == "missing":
        return VerifyProblem("blob-missing", subject, sha=artifact.sha256, label=label,
                             role=role)
    return VerifyProblem("blob-damaged", subject, sha=artifact.sha256, detail=reason,
                         label=label, role=role)


def _check_database(vault: Vault, report: VerifyReport) -> None:
    damaged = vault.store.damaged_pages()
    if damaged:
        report.problems.append(VerifyProblem("database-damaged", "database",
                                             detail=f"{damaged} pages"))


def _check_timestamps(vault: Vault, report: VerifyReport) -> None:
    """RFC 3161 tokens of web captures: each must match its record (openssl ts)."""
    from spoorvast.capture.timestamps import check_tokens

    for subject, detail in check_tokens(vault):
        report.problems.append(VerifyProblem("timestamp-invalid", subject, detail=detail))
