"""The dossier (spoorvast/dossier/): a PDF + verifiable bundle made from the case,
written into the app's private (memory-backed) folder and offered as one ZIP download."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from spoorvast.dossier.build import make_dossier
from spoorvast.dossier.model import DossierOptions
from spoorvast.model.records import Case
from spoorvast.storage.vault import Vault


class _Progress:
    """The dossier's observer, reported as (done, total) to the job."""

    def __init__(self, report: Callable[[int, int], None]) -> None:
        self.report, self.done, self.total = report, 0, 0

    def start(self, total: int) -> None:
        self.total = total
        self.report(0, total)

    def step(self, description: str) -> None:
        self.done = min(self.done + 1, self.total)
        self.report(self.done, self.total)


def available() -> bool:
    return True


def make(vault: Vault, case: Case, folder: Path, progress: Callable[[int, int], None],
         options: DossierOptions | None = None) -> Path:
    chosen = options or DossierOptions(language=case.language)
    result = make_dossier(vault, case, chosen, folder, _Progress(progress))
    return result.zip or result.folder
