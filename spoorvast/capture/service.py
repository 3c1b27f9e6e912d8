"""Capture service: visit a URL, seal every file it produced, write one item.

Order (nothing half-written is ever kept): guard the address (the visit's policy; every
connection of the visit is checked again by its guard proxy) → visit (browser) → build
the WACZ and the provenance record → optional trusted timestamp over the record → seal
every file (encrypted, hashed; durable once for all with ``blobs.sync()``) → one
transaction writes the item, its artifacts, findings and identifiers with their custody
entries. When anything fails before the commit, the blobs this capture created are
removed again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from playwright.sync_api import BrowserContext, Playwright

from spoorvast.analysis import media as _media_codes  # noqa: F401  (registers its codes)
from spoorvast.analysis import picture_preview
from spoorvast.analysis._media_base import PREVIEW_FAILED
from spoorvast.capture import codes as _codes  # noqa: F401  (registers finding codes)
from spoorvast.capture import platforms, timestamps, walls
from spoorvast.capture.assemble import drafts_of, visit_exchanges, visit_problems, wacz_of
from spoorvast.capture.browser import BrowserInfo
from spoorvast.capture.draft import Draft
from spoorvast.capture.guard import Resolver, system_resolve, visit_policy
from spoorvast.capture.identifiers import identifiers_of
from spoorvast.capture.options import CaptureOptions
from spoorvast.capture.page import run_visit
from spoorvast.capture.record import ArtifactEntry, build_record, record_bytes
from spoorvast.capture.visit import Visit
from spoorvast.model import instant
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    Item,
    ItemKind,
    MediaFacts,
    PartyRole,
    Problem,
    Severity,
)
from spoorvast.model.secrets import strip_urls_in_text
from spoorvast.storage.vault import Vault

IMPORTER = "capture"
ContextFactory = Callable[[Path, str], BrowserContext]  # (HAR path, guard proxy server)


@dataclass(frozen=True, slots=True)
class CaptureResult:
    url: str
    label: str
    final_url: str | None
    status: int | None
    problems: tuple[Problem, ...]


@dataclass
class Sealer:
    """Seals drafts as blobs; remembers the fresh ones to remove if the item fails."""

    vault: Vault
    zone: str
    fresh: list[str] = field(default_factory=list)

    def seal(self, draft: Draft, derived_from: str | None = None) -> Artifact:
        blob = self.vault.blobs.ingest_bytes(draft.data, durable=False)
        if blob.fresh:
            self.fresh.append(blob.sha256)
        return Artifact(None, None, draft.role, draft.media_type, blob.size, blob.sha256,
                        draft.name, instant.now(self.zone), derived_from)

    def discard(self) -> None:
        for sha256 in self.fresh:
            if not self.vault.store.has_artifact(sha256):
                self.vault.blobs.remove(sha256)
        self.fresh.clear()


class CaptureService:
    """Captures URLs into one case with one browser (``open_context`` per capture)."""

    def __init__(self, vault: Vault, case: Case, options: CaptureOptions,
                 browser: BrowserInfo, open_context: ContextFactory,
                 playwright: Playwright, resolve: Resolver = system_resolve) -> None:
        self.vault, self.case, self.options = vault, case, options
        self.browser, self.open_context, self.playwright = browser, open_context, playwright
        self.resolve = resolve

    def capture(self, url: str) -> CaptureResult:
        url = url.strip()
        policy = visit_policy(url, self.options.allow_private_network,
                              self.options.test_only_origins, self.resolve)
        visit = run_visit(self.open_context, url, self.options, self.case.time_zone,
                          self.playwright, policy, self.resolve)
        sealer = Sealer(self.vault, self.case.time_zone)
        try:
            return self._store(visit, sealer)
        except BaseException:
            sealer.discard()
            raise

    def _store(self, visit: Visit, sealer: Sealer) -> CaptureResult:
        exchanges = visit_exchanges(visit)
        wacz = wacz_of(visit, exchanges, self.browser)
        drafts = [*drafts_of(visit, exchanges), wacz,
                  *(visit.videos.drafts if not visit.barred else [])]
        artifacts = [sealer.seal(d) for d in drafts]
        facts = platforms.detect(visit.main.url if visit.main else visit.requested_url,
                                 visit.dom or _original_body(drafts), visit.requested_url)
        record = record_bytes(build_record(visit, self.options, self.browser,
                                           [_entry(a) for a in artifacts], facts))
        record_artifact = sealer.seal(Draft(ArtifactRole.ANALYSIS, "capture.json",
                                            "application/json", record))
        artifacts.append(record_artifact)
        problems = [_clean(p) for p in
                    (*visit_problems(visit, self.options, wacz), *_walls(visit, facts),
                     *platforms.problems(facts))]
        stamped = timestamps.stamp_record(self.options, record, sealer, problems)
        artifacts.extend(stamped)
        artifacts.extend(_preview(drafts, artifacts, sealer, problems))
        return self._write(visit, artifacts, problems, facts)

    def _write(self, visit: Visit, artifacts: list[Artifact], problems: list[Problem],
               facts: platforms.PlatformFacts) -> CaptureResult:
        assert self.case.id is not None
        self.vault.blobs.sync()
        item = Item(None, self.case.id, 0, ItemKind.CAPTURE, _title(visit), visit.started,
                    IMPORTER, None, _media(visit))
        with self.vault.store.transaction() as tx:
            stored = tx.add_item(item, artifacts, problems)
            victim = _victim(self.vault, self.case)
            for identifier in identifiers_of(stored, visit, facts, victim):
                tx.add_identifier(replace(identifier,
                                          value=strip_urls_in_text(identifier.value)))
        return CaptureResult(visit.requested_url, stored.label,
                             visit.main.url if visit.main else None,
                             visit.main.status if visit.main else None, tuple(problems))


def _preview(drafts: list[Draft], artifacts: list[Artifact], sealer: Sealer,
             problems: list[Problem]) -> list[Artifact]:
    """The reduced copy of the screenshot for the dossier (sealed after the record: it is
    not a file of the visit). ≈0.1 s of CPU for a 16,000 px page; one that fails is an
    INFO finding (the dossier makes it then), never a failed capture."""
    source = picture_preview.source_of(artifacts)
    data = next((d.data for d in drafts if source is not None and d.role is source.role
                 and d.name == source.name), None)
    if source is None or data is None or hashlib.sha256(data).hexdigest() != source.sha256:
        return []
    try:
        made = picture_preview.from_bytes(data)
    except picture_preview.PreviewFailed as exc:
        problems.append(Problem(Severity.INFO, PREVIEW_FAILED, (("reason", str(exc)),)))
        return []
    return [sealer.seal(Draft(ArtifactRole.DOSSIER_PREVIEW, made.name,
                              picture_preview.MEDIA_TYPE, made.data), source.sha256)]


def _walls(visit: Visit, facts: platforms.PlatformFacts) -> list[Problem]:
    """A login, consent or check page instead of the one asked for; a "removed" page
    answered 200; a layer over the page."""
    if visit.main is None or visit.barred:
        return []
    shown = [*(h.url for h in visit.hops), visit.main.url, *visit.navigations]
    return walls.wall_problems(visit.requested_url, shown[1:] if shown else shown,
                               visit.main.status, visit.seen, facts.platform)


def _victim(vault: Vault, case: Case) -> int | None:
    """The case's victim, when there is exactly one (the viewer's account is theirs)."""
    victims = [p.id for p in vault.store.parties(case.id or 0) if p.role is PartyRole.VICTIM]
    return victims[0] if len(victims) == 1 else None


def _original_body(drafts: list[Draft]) -> bytes | None:
    return next((d.data for d in drafts if d.role is ArtifactRole.ORIGINAL), None)


def _entry(artifact: Artifact) -> ArtifactEntry:
    return ArtifactEntry(artifact.role.value, artifact.name, artifact.media_type,
                         artifact.size, artifact.sha256)


def _title(visit: Visit) -> str:
    """The page title, else its URL (without secret query values: the title is in the
    custody log, which is exported as it is)."""
    text = " ".join((visit.title or "").split())
    return strip_urls_in_text(text or (visit.main.url if visit.main
                                       else visit.requested_url))[:200]


def _clean(problem: Problem) -> Problem:
    """A finding's parameters without secret URL values (findings are exported)."""
    return replace(problem, params=tuple((k, strip_urls_in_text(v))
                                         for k, v in problem.params))


def _media(visit: Visit) -> MediaFacts | None:
    if visit.full is None:
        return None
    return MediaFacts(width=visit.full.width, height=visit.full.captured_height)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
