"""A web capture as one file: what a capture made away from the vault (a server worker,
for a shared case's drop box) carries to the vault that seals it.

:func:`prepare` makes the same visit and the same files as the capture service (settled,
wall-aware, the account facts read from the page): every draft, the record
(``capture.json``), the visit's problems, and a *head* of what sealing needs (address,
final address, status, title, start, page size, problems, platform facts).
:func:`write_bundle` puts head and files into one ZIP held in memory (stored, not
compressed: screenshots and video are compressed already), with a manifest naming each
file's role, media type, size and SHA-256, taken before anything is encrypted;
:func:`read_bundle` checks every file against that manifest and refuses anything else
(unknown members, a path, a file larger than :data:`MAX_FILE`, more than
:data:`MAX_FILES`).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from spoorvast.capture import platforms, walls
from spoorvast.capture.draft import Draft
from spoorvast.capture.record import ArtifactEntry, build_record, record_bytes
from spoorvast.model.records import ArtifactRole, Problem
from spoorvast.model.serialize import to_json

if TYPE_CHECKING:
    from spoorvast.capture.browser import BrowserSession
    from spoorvast.capture.guard import Policy
    from spoorvast.capture.options import CaptureOptions
    from spoorvast.capture.visit import Visit

MEDIA_TYPE = "application/x-spoorvast-capture+zip"
MANIFEST = "capture-run.json"
MAX_FILE = 512 << 20
MAX_FILES = 400


class BundleDamaged(Exception):
    """The bundle is not one this module wrote whole (the message names what, no content)."""


Head = dict[str, object]


def prepare(session: BrowserSession, url: str, options: CaptureOptions, zone: str,
            policy: Policy) -> tuple[Head, list[Draft]]:
    """Visit ``url`` under ``policy`` and build every file the capture service seals."""
    from spoorvast.capture.assemble import drafts_of, visit_exchanges, visit_problems, wacz_of
    from spoorvast.capture.guard import system_resolve
    from spoorvast.capture.page import run_visit

    assert session.info is not None

    def open_context(har: Path, proxy: str):  # type: ignore[no-untyped-def]
        return session.new_context(options, har, proxy)

    visit = run_visit(open_context, url, options, zone, session.playwright, policy,
                      system_resolve)
    exchanges = visit_exchanges(visit)
    wacz = wacz_of(visit, exchanges, session.info)
    drafts = [*drafts_of(visit, exchanges), wacz,
              *(visit.videos.drafts if not visit.barred else [])]
    facts = platforms.detect(visit.main.url if visit.main else visit.requested_url,
                             visit.dom, visit.requested_url)
    entries = [ArtifactEntry(d.role.value, d.name, d.media_type, len(d.data),
                             hashlib.sha256(d.data).hexdigest()) for d in drafts]
    record = record_bytes(build_record(visit, options, session.info, entries, facts))
    drafts.append(Draft(ArtifactRole.ANALYSIS, "capture.json", "application/json", record))
    problems = [*visit_problems(visit, options, wacz), *_walls(visit, facts),
                *platforms.problems(facts)]
    return head_of(visit, problems, facts), drafts


def _walls(visit: Visit, facts: platforms.PlatformFacts) -> list[Problem]:
    if visit.main is None or visit.barred:
        return []
    shown = [*(h.url for h in visit.hops), visit.main.url, *visit.navigations]
    return walls.wall_problems(visit.requested_url, shown[1:] if shown else shown,
                               visit.main.status, visit.seen, facts.platform)


def head_of(visit: Visit, problems: list[Problem], facts: platforms.PlatformFacts) -> Head:
    return {"url": visit.requested_url, "final_url": visit.main.url if visit.main else None,
            "status": visit.main.status if visit.main else None, "title": visit.title,
            "started": visit.started.to_json(),
            "media": [visit.full.width, visit.full.captured_height] if visit.full else None,
            "problems": [[p.severity.value, p.code, [list(x) for x in p.params]]
                         for p in problems],
            "platform": to_json(facts)}


# -- the bundle ------------------------------------------------------------------------


def write_bundle(head: Head, drafts: list[Draft]) -> bytes:
    """Head and files as one ZIP, in memory (never on a disk)."""
    names = [d.name for d in drafts]
    if len(set(names)) != len(names) or MANIFEST in names:
        raise BundleDamaged("two files of one name")
    files = [{"name": d.name, "role": d.role.value, "media_type": d.media_type,
              "size": len(d.data), "sha256": hashlib.sha256(d.data).hexdigest()}
             for d in drafts]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as bundle:
        bundle.writestr(MANIFEST, json.dumps({"v": 1, "head": head, "files": files},
                                             sort_keys=True))
        for draft in drafts:
            bundle.writestr(draft.name, draft.data)
    return out.getvalue()


def read_bundle(source: Path | bytes) -> tuple[Head, list[Draft]]:
    """Head and files of a bundle, each file checked against its manifest entry."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source
                             ) as bundle:
            return _read(bundle)
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise BundleDamaged(type(exc).__name__) from exc


def _read(bundle: zipfile.ZipFile) -> tuple[Head, list[Draft]]:
    manifest = json.loads(bundle.read(MANIFEST)[:1 << 20])
    files, head = manifest.get("files"), manifest.get("head")
    if not isinstance(files, list) or not isinstance(head, dict) or len(files) > MAX_FILES:
        raise BundleDamaged("no manifest")
    members = {i.filename: i for i in bundle.infolist()}
    if set(members) != {MANIFEST, *(str(f.get("name")) for f in files)}:
        raise BundleDamaged("members differ from the manifest")
    drafts = [_file(bundle, members, entry) for entry in files]
    return head, drafts


def _file(bundle: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
          entry: dict[str, object]) -> Draft:
    name = str(entry.get("name"))
    if "/" in name or "\\" in name or name in ("", ".", ".."):
        raise BundleDamaged("a file name with a path")
    if members[name].file_size > MAX_FILE or members[name].file_size != entry.get("size"):
        raise BundleDamaged("a file of another size")
    data = bundle.read(name)
    if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        raise BundleDamaged("a file differs from the hash taken at capture")
    return Draft(ArtifactRole(str(entry.get("role"))), name, str(entry.get("media_type")),
                 data)
