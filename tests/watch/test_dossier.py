"""The dossier's watch history: with the first capture, each version's time, what
changed and the SHA-256 of its screenshot and record; other items get none."""

from __future__ import annotations

import random

from spoorvast.dossier.sections import item_sections
from spoorvast.model.records import Case
from spoorvast.services import cases as case_service
from spoorvast.services.watch import service, store
from spoorvast.storage.vault import Vault
from tests.watch.recorded import URL, Page, RecordedRunner, record


def test_the_first_capture_carries_the_watch_history(vault: Vault, case: Case) -> None:
    first = record(vault, case, Page(), 0)
    watch = service.add(vault, case, URL, 6 * 3600, first)
    runner = RecordedRunner(vault, [Page(words="Bram posted: sorry."),
                                    Page(handle="bram.renamed")])
    for _run in range(2):
        service.run_one(vault, runner, store.watch(vault, case.id or 0, watch.id),
                        random.Random(3))
    artifacts = tuple(vault.store.artifacts(first.id or 0))
    sections, _note = item_sections(vault, first, artifacts, "en")
    history = [s for s in sections if s.title == f"Watch history: {URL}"]
    assert len(history) == 1
    rows = history[0].rows
    assert [r[1].split(":")[0] for r in rows] == ["E-0002", "E-0003"]
    assert rows[0][0].startswith("March 3, 2026, 16:00")  # the capture's own time
    assert "text edited (" in rows[0][1] and "words gone" in rows[0][1]
    assert "renamed (bram.subject → bram.renamed)" in rows[1][1]
    second = case_service.find_item(vault, case, "E-0002")
    shot = [a for a in vault.store.artifacts(second.id or 0) if a.name == "full-page.png"]
    assert f"full-page.png SHA-256 {shot[0].sha256}" in rows[0][1]
    other_sections, _n = item_sections(vault, second, tuple(vault.store.artifacts(
        second.id or 0)), "en")
    assert not [s for s in other_sections if s.title.startswith("Watch history")]
