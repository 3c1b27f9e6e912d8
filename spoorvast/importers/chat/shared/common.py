"""Shared parts of the conversation importers: accounting, participants, phones."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spoorvast.analysis.phones import e164 as e164  # re-exported for the chat importers
from spoorvast.analysis.phones import zone_country as zone_country
from spoorvast.importers.chat.shared import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.model.conversation import actor_key
from spoorvast.model.records import (
    Identifier,
    IdentifierKind,
    Location,
    Problem,
    Severity,
)

MAX_LISTED_PROBLEMS = 100
_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff\u2068\u2069"
_SPACES = " \u00a0\u202f"


def clean_name(raw: str) -> tuple[str, bool]:
    """A display name without direction marks, and whether it had WhatsApp's ``~``
    (a sender who is not in the exporting phone's contacts)."""
    name = raw.strip(_MARKS + _SPACES)
    if name.startswith("~"):
        return name[1:].strip(_MARKS + _SPACES), True
    return name, False


@dataclass(frozen=True, slots=True)
class Actor:
    key: str
    kind: IdentifierKind
    value: str
    platform: str
    stable_id: str | None = None


def phone_or_name(raw: str, platform: str, region: str | None) -> Actor:
    name, _tilde = clean_name(raw)
    number = e164(name, region)
    if number is not None:
        return Actor(actor_key("phone", number, platform, None), IdentifierKind.PHONE,
                     number, platform)
    return Actor(actor_key("name", name, platform, None), IdentifierKind.NAME, name, platform)


def account(platform: str, stable_id: str, handle: str) -> Actor:
    return Actor(actor_key("account", handle, platform, stable_id), IdentifierKind.ACCOUNT,
                 handle or stable_id, platform, stable_id)


@dataclass
class Participants:
    """Distinct actors of an export, in order of first appearance."""

    case_id: int
    seen: dict[str, tuple[Actor, Location | None]] = field(default_factory=dict)

    def note(self, actor: Actor, where: Location | None) -> str:
        if actor.key not in self.seen:
            self.seen[actor.key] = (actor, where)
        return actor.key

    def identifiers(self) -> list[Identifier]:
        return [Identifier(None, self.case_id, a.kind, a.value, platform=a.platform,
                           stable_id=a.stable_id, location=where)
                for a, where in self.seen.values()]


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


def without_surrogates(text: str) -> tuple[str, bool]:
    """Lone surrogates (from JSON ``\\ud800`` escapes) cannot be stored as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text), True
    return text, False


_SURROGATE = re.compile("[\ud800-\udfff]")
