"""Discord's own data package: ``messages/c<channel id>/messages.csv`` (older packages)
or ``Messages/c<channel id>/messages.json`` (newer ones), one file, or the whole package
as the zip Discord sends. From the zip every channel's messages file is sealed as its own
artifact and read, beside its ``channel.json`` (sealed too: it holds the channel's type
and, for direct messages, the other people's account IDs) and the package's
``index.json`` (the channel's name as Discord shows it); each event carries its channel's
id, name and recipients in its details.

It holds only the account holder's own messages, never the other side: the item says
so in a finding. Events have no actor (the holder); ``Timestamp`` with an offset is
EXPLICIT, without one it is read as UTC (as Discord writes it) and reported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft, Source, open_original
from spoorvast.importers.chat.discord import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.importers.chat.discord.duplicates import PackageIds
from spoorvast.importers.chat.discord.importer import iso_instant
from spoorvast.importers.chat.shared.accounting import Tally
from spoorvast.importers.chat.shared.archive import ZipFiles, open_files, zip_names
from spoorvast.importers.chat.shared.jsonload import (
    arr,
    load_json,
    obj,
    pointer,
    scalar,
    without_surrogates,
)
from spoorvast.importers.chat.shared.localfiles import Refused, locate, read_regular, real_folder
from spoorvast.importers.chat.shared.participants import Participants, account
from spoorvast.importers.chat.shared.zipsafe import MAX_ENTRY_BYTES
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry
from spoorvast.model.instant import Instant, OffsetSource, Precision, from_aware
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Event,
    ItemKind,
    Location,
    Problem,
    Severity,
)

NAME = "discord-package"
COLUMNS = ("ID", "Timestamp", "Contents", "Attachments")
_FOLDER = re.compile(r"c?(\d+)")  # a channel's folder in the package
_ENTRY = re.compile(r"(?:^|/)[Mm]essages/c?(\d+)/messages\.(?:csv|json)$")
_CSV_HEAD = re.compile(rb"^(?:\xef\xbb\xbf)?ID,Timestamp,Contents,Attachments\r?\n")
_JSON_HEAD = re.compile(rb'^(?:\xef\xbb\xbf)?\s*\[\s*(?:\]|\{\s*"ID":)')


def looks_like_package(head: bytes) -> bool:
    return bool(_CSV_HEAD.match(head) or _JSON_HEAD.match(head))


@dataclass
class Rows:
    case_id: int
    sha256: str
    tally: Tally
    events: list[Event] = field(default_factory=list)
    utc_assumed: int = 0
    channel: tuple[tuple[str, str], ...] = ()  # details every event of the file shares
    ids: PackageIds | None = None  # the IDs read so far in the whole package

    def add(self, values: dict[str, str | None], where: Location) -> None:
        self.tally.read += 1
        if self.ids is not None and not self.ids.first_time(values, where, self.tally):
            return  # the same record as one read before: a finding, not a second event
        moment = self._instant(values.get("Timestamp"))
        if moment is None:
            self.tally.unreadable(where, where.field or f"line {where.line}", N_("no timestamp"))
            return
        details = [*self.channel, ("message_id", values.get("ID") or ""), ("own", "1")]
        details += [("attachment", a) for a in (values.get("Attachments") or "").split()]
        text = without_surrogates(values.get("Contents") or "")[0]
        self.tally.events += 1
        self.events.append(Event(None, self.case_id, None, "message", moment, text,
                                 location=where, details=tuple(details)))

    def _instant(self, text: str | None) -> Instant | None:
        found = iso_instant(text)
        if found is not None or not text:
            return found
        try:
            wall = datetime.fromisoformat(text)
        except ValueError:
            return None
        self.utc_assumed += 1
        precision = Precision.MILLISECOND if wall.microsecond else Precision.SECOND
        return from_aware(wall.replace(tzinfo=UTC), OffsetSource.ASSUMED_ZONE, precision,
                          raw=text, zone_name="UTC")


def read_csv(data: bytes, rows: Rows) -> None:
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    line = 2
    for record in reader:
        where = Location(rows.sha256, line=line)
        line = reader.line_num + 1
        if len(record) != len(COLUMNS):
            rows.tally.read += 1
            rows.tally.unreadable(where, f"line {where.line}", N_("not 4 columns"))
            continue
        rows.add(dict(zip(COLUMNS, record, strict=True)), where)


def read_json(data: bytes, rows: Rows) -> list[Problem]:
    loaded = load_json(data, rows.sha256)
    for index, record in enumerate(arr(loaded.value)):
        values = obj(record)
        where = Location(rows.sha256, field=pointer(index))
        if values is None:
            rows.tally.read += 1
            rows.tally.unreadable(where, where.field or "", N_("not an object"))
            continue
        rows.add({k: scalar(values.get(k)) for k in COLUMNS}, where)
    return loaded.problems


class DiscordPackageImporter:
    name = NAME
    priority = 50

    def detect(self, source: Source) -> bool:
        names = zip_names(source)
        if names is not None:
            return bool(channel_entries(names))
        return looks_like_package(source.head)

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        files = open_files(context, source)
        problems: list[Problem] = []
        sides: list[Artifact] = []  # side files of a loose messages file
        channel = () if files.archive is not None else _loose_channel(
            context, source, problems, sides)
        name = dict(channel).get("channel")
        title = source.name if name is None else f"{name} ({source.name})"
        draft = ItemDraft(kind=ItemKind.CONVERSATION, title=title, importer=NAME,
                          artifacts=[source.original],
                          file=file_facts(source, context.case_zone))
        draft.events = self._events(context, source, draft, files, problems, sides, channel)
        yield draft

    def _events(self, context: ImportContext, source: Source, draft: ItemDraft,
                files: ZipFiles, problems: list[Problem], sides: list[Artifact],
                channel: tuple[tuple[str, str], ...]) -> Iterator[Event]:
        """The events, a channel at a time (as they are stored); the draft's findings
        and sealed side files are completed at the end."""
        sha = source.original.sha256
        tally = Tally(sha)
        utc_assumed = 0
        people = Participants(context.case_id)
        holder = _holder(files)
        ids = PackageIds(sha)
        for rows in _documents(context, source, files, tally, problems, channel, ids):
            yield from rows.events
            utc_assumed += rows.utc_assumed
            for other in dict(rows.channel).get("recipients", "").split():
                if other != holder:  # the people written to: their account IDs
                    people.note(account("discord", other, ""), Location(rows.sha256))
        draft.identifiers.extend(people.identifiers())
        problems.append(Problem(Severity.WARNING, "chat.own-messages-only", (), Location(sha)))
        if utc_assumed:
            problems.append(Problem(Severity.INFO, "chat.utc-assumed", (), Location(sha)))
        problems.extend(ids.finish())
        problems.extend(tally.finish())
        draft.problems.extend(problems)
        listed = {a.sha256 for a in draft.artifacts}
        for artifact in [*files.sealed.values(), *sides]:
            if artifact.sha256 not in listed:
                listed.add(artifact.sha256)
                draft.artifacts.append(artifact)


def _holder(files: ZipFiles) -> str | None:
    """The account holder's own ID (``Account/user.json`` of the zip), when readable."""
    for entry in ("Account/user.json", "account/user.json"):
        if entry in files.names and files.archive is not None:
            data = files.archive.read(entry)
            values = obj(load_json(data, files.derived_from).value) if data else None
            return scalar((values or {}).get("id"))
    return None


