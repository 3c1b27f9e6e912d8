"""Round-trip accounting of the conversation importers: every line or record read is an
event, part of one, or a finding (``Tally``); message IDs read twice (``DuplicateIds``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from spoorvast.importers.chat.shared import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.model.records import Location, Problem, Severity

MAX_LISTED_PROBLEMS = 100


@dataclass
class Tally:
    """Round-trip accounting: every line/record read is an event, a continuation of one,
    or a problem. ``closes`` is checked by the tests for every fixture."""

    sha256: str
    read: int = 0
    events: int = 0
    system: int = 0
    continued: int = 0
    problem_units: int = 0
    problems: list[Problem] = field(default_factory=list)
    _listed: int = 0
    _unlisted: int = 0
    _first_unlisted: str = ""

    def closes(self) -> bool:
        return self.read == self.events + self.continued + self.problem_units

    def unreadable(self, where: Location, label: str, reason: str, units: int = 1) -> None:
        self.problem_units += units
        if self._listed >= MAX_LISTED_PROBLEMS:
            self._unlisted += units
            self._first_unlisted = self._first_unlisted or label
            return
        self._listed += 1
        self.problems.append(Problem(Severity.WARNING, "chat.unreadable",
                                     (("where", label), ("reason", reason)), where))

    def note(self, problem: Problem) -> None:
        self.problems.append(problem)

    def finish(self) -> list[Problem]:
        """The problems, with the unlisted remainder and the counts at the end."""
        done = list(self.problems)
        if self._unlisted:
            done.append(Problem(Severity.WARNING, "chat.unreadable-more",
                                (("count", str(self._unlisted)),
                                 ("where", self._first_unlisted)),
                                Location(artifact_sha256=self.sha256)))
        done.append(Problem(Severity.INFO, "chat.counts", (
            ("read", str(self.read)), ("events", str(self.events)),
            ("system", str(self.system)), ("continued", str(self.continued)),
            ("problems", str(self.problem_units))), Location(artifact_sha256=self.sha256)))
        return done


@dataclass
class DuplicateIds:
    """Message IDs seen in one export: an ID read a second time is kept as its own event
    (nothing is dropped) and reported, the first hundred each with its place."""

    sha256: str
    seen: set[int | str] = field(default_factory=set)
    count: int = 0
    problems: list[Problem] = field(default_factory=list)

    def note(self, message_id: str | None, where: Location) -> None:
        if not message_id:
            return
        key: int | str = (int(message_id) if message_id.isascii() and message_id.isdigit()
                          else message_id)  # (an int takes less memory than the text)
        if key not in self.seen:
            self.seen.add(key)
            return
        self.count += 1
        if self.count <= MAX_LISTED_PROBLEMS:
            label = where.field or f"line {where.line}"
            self.problems.append(Problem(Severity.WARNING, "chat.duplicate-id", (
                ("where", label), ("id", message_id[:40])), where))

    def finish(self) -> list[Problem]:
        more = self.count - MAX_LISTED_PROBLEMS
        if more <= 0:
            return list(self.problems)
        return [*self.problems, Problem(Severity.WARNING, "chat.duplicate-id-more",
                                        (("count", str(more)),),
                                        Location(artifact_sha256=self.sha256))]


def counts_of(problems: list[Problem]) -> dict[str, int]:
    """The ``chat.counts`` finding as numbers (for tests and summaries)."""
    for problem in problems:
        if problem.code == "chat.counts":
            return {k: int(v) for k, v in problem.params}
    return {}
