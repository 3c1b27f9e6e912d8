"""Message IDs read twice in a Discord data package, across all its channels and files.

Discord's message IDs are unique over the whole platform, so an ID read a second time
means the package holds the same message twice (a channel folder copied, a package
joined from two downloads) or a record that was altered. Nothing is lost and nothing is
doubled: a record equal to the one read before (same ID, time, text and attachments)
is not stored again but counted as a finding with its place; a record that differs is
kept as an event of its own, with a finding. The first hundred of each are listed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from spoorvast.importers.chat.shared.accounting import MAX_LISTED_PROBLEMS, Tally
from spoorvast.model.records import Location, Problem, Severity


@dataclass
class PackageIds:
    sha256: str  # the package's original (for the summary findings)
    seen: dict[int | str, bytes] = field(default_factory=dict)  # ID -> record digest
    copies: int = 0
    differing: int = 0
    problems: list[Problem] = field(default_factory=list)

    def first_time(self, values: dict[str, str | None], where: Location,
                   tally: Tally) -> bool:
        """Whether the record is to be stored: False for a copy of a record read before
        (then counted in ``tally`` as a finding's unit)."""
        raw = (values.get("ID") or "").strip()
        if not raw:
            return True
        key: int | str = int(raw) if raw.isascii() and raw.isdigit() else raw
        body = _digest(values)
        before = self.seen.get(key)
        if before is None:
            self.seen[key] = body
            return True
        label = where.field or f"line {where.line}"
        params = (("where", label), ("id", raw[:40]))
        if before == body:
            self.copies += 1
            tally.problem_units += 1
            self._list(self.copies, Problem(Severity.WARNING, "chat.duplicate-copy",
                                            params, where))
            return False
        self.differing += 1
        self._list(self.differing, Problem(Severity.WARNING, "chat.duplicate-id", params,
                                           where))
        return True

    def _list(self, count: int, problem: Problem) -> None:
        if count <= MAX_LISTED_PROBLEMS:
            self.problems.append(problem)

    def finish(self) -> list[Problem]:
        done = list(self.problems)
        where = Location(artifact_sha256=self.sha256)
        if self.copies > MAX_LISTED_PROBLEMS:
            done.append(Problem(Severity.WARNING, "chat.duplicate-copy-more", (
                ("count", str(self.copies - MAX_LISTED_PROBLEMS)),), where))
        if self.differing > MAX_LISTED_PROBLEMS:
            done.append(Problem(Severity.WARNING, "chat.duplicate-id-more", (
                ("count", str(self.differing - MAX_LISTED_PROBLEMS)),), where))
        return done


def _digest(values: dict[str, str | None]) -> bytes:
    """A short digest of what a record says besides its ID (a collision is as unlikely
    as one of SHA-256's truncations; no text is held)."""
    digest = hashlib.blake2b(digest_size=16)
    for name in ("Timestamp", "Contents", "Attachments"):
        digest.update((values.get(name) or "").encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.digest()