def _read_document(data: bytes, rows: Rows) -> list[Problem]:
    if _CSV_HEAD.match(data[:4096]):
        read_csv(data, rows)
        return []
    return read_json(data, rows)


def channel_entries(names: list[str]) -> list[tuple[str, str]]:
    """(channel id, messages file) of a package's channels, in channel id order; a
    channel with both files (never seen) is read from its JSON."""
    found: dict[str, str] = {}
    for name in names:
        match = _ENTRY.search(name)
        if match and (match[1] not in found or name.endswith(".json")):
            found[match[1]] = name
    return sorted(found.items(), key=lambda item: int(item[0]))


def _loose_channel(context: ImportContext, source: Source, problems: list[Problem],
                   sides: list[Artifact]) -> tuple[tuple[str, str], ...]:
    """The channel of a loose messages file that lies in an unzipped package (its
    folder is ``[Mm]essages/c<channel id>``), from the side files beside it; () for a
    file anywhere else (nothing else on the disk is read)."""
    folder = real_folder(source.path)
    found = _FOLDER.fullmatch(folder.name)
    if found is None or folder.parent.name.lower() != "messages":
        return ()
    loose = _LooseSides(context, source.original.sha256, folder, sides)
    return _channel(found[1], _index(loose, problems), loose, problems)


