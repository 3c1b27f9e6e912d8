"""Seal the captures the browser extension left in the vault's inbox (at each unlock).

Each entry becomes one capture item, like a headless capture: the page's own answer
(original), the screenshots, MHTML and PDF the browser made, a WACZ built from every
network answer the browser recorded (warcio), the provenance record ``capture.json``,
the findings (walls, removals, overlays), and the account binding applied to the
recorded page, so that the logged-in viewer's account is proposed as the victim's and
never as the account captured. The item's time is the capture time; the custody log
says when it was captured, when the host received it and when it was sealed, with the
hashes taken when the bytes arrived. The entry is removed only after the item is
committed; one that cannot be read is set aside (``.bad``), its bytes kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from spoorvast import __version__
from spoorvast.capture import codes as _codes  # noqa: F401  (registers finding codes)
from spoorvast.capture import extension_entry as entry_lib
from spoorvast.capture import extension_record, platforms, walls
from spoorvast.capture.assemble import MEDIA_SUFFIX
from spoorvast.capture.draft import Draft
from spoorvast.capture.exchanges import Exchange
from spoorvast.capture.identifiers import accounts_of
from spoorvast.capture.record import ArtifactEntry
from spoorvast.capture.service import Sealer
from spoorvast.capture.wacz import PackageInfo, PageEntry, build_wacz, check_wacz
from spoorvast.capture.warc import write_warc
from spoorvast.i18n import LANGUAGES
from spoorvast.model import instant
from spoorvast.model.records import (
    Artifact,
    ArtifactRole,
    Case,
    Identifier,
    IdentifierKind,
    IdentifierStatus,
    Item,
    ItemKind,
    Location,
    PartyRole,
    Problem,
    Severity,
)
from spoorvast.model.secrets import strip_urls_in_text
from spoorvast.services import cases as case_service
from spoorvast.storage import inbox
from spoorvast.storage.base import case_chain
from spoorvast.storage.vault import Vault

# the same importer as the headless capture: shown, exported (secrets stripped) and put
# in the dossier like every capture; its record says it was made in the browser
IMPORTER = "capture"
DEFAULT_CASE = "Browser captures"
DEFAULT_ZONE = "Europe/Brussels"
Received = entry_lib.Received


@dataclass(frozen=True, slots=True)
class Sealed:
    entry: str
    case_id: int
    label: str
    account: str | None  # the account captured (handle or stable ID), when bound
    viewer: str | None  # the logged-in viewer's account, when recognised


@dataclass(frozen=True, slots=True)
class Drained:
    sealed: tuple[Sealed, ...]
    set_aside: tuple[Path, ...]  # entries that could not be read (kept as they were)


def drain(vault: Vault) -> Drained:
    """Seal every finished inbox entry into its case (the vault must be writable)."""
    inbox.ensure_keys(vault.root, vault.keyring)
    inbox.remove_old_receipts(vault.root, time.time())
    found = inbox.entries(vault.root)
    if not found:
        return Drained((), ())
    private = inbox.private_key(vault.root, vault.keyring)
    sealed, aside = [], []
    for path in found:
        try:
            received = entry_lib.read(path, private)
            done = seal(vault, received, path.stem)
        except (inbox.InboxDamaged, ValueError, TypeError, KeyError):
            aside.append(inbox.set_aside(path))  # unreadable or malformed: kept as it was
            continue
        inbox.remove(path)
        sealed.append(done)
        if received.reply_key is not None:
            inbox.write_receipt(vault.root, done.entry, received.reply_key, {
                "label": done.label, "account": done.account, "viewer": done.viewer})
    return Drained(tuple(sealed), tuple(aside))


# -- the case ------------------------------------------------------------------------


def case_for(vault: Vault, received: Received) -> Case:
    """The case chosen in the popup (its number or title), else the current case; a
    title no case has yet starts a new case with it."""
    wanted = " ".join(received.text("case").split())[:200]
    known = vault.store.cases()
    if wanted:
        match = [c for c in known if str(c.id) == wanted.lstrip("#")
                 or c.title.casefold() == wanted.casefold()]
        if match:
            return match[0]
    elif vault.store.setting(case_service.CURRENT_CASE) is not None or known:
        return _current(vault, known)
    return case_service.create_case(vault, wanted or DEFAULT_CASE, _language(received),
                                    _zone(received))


def _current(vault: Vault, known: list[Case]) -> Case:
    stored = vault.store.setting(case_service.CURRENT_CASE)
    match = [c for c in known if stored is not None and str(c.id) == stored]
    return match[0] if match else known[-1]


def _language(received: Received) -> str:
    lang = received.text("language")[:2].lower()
    return lang if lang in LANGUAGES else "en"


def _zone(received: Received) -> str:
    zone = received.text("time_zone")
    try:
        instant.zone(zone)
    except ValueError:
        return DEFAULT_ZONE
    return zone


# -- sealing -------------------------------------------------------------------------


def seal(vault: Vault, received: Received, entry: str) -> Sealed:
    case = case_for(vault, received)
    sealer = Sealer(vault, case.time_zone)
    try:
        return _seal(vault, case, received, entry, sealer)
    except BaseException:
        sealer.discard()
        raise


def _seal(vault: Vault, case: Case, received: Received, entry: str,
          sealer: Sealer) -> Sealed:
    exchanges = entry_lib.exchanges_of(received)
    main = entry_lib.main_document(received, exchanges)
    drafts = [*_original(main), *entry_lib.file_drafts(received),
              _wacz(received, exchanges)]
    artifacts = [sealer.seal(d) for d in drafts]
    facts = platforms.detect(main.url if main else received.url,
                             main.body if main else None, received.url)
    problems = [_clean(p) for p in (*extension_record.problems(received, main),
                                    *_walls(received, main, facts),
                                    *platforms.problems(facts),
                                    *_wacz_problems(drafts[-1]))]
    sealed_at = instant.now(case.time_zone)
    record = extension_record.build(received, main, exchanges,
                                    [_entry(a) for a in artifacts], facts,
                                    (_captured(received, case.time_zone), sealed_at),
                                    problems)
    artifacts.append(sealer.seal(Draft(ArtifactRole.ANALYSIS, "capture.json",
                                       "application/json", record)))
    return _write(vault, case, received, entry, artifacts, problems, facts, sealed_at)


def _original(main: Exchange | None) -> list[Draft]:
    if main is None or not main.body:
        return []
    stem = urlsplit(main.url).path.rsplit("/", 1)[-1] or "page"
    suffix = MEDIA_SUFFIX.get(main.media_type, "")
    name = stem if not suffix or stem.lower().endswith(suffix) else stem + suffix
    return [Draft(ArtifactRole.ORIGINAL, name, main.media_type or "application/octet-stream",
                  main.body)]


def _wacz(received: Received, exchanges: list[Exchange]) -> Draft:
    software = f"spoorvast {__version__}; browser extension; {_browser(received)}"
    started = _started(received)
    warc = write_warc(exchanges, {"software": software, "format": "WARC File Format 1.1",
                                  "isPartOf": "spoorvast browser capture"})
    page = PageEntry(received.url, started, received.text("title"))
    data = build_wacz(warc, [page], PackageInfo(received.text("title") or received.url,
                                                started, software))
    return Draft(ArtifactRole.WACZ, "capture.wacz", "application/wacz", data)


def _browser(received: Received) -> str:
    browser = received.meta.get("browser")
    version = browser.get("version") if isinstance(browser, dict) else None
    return f"browser {version}" if isinstance(version, str) else "browser"


def _captured(received: Received, zone: str) -> instant.Instant:
    value = received.meta.get("captured_at")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return instant.from_epoch(value / 1000, zone, instant.Precision.MILLISECOND)
    return instant.now(zone)


def _started(received: Received) -> str:
    moment = _captured(received, "UTC").utc
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _wacz_problems(wacz: Draft) -> list[Problem]:
    return [Problem(Severity.ERROR, "capture.wacz-invalid", (("detail", d[:200]),),
                    Location(field="capture.wacz")) for d in check_wacz(wacz.data)]


def _walls(received: Received, main: Exchange | None,
           facts: platforms.PlatformFacts) -> list[Problem]:
    shown = [main.url] if main else [received.url]
    return walls.wall_problems(received.url, shown, main.status if main else None,
                               entry_lib.probe_of(received), facts.platform)


def _write(vault: Vault, case: Case, received: Received, entry: str,
           artifacts: list[Artifact], problems: list[Problem],
           facts: platforms.PlatformFacts, sealed_at: instant.Instant) -> Sealed:
    assert case.id is not None
    vault.blobs.sync()
    captured = _captured(received, case.time_zone)
    item = Item(None, case.id, 0, ItemKind.CAPTURE, _title(received), captured, IMPORTER)
    victim = _victim(vault, case)
    with vault.store.transaction() as tx:
        stored = tx.add_item(item, artifacts, problems)
        found = [*_urls(stored, received, facts), *accounts_of(stored, facts, victim)]
        for identifier in found:
            tx.add_identifier(replace(identifier,
                                      value=strip_urls_in_text(identifier.value)))
        tx.log(case_chain(case.id), "capture.browser-sealed", stored.label, {
            "captured_at": captured.utc.isoformat(),
            "received_at": received.received_at, "sealed_at": sealed_at.utc.isoformat(),
            "inbox_entry": entry, "fidelity": received.text("fidelity"),
            "artifacts": {a.name: a.sha256 for a in artifacts}})
    account = facts.handle or facts.stable_id if not facts.unsure else None
    return Sealed(entry, case.id, stored.label, account, facts.viewer_id)


def _urls(item: Item, received: Received, facts: platforms.PlatformFacts
          ) -> list[Identifier]:
    assert item.id is not None
    return [Identifier(None, item.case_id, IdentifierKind.URL, received.url,
                       platform=facts.platform, status=IdentifierStatus.PROPOSED, item_id=item.id,
                       location=Location(field="capture.json:url"))] if received.url else []


def _victim(vault: Vault, case: Case) -> int | None:
    victims = [p.id for p in vault.store.parties(case.id or 0) if p.role is PartyRole.VICTIM]
    return victims[0] if len(victims) == 1 else None


def _title(received: Received) -> str:
    text = " ".join(received.text("title").split())
    return strip_urls_in_text(text or received.url)[:200]


def _clean(problem: Problem) -> Problem:
    return replace(problem, params=tuple((k, strip_urls_in_text(v))
                                         for k, v in problem.params))


def _entry(artifact: Artifact) -> ArtifactEntry:
    return ArtifactEntry(artifact.role.value, artifact.name, artifact.media_type,
                         artifact.size, artifact.sha256)
