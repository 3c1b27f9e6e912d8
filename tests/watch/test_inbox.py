"""The watch inbox at an opening: an entry that cannot be read is set aside with its
bytes kept, never a traceback; an entry for a watch removed meanwhile still becomes a
sealed capture of its case."""

from __future__ import annotations

from pathlib import Path

from spoorvast.capture.draft import Draft
from spoorvast.model import instant
from spoorvast.model.records import ArtifactRole, Case
from spoorvast.services.watch import locked_capture, service, unattended
from spoorvast.services.watch.waiting import drain_if_waiting
from spoorvast.storage import inbox
from spoorvast.storage.vault import Vault
from tests.watch.recorded import URL, Page


def test_an_unreadable_entry_is_set_aside(vault: Vault, case: Case) -> None:
    inbox.ensure_keys(vault.root, vault.keyring)
    folder = vault.root / "watch" / "inbox"
    folder.mkdir(parents=True)
    (folder / "broken.svin").write_bytes(b"SVINBOX1 not really")
    assert drain_if_waiting(vault) == 0
    assert (folder / "broken.bad").read_bytes() == b"SVINBOX1 not really"
    assert not list(folder.glob("*.svin"))


def _prepared(case: Case, watch_id: int) -> locked_capture.Prepared:
    page = Page()
    head = {"kind": "watch-run", "watch": watch_id, "case": case.id, "url": URL,
            "final_url": URL, "status": 200, "title": "Bram",
            "started": instant.now(case.time_zone).to_json(), "media": None,
            "problems": [], "platform": {"platform": "instagram", "handle": "bram.subject"}}
    drafts = (Draft(ArtifactRole.DOM, "dom.html", "text/html", page.html()),
              Draft(ArtifactRole.ANALYSIS, "capture.json", "application/json",
                    b'{"status": 200}'))
    return locked_capture.Prepared(head, drafts)


def test_an_entry_whose_watch_is_gone_is_still_sealed(vault: Vault, case: Case) -> None:
    watch = service.add(vault, case, URL, 3600)
    unattended.enable(vault)
    locked_capture.write(vault.root, _prepared(case, watch.id))
    service.remove(vault, watch)
    assert drain_if_waiting(vault) == 0  # nothing to classify it against …
    items = vault.store.items(case.id or 0)
    assert [i.label for i in items] == ["E-0001"]  # … but the capture is in the case
    assert not list(Path(vault.root / "watch" / "inbox").glob("*.svin"))


def test_an_entry_is_classified_against_the_watch(vault: Vault, case: Case) -> None:
    watch = service.add(vault, case, URL, 3600)
    unattended.enable(vault)
    locked_capture.write(vault.root, _prepared(case, watch.id))
    assert drain_if_waiting(vault) == 1
    from spoorvast.services.watch import store

    assert store.watch(vault, case.id or 0, watch.id).first == "E-0001"
