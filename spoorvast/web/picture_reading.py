"""Reading the text of pictures where they are: one picture from its item page, and the
pictures just added, in the background after an upload (unless the setting turns it
off). Both are jobs with progress, through :mod:`spoorvast.services.ocr` as the CLI's
``ocr``; a picture already read is not read again."""

from __future__ import annotations

from spoorvast.i18n import _, ngettext
from spoorvast.model.records import ArtifactRole, Case, Item
from spoorvast.services import cases as case_service
from spoorvast.services import ocr as ocr_service
from spoorvast.storage.vault import Vault
from spoorvast.web.adapters import sections
from spoorvast.web.jobs import Job, JobRegistry, Link
from spoorvast.web.session import VaultSession
from spoorvast.web.vault_settings import read_setting

AUTO_SETTING = ocr_service.AFTER_ADD_SETTING  # "0": pictures are read only on request


def unread(vault: Vault, item: Item) -> bool:
    """A picture (or a capture's screenshot) whose text was not read yet."""
    artifacts = vault.store.artifacts(item.id or 0)
    sources = {a.sha256 for a in artifacts if a.media_type.startswith("image/")
               and a.role in (ArtifactRole.ORIGINAL, ArtifactRole.SCREENSHOT)}
    done = {a.derived_from for a in artifacts if a.role is ArtifactRole.OCR_TEXT}
    return bool(sources) and not sources & done


def auto_enabled(vault: Vault) -> bool:
    return sections.can_read_text() and vault.store.setting(AUTO_SETTING) != "0"


def auto_setting(session: VaultSession) -> bool:
    return read_setting(session, AUTO_SETTING) != "0"


def after_add(jobs: JobRegistry, vault: Vault, case_id: int, labels: list[str]) -> None:
    """In an add job, once its files are sealed: read the new pictures in a job of their
    own (the add job ends as before; this one shows its own progress)."""
    if not auto_enabled(vault):
        return
    case = case_service.get_case(vault, case_id)
    pictures = pictures_among(vault, case, labels)
    if pictures:
        start(jobs, case_id, pictures, f"/c/{case_id}/items")


def start(jobs: JobRegistry, case_id: int, item_ids: frozenset[int] | None,
          back: str) -> Job:
    """A job reading the pictures of ``item_ids`` (every unread one when None)."""

    def work(job: Job, vault: Vault) -> None:
        case = case_service.get_case(vault, case_id)

        def progress(done: int, total: int, item: Item) -> None:
            job.done, job.total = done, total

        count = sections.read_text(vault, case, progress, item_ids)
        job.lines.append(ngettext("Text read from {count} picture.",
                                  "Text read from {count} pictures.", count).format(
                                      count=count))
        job.links.append(Link(_("See what was read"), back))

    return jobs.submit("ocr", case_id, work)


def pictures_among(vault: Vault, case: Case, labels: list[str]) -> frozenset[int]:
    """The items among ``labels`` that are pictures not read yet."""
    found = set()
    for item in vault.store.items(case.id or 0):
        if item.label in labels and unread(vault, item):
            found.add(item.id or 0)
    return frozenset(found)
