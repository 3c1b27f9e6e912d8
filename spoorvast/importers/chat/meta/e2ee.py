"""Messenger's end-to-end-encrypted chats, downloaded separately ("Download secure
storage data" under Messenger's end-to-end encrypted chats settings).

Shape, as established from public parsers of this download (no official documentation
was found): the Rust ``E2eExportRoot`` / ``import_e2e_json`` model of a Messenger history
importer (serde names ``participants``, ``threadName``, ``messages``, ``isUnsent``,
``media[].uri``, ``reactions[].actor/reaction``, ``senderName``, ``text``, ``timestamp``,
``type``; a zip whose root holds the JSON files and a ``media/`` folder; no mojibake
repair, unlike its legacy-format parser); ``datasources/facebook/e2ee.go`` and
``docs/fork/messenger-plan.md`` §4 of github.com/nikbpetrov/timelinize (a fork of
Timelinize, written against a real download: one ``<Name>_<n>.json`` per 1:1 thread at
the root, ``timestamp`` in milliseconds, ``type`` text / media / link / placeholder,
``media[].uri`` = ``./media/<uuid>.<ext>`` or the literal "Failed to download media",
"placeholder" = an unsent message with ``isUnsent: true``, no calls or system events);
and a Python evidence-report script reading the same keys (``timestamp`` in ms,
``senderName``, ``text``, ``media``, ``isUnsent``).

    {"participants": ["Jan Peeters", "Anna Dé"], "threadName": "Anna Dé_40",
     "messages": [{"isUnsent": false, "media": [{"uri": "./media/<uuid>.jpeg"}],
                   "reactions": [{"actor": "Jan Peeters", "reaction": "❤"}],
                   "senderName": "Anna Dé", "text": "…", "timestamp": 1746073791906,
                   "type": "media"}]}

Detection is by shape (a JSON object with ``threadName``, ``participants`` and
``senderName`` / an empty ``messages``), never by file name. Input: one thread's JSON
(its media are read from disk next to it, inside its own folder only: see
:mod:`localfiles` for what is read and why), or the download as a zip (every thread JSON
at the root, or in one top folder, is sealed as its own artifact and read; media are
resolved in the archive). The download has no account IDs and does not say who the
account holder is: the item says so in a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.chat.meta import codes as _codes  # noqa: F401  (registers codes)
from spoorvast.importers.chat.meta.e2ee_parse import E2eeParser
from spoorvast.importers.chat.shared.accounting import Tally
from spoorvast.importers.chat.shared.archive import ZipFiles, entry_head, open_files, zip_names
from spoorvast.importers.chat.shared.jsonload import load_json, obj
from spoorvast.importers.chat.shared.localfiles import (
    AttachmentReport,
    LocalFiles,
    Resolver,
    is_url,
    parts_of,
    real_folder,
)
from spoorvast.importers.chat.shared.participants import Participants
from spoorvast.importers.chat.shared.textfile import quiet_gc
from spoorvast.importers.files import file_facts
from spoorvast.importers.registry import Registry
from spoorvast.model.records import Artifact, ItemKind, Location, Problem, Severity

NOT_READ_CODE = "chat.e2ee-entry-not-read"

NAME = "messenger-e2ee"
_OPEN = re.compile(rb"^\s*\{")
_EMPTY = re.compile(rb'"messages"\s*:\s*\[\s*\]')
MAX_PROBED = 5  # thread files whose head is read to recognise a zip


def looks_like_e2ee(head: bytes) -> bool:
    head = head.removeprefix(b"\xef\xbb\xbf")
    return (bool(_OPEN.match(head)) and b'"threadName"' in head and b'"participants"' in head
            and (b'"senderName"' in head or bool(_EMPTY.search(head))))


def thread_entries(names: list[str]) -> list[str]:
    """JSON files at the archive's root or in one top folder (``data_messenger_e2e/``)."""
    return sorted(n for n in names if n.lower().endswith(".json") and n.count("/") <= 1)


