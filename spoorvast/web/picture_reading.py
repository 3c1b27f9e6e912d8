"""Reading the text of pictures where they are: one picture from its item page, and the
pictures just added, in the background after an upload (unless the setting turns it
off). Both are jobs with progress, through :mod:`spoorvast.services.ocr` as the CLI's
``ocr``; a picture already read is not read again."""

from __future__ import annotations

from spoorvast.i18n import _, ngettext
from spoorvast.model.records import Item
from spoorvast.services import cases as case_service
from spoorvast.services import read_added
from spoorvast.storage.vault import Vault
from spoorvast.web.adapters import sections
from spoorvast.web.jobs import Job, JobRegistry, Link
from spoorvast.web.session import VaultSession
from spoorvast.web.vault_settings import read_setting

AUTO_SETTING = read_added.SETTING  # "0": pictures are read only on request


unread = read_added.unread  # the same test as the CLI's add (services/read_added.py)


def auto_enabled(vault: Vault) -> bool:
    return sections.can_read_text() and read_added.enabled(vault)


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


pictures_among = read_added.pictures_among
