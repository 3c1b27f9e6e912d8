"""A confirmed message read from a picture is corrected as a new event, never in place
(#24): every listing shows the corrected text, the earlier event stays stored and in
custody, verify checks the link (real Tesseract on a rendered screenshot)."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from spoorvast.model.conversation import EventQuery
from spoorvast.services import cases as case_service
from spoorvast.services import events as event_service
from spoorvast.storage import vault as vaultlib
from spoorvast.storage.base import case_chain
from tests.conftest import PASSPHRASE, Cli
from tests.ocr.apps import Screen, png
from tests.ocr.test_apps import ITEMS
from tests.web.conftest import Browserish, serve

pytestmark = pytest.mark.slow


def test_a_confirmed_message_is_corrected_as_a_new_event(case_vault: Path, cli: Cli,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "sms.png"
    path.write_bytes(png(Screen("sms", "14:32", "+32 470 12 34 56", ITEMS)))
    stamp = datetime(2024, 3, 12, 14, 32).timestamp()
    os.utime(path, (stamp, stamp))
    assert cli("add", str(path), "--no-read").code == 0
    assert cli("ocr").code == 0
    assert cli("confirm", "E-0001:p1").code == 0
    assert cli("mark", "E-0001:m1").code == 0
    refused = cli("correct", "E-0001:p2", "anything", "--reason", "typo")
    assert refused.code != 0 and "not confirmed" in refused.err
    done = cli("correct", "E-0001:p1", "Corrected synthetic words", "--reason", "misread")
    assert done.code == 0, done.err
    with vaultlib.open_vault(case_vault, PASSPHRASE, writable=False) as vault:
        case = case_service.current_case(vault)
        cid = case.id or 0
        listed = [(e.text, e.marked) for e in vault.store.events(cid) if e.kind == "message"]
        assert listed == [("Corrected synthetic words", True)]  # still marked
        item = case_service.find_item(vault, case, "E-0001")
        stored = [e.text for e in vault.store.events(cid, item.id) if e.kind == "message"]
        assert len(stored) == 2 and stored[1] == "Corrected synthetic words"
        found = event_service.search(vault, case, EventQuery(cid, text="Corrected"))
        assert len(found.hits) == 1
        old_word = next(w for w in stored[0].split()
                        if w.isalpha() and w.lower() not in "corrected synthetic words")
        assert event_service.search(vault, case, EventQuery(cid, text=old_word)).hits == []
        actions = [e.action for e in vault.store.custody(case_chain(cid))]
        assert actions[-2:] == ["event.corrected", "event.marked"]
    states = json.loads(cli("proposals", "E-0001", "--all", "--json").out)
    assert {p["ref"]: p["state"] for p in states}["E-0001:p1"] == "confirmed"
    assert cli("verify").code == 0


def test_the_item_page_corrects_a_confirmed_message(case_vault: Path, cli: Cli,
                                                    tmp_path: Path) -> None:
    path = tmp_path / "sms.png"
    path.write_bytes(png(Screen("sms", "14:32", "+32 470 12 34 56", ITEMS)))
    assert cli("add", str(path), "--no-read").code == 0
    assert cli("ocr").code == 0
    assert cli("confirm", "E-0001:p1").code == 0
    live = serve(case_vault)  # the app on the same vault
    client = Browserish(live)
    try:
        assert client.post("/unlock", {"passphrase": PASSPHRASE}).status_code == 303
        case = 1
        page = client.get(f"/c/{case}/items/E-0001").text
        assert 'action="/c/1/proposals/correct"' in page
        refused = client.post(f"/c/{case}/proposals/correct",
                              {"ref": "E-0001:p1", "text": "x", "reason": ""})
        assert refused.status_code == 400
        done = client.post(f"/c/{case}/proposals/correct",
                           {"ref": "E-0001:p1", "text": "Fixed synthetic line",
                            "reason": "misread"})
        assert done.status_code == 303
        assert done.headers["location"].startswith("/c/1/items/E-0001")
        timeline = client.get(f"/c/{case}/search?q=Fixed").text
        assert "Fixed synthetic line" in timeline
    finally:
        client.close()
        live.stop()
