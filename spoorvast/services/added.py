"""What to tell the user right after an input was added: its errors and warnings, errors
first, a few at most (the rest is in ``show`` and on the item's page). The CLI's ``add``
and the web app's add job say the same."""

from __future__ import annotations

from dataclasses import dataclass

from spoorvast.findings import render
from spoorvast.model.records import Case, Severity
from spoorvast.services import cases as case_service
from spoorvast.storage.vault import Vault

SHOWN = 3  # findings per item
ASKED = frozenset({"chat.date-order-ambiguous"})  # asked about after, in its own words


@dataclass(frozen=True, slots=True)
class Told:
    """One finding to tell (``text``, in the current language), or, when ``more`` is not
    0, how many more the item holds (the caller says where to read them)."""

    label: str
    error: bool
    text: str = ""
    more: int = 0


def told(vault: Vault, case: Case, labels: list[str]) -> list[Told]:
    """For each new item, its errors and warnings (``SHOWN`` at most, errors first), then
    how many more there are."""
    lines: list[Told] = []
    for label in labels:
        item = case_service.find_item(vault, case, label)
        found = [f for f in vault.store.findings(case.id or 0, item.id or 0)
                 if f.severity is not Severity.INFO and f.code not in ASKED]
        found.sort(key=lambda f: f.severity is not Severity.ERROR)  # stable: errors first
        lines.extend(Told(label, f.severity is Severity.ERROR, f"{label}: {render(f)}")
                     for f in found[:SHOWN])
        if len(found) > SHOWN:
            lines.append(Told(label, False, more=len(found) - SHOWN))
    return lines