class MessengerE2eeImporter:
    name = NAME
    priority = 50

    def detect(self, source: Source) -> bool:
        names = zip_names(source)
        if names is None:
            return looks_like_e2ee(source.head)
        probed = thread_entries(names)[:MAX_PROBED]
        return any(looks_like_e2ee(entry_head(source, n)) for n in probed)

    def read(self, context: ImportContext, source: Source) -> Iterator[ItemDraft]:
        sha = source.original.sha256
        files = open_files(context, source)
        local = LocalFiles(context, sha, AttachmentReport(sha))
        tally, participants = Tally(sha), Participants(context.case_id)
        parser = E2eeParser(context.case_id, context.case_zone, _on_disk(local, source),
                            tally, participants)
        problems: list[Problem] = []
        documents, unread = self._documents(source, files)
        problems.extend(Problem(Severity.WARNING, NOT_READ_CODE, (("entry", entry),),
                                Location(sha, field=entry)) for entry in unread)
        with quiet_gc():
            for number, (entry, data, artifact) in enumerate(documents):
                if files.archive is not None:
                    parser.resolve = _in_archive(files, entry, local.report)
                problems.extend(_document(parser, data, artifact, number))
            events = parser.events()
        problems.extend(local.report.finish())
        problems.extend([] if files.archive is None else files.archive.problems)
        problems.extend(_summary(parser, sha))
        problems.extend(tally.finish())
        yield ItemDraft(kind=ItemKind.CONVERSATION, title=source.name, importer=NAME,
                        artifacts=[source.original, *files.sealed.values(),
                                   *local.artifacts()],
                        file=file_facts(source, context.case_zone), problems=problems,
                        events=events, identifiers=participants.identifiers())

    def _documents(self, source: Source, files: ZipFiles
                   ) -> tuple[list[tuple[str, bytes, Artifact]], list[str]]:
        """(entry name, bytes, artifact) of every thread file, and the JSON files where
        threads are that are not one (said, never skipped silently)."""
        if files.archive is None:
            return [(source.name, source.path.read_bytes(), source.original)], []
        found, unread = [], []
        for entry in thread_entries(sorted(files.names)):
            if not looks_like_e2ee(files.archive.head(entry, 65536)):
                unread.append(entry)
                continue
            document = files.read_sealed(entry, "application/json")
            if document is not None:
                found.append((entry, *document))
        return found, unread


def _document(parser: E2eeParser, data: bytes, artifact: Artifact,
              number: int) -> list[Problem]:
    loaded = load_json(data, artifact.sha256)
    root = obj(loaded.value)
    if root is None:
        return [*loaded.problems, Problem(
            Severity.ERROR, "chat.not-an-export", (("format", "Messenger"),
                                                   ("reason", N_("no JSON object"))),
            Location(artifact.sha256))]
    parser.document(root, artifact.sha256, number)
    return loaded.problems


def _on_disk(local: LocalFiles, source: Source) -> Resolver:
    folder = real_folder(source.path)
    return lambda uri, where: local.resolve_in(folder, uri, where)


def _in_archive(files: ZipFiles, entry: str, report: AttachmentReport) -> Resolver:
    """Media named relative to the thread file's folder inside the archive."""
    base = entry.rpartition("/")[0]

    def resolve(uri: str, where: Location) -> str | None:
        if is_url(uri):
            return None
        parts = parts_of(uri)
        if parts is None:
            report.refused(where, "absolute path or '..'")
            return None
        sha = files.resolve("/".join(parts), base + "/" if base else "")
        if sha is None:
            report.missing(where)
        return sha
    return resolve


def _summary(parser: E2eeParser, sha256: str) -> list[Problem]:
    found = [Problem(Severity.INFO, "chat.e2ee-no-ids", (), Location(sha256))]
    if parser.newest_first:
        found.append(Problem(Severity.INFO, "chat.newest-first", (), Location(sha256)))
    return found


def register(registry: Registry) -> None:
    registry.register(MessengerE2eeImporter())
