"""What the web page and the dossier show of a watch: its history (when each version
was seen, what changed, with the SHA-256 of its files) and two captures side by side
(the word diff)."""

from __future__ import annotations

from dataclasses import dataclass

from spoorvast.model.records import Case
from spoorvast.services import cases as case_service
from spoorvast.services.watch import store
from spoorvast.services.watch.classify import diff_words
from spoorvast.services.watch.facts import facts_of
from spoorvast.services.watch.model import Change, ChangeKind, RunFacts, Watch
from spoorvast.storage.vault import Vault

MAX_SHOWN_WORDS = 3_000  # words of unchanged text shown around the changes, in all
KEPT = ("full-page.png", "dom.html", "capture.json", "page.mhtml", "capture.wacz")


@dataclass(frozen=True, slots=True)
class HistoryRow:
    at: str  # UTC, ISO 8601 (custody time of the run)
    label: str
    compared_with: str | None
    changes: tuple[Change, ...]
    hashes: tuple[tuple[str, str], ...]  # (file name, SHA-256) of the main files


def history(vault: Vault, watch: Watch) -> list[HistoryRow]:
    rows = []
    for entry in store.runs(vault, watch):
        payload = entry.payload
        kinds = payload.get("changes")
        details = payload.get("details")
        details = details if isinstance(details, dict) else {}
        changes = tuple(Change(ChangeKind(k), tuple(sorted(
            (str(a), str(b)) for a, b in (details.get(k) or {}).items())))
            for k in (kinds if isinstance(kinds, list) else [])
            if k in {c.value for c in ChangeKind})
        files = payload.get("files")
        files = files if isinstance(files, dict) else {}
        rows.append(HistoryRow(entry.at, str(payload.get("item", "")),
                               str(payload.get("compared_with") or "") or None, changes,
                               tuple((n, str(files[n])) for n in KEPT if n in files)))
    return rows


@dataclass(frozen=True, slots=True)
class Segment:
    kind: str  # equal, delete, insert
    text: str


def word_diff(before: str, after: str) -> list[Segment]:
    """The words of both versions, deletions and insertions marked; long unchanged runs
    shortened to their ends."""
    segments: list[Segment] = []
    for tag, old, new in diff_words(before, after):
        if tag == "equal":
            segments.append(Segment("equal", _shortened(old)))
            continue
        if old:
            segments.append(Segment("delete", " ".join(old)[:MAX_SHOWN_WORDS * 8]))
        if new:
            segments.append(Segment("insert", " ".join(new)[:MAX_SHOWN_WORDS * 8]))
    return segments


def _shortened(words: list[str]) -> str:
    if len(words) <= 40:
        return " ".join(words)
    return " ".join(words[:15]) + " … " + " ".join(words[-15:])


@dataclass(frozen=True, slots=True)
class Pair:
    before: RunFacts
    after: RunFacts
    segments: list[Segment]


def pair(vault: Vault, case: Case, before: str, after: str) -> Pair:
    old = facts_of(vault, case_service.find_item(vault, case, before))
    new = facts_of(vault, case_service.find_item(vault, case, after))
    return Pair(old, new, word_diff(old.text, new.text))


def screenshot(vault: Vault, case: Case, label: str) -> bytes:
    item = case_service.find_item(vault, case, label)
    found = [a for a in vault.store.artifacts(item.id or 0) if a.name == "full-page.png"]
    return vault.blobs.read_bytes(found[0].sha256) if found else b""