def _documents(context: ImportContext, source: Source, files: ZipFiles, tally: Tally,
               problems: list[Problem], channel: tuple[tuple[str, str], ...],
               ids: PackageIds) -> Iterator[Rows]:
    """The rows of the one messages file (``channel``: what its events share), or of
    each channel of the package's zip."""
    if files.archive is None:
        with open_original(context, source) as reader:  # the sealed bytes
            data = reader.read()
        rows = Rows(context.case_id, source.original.sha256, tally, channel=channel, ids=ids)
        problems.extend(_read_document(data, rows))
        yield rows
        return
    entries = channel_entries(sorted(files.names))
    index = {} if not entries else _index(
        _ZipSides(files, entries[0][1].rsplit("/", 1)[0]), problems)  # one per package
    for channel_id, entry in entries:
        kind = "application/json" if entry.endswith(".json") else "text/csv"
        found_entry = files.read_sealed(entry, kind)
        if found_entry is None:  # over a cap or broken: the archive's findings name it
            continue
        data, artifact = found_entry
        folder_entry = entry.rsplit("/", 1)[0]
        rows = Rows(context.case_id, artifact.sha256, tally, channel=_channel(
            channel_id, index, _ZipSides(files, folder_entry), problems), ids=ids)
        problems.extend(_read_document(data, rows))
        del data
        yield rows
    problems[:0] = files.archive.problems


class _Sides(Protocol):
    def read(self, name: str, up: bool) -> tuple[bytes, str] | None:
        """A side file of the channel's folder (``up``: of the folder above it, where
        ``index.json`` lies), sealed: its bytes and its sha256."""


@dataclass
class _ZipSides:
    files: ZipFiles
    folder: str  # the channel's folder in the archive

    def read(self, name: str, up: bool) -> tuple[bytes, str] | None:
        entry = f"{self.folder.rsplit('/', 1)[0] if up else self.folder}/{name}"
        if entry not in self.files.names:
            return None
        sealed = self.files.read_sealed(entry, "application/json")
        return None if sealed is None else (sealed[0], sealed[1].sha256)


@dataclass
class _LooseSides:
    """Side files next to a loose messages file of an unzipped package, read from disk
    as :mod:`localfiles` reads attachments (inside the folder, regular, capped) and
    sealed with it."""

    context: ImportContext
    derived_from: str
    folder: Path  # the channel's real folder
    sealed: list[Artifact]

    def read(self, name: str, up: bool) -> tuple[bytes, str] | None:
        folder = self.folder.parent if up else self.folder
        real = locate(folder, [name])
        if not isinstance(real, Path):
            return None
        data = read_regular(real, MAX_ENTRY_BYTES, folder)
        if isinstance(data, Refused):
            return None
        artifact = self.context.seal(data, ArtifactRole.ATTACHMENT, name, "application/json",
                                     self.derived_from)
        self.sealed.append(artifact)
        return data, artifact.sha256


def _index(sides: _Sides, problems: list[Problem]) -> dict[str, str]:
    """The package's ``index.json`` (sealed): channel id -> the name Discord shows."""
    values = obj(_side_json(sides, "index.json", True, problems)) or {}
    return {key: value for key, value in values.items() if isinstance(value, str)}


def _channel(channel_id: str, index: dict[str, str], sides: _Sides,
             problems: list[Problem]) -> tuple[tuple[str, str], ...]:
    """What every event of one channel carries: its id, its name (from ``index``), and
    from its ``channel.json`` (sealed; unreadable, a finding) its type, server and the
    recipients' account IDs."""
    details = [("channel_id", channel_id)]
    if channel_id in index:
        details.append(("channel", index[channel_id]))
    values = obj(_side_json(sides, "channel.json", False, problems)) or {}
    kind = scalar(values.get("type"))
    if kind:
        details.append(("channel_type", kind))
    server = scalar((obj(values.get("guild")) or {}).get("name"))
    if server:
        details.append(("server", server))
    recipients = [r for r in (scalar(v) for v in arr(values.get("recipients"))) if r]
    if recipients:
        details.append(("recipients", " ".join(recipients)))
    return tuple(details)


def _side_json(sides: _Sides, name: str, up: bool, problems: list[Problem]) -> object:
    found = sides.read(name, up)
    if found is None:
        return None
    loaded = load_json(*found)
    problems.extend(loaded.problems)
    return loaded.value


def register(registry: Registry) -> None:
    registry.register(DiscordPackageImporter())
