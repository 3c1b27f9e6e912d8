"""Instagram and Facebook "Download your information" messages (JSON).

One ``message_1.json`` (old layout ``messages/inbox/<thread>/message_1.json``; Accounts
Center layout ``your_instagram_activity/messages/inbox/<thread>/…`` or
``your_activity_across_facebook/messages/inbox/…``), or the whole download as a zip:
then every ``message_N.json`` inside is sealed as its own artifact and read, and the
photos, videos and audio files messages name are resolved against the archive. A loose
``message_N.json`` from an unzipped download has its media read from the download's
folders on disk (see ``meta_local`` for what is read and why); URLs are never fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.chat.meta import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.importers.chat.meta.local_media import DyiFolder
from spoorvast.importers.chat.meta.parse import MetaParser
from spoorvast.importers.chat.shared.accounting import Tally
from spoorvast.importers.chat.shared.archive import ZipFiles, open_files, zip_names
from spoorvast.importers.chat.shared.jsonload import load_json, obj
from spoorvast.importers.chat.shared.localfiles import (
    AttachmentReport,
    LocalFiles,
    Resolver,
    is_url,
    real_folder,
)
from spoorvast.importers.chat.shared.participants import Participants
from spoorvast.importers.chat.shared.textfile import quiet_gc
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry
from spoorvast.model.records import Artifact, ItemKind, Location, Problem, Severity

NAME = "meta-messages"
_ENTRY = re.compile(r"(?:^|/)messages/(?:inbox|message_requests|archived_threads|"
                    r"filtered_threads|e2ee_cutover)/[^/]+/message_\d+\.json$")
_HEAD = re.compile(rb'^\s*\{\s*"participants":\s*\[', re.DOTALL)


def looks_like_meta(head: bytes) -> bool:
    head = head.removeprefix(b"\xef\xbb\xbf")
    return bool(_HEAD.match(head)) and (b'"timestamp_ms"' in head or b'"messages": []' in head)


def message_entries(names: list[str]) -> list[str]:
    return sorted((n for n in names if _ENTRY.search(n)), key=_entry_order)


def _entry_order(name: str) -> tuple[str, int]:
    folder, _, base = name.rpartition("/")
    return folder, int(base.removeprefix("message_").removesuffix(".json"))


def platform_of(source: Source, names: list[str]) -> str:
    hints = " ".join([source.name.lower(), *names[:50]]).lower()
    if "instagram" in hints:
        return "instagram"
    if "facebook" in hints or "messenger" in hints:
        return "facebook"
    return "meta"


class MetaImporter:
    name = NAME
    priority = 50

    def detect(self, source: Source) -> bool:
        names = zip_names(source)
        if names is not None:
            return bool(message_entries(names))
        return looks_like_meta(source.head)

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        files = open_files(context, source)
        names = sorted(files.names)
        documents = self._documents(source, files, names)
        tally = Tally(source.original.sha256)
        participants = Participants(context.case_id)
        report = AttachmentReport(source.original.sha256)
        local = LocalFiles(context, source.original.sha256, report)
        resolve = (_in_archive(files, report) if files.archive is not None
                   else DyiFolder(local, real_folder(source.path)).resolve)
        parser = MetaParser(context.case_id, context.case_zone,
                            platform_of(source, names), resolve, tally, participants)
        problems: list[Problem] = []
        with quiet_gc():
            for number, (data, artifact) in enumerate(documents):
                problems.extend(self._document(parser, data, artifact, number))
            events = parser.events()
        problems.extend(parser.problems)
        problems.extend(report.finish())
        problems.extend([] if files.archive is None else files.archive.problems)
        problems.extend(_summary(parser, source.original.sha256))
        problems.extend(tally.finish())
        yield ItemDraft(kind=ItemKind.CONVERSATION, title=source.name, importer=NAME,
                        artifacts=[source.original, *files.sealed.values(),
                                   *local.artifacts()],
                        file=file_facts(source, context.case_zone), problems=problems,
                        events=events, identifiers=participants.identifiers())

    def _documents(self, source: Source, files: ZipFiles,
                   names: list[str]) -> list[tuple[bytes, Artifact]]:
        if files.archive is None:
            return [(source.path.read_bytes(), source.original)]
        found = []
        for entry in message_entries(names):
            document = files.read_sealed(entry, "application/json")
            if document is not None:
                found.append(document)
        return found

    def _document(self, parser: MetaParser, data: bytes, artifact: Artifact,
                  number: int) -> list[Problem]:
        loaded = load_json(data, artifact.sha256)
        root = obj(loaded.value)
        if root is None:
            return [*loaded.problems, Problem(
                Severity.ERROR, "chat.not-an-export", (("format", "Instagram/Facebook"),
                                                       ("reason", N_("no JSON object"))),
                Location(artifact.sha256))]
        parser.document(root, artifact.sha256, number)
        return loaded.problems


def _in_archive(files: ZipFiles, report: AttachmentReport) -> Resolver:
    def resolve(uri: str, where: Location) -> str | None:
        sha = None if is_url(uri) else files.resolve(uri)
        if sha is None and not is_url(uri):
            report.missing(where)
        return sha
    return resolve


def _summary(parser: MetaParser, sha256: str) -> list[Problem]:
    found = []
    if parser.repaired:
        found.append(Problem(Severity.INFO, "chat.mojibake-repaired",
                             (("count", str(parser.repaired)),), Location(sha256)))
    if parser.newest_first:
        found.append(Problem(Severity.INFO, "chat.newest-first", (), Location(sha256)))
    return found


def register(registry: Registry) -> None:
    registry.register(MetaImporter())
