"""The item page corrects a confirmed observation time read from a picture (#24): a
date-and-time field beside the confirmed ``E-0001:t``, sealed as a new version."""

from __future__ import annotations

from pathlib import Path

import pytest

from spoorvast.services import ocr_review
from spoorvast.services.cases import create_case
from spoorvast.storage import vault as vaultlib
from tests.web.conftest import PASSPHRASE, Browserish, make_vault, serve
from tests.workspace.conftest import Builder
from tests.workspace.test_observation_corrections import _observed, _screenshot

pytestmark = pytest.mark.slow  # starts the app


def test_the_item_page_corrects_a_confirmed_observation_time(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    make_vault(root)
    with vaultlib.open_vault(root, PASSPHRASE) as vault:
        case = create_case(vault, "Synthetic case", "en", "Europe/Brussels")
        shot = _screenshot(vault, case, Builder(vault, case))
        ocr_review.confirm(vault, case, ocr_review.find(vault, case, f"{shot.label}:t"))
    client = Browserish(serve(root))
    try:
        client.unlock()
        page = client.get(f"/c/{case.id}/items/{shot.label}").text
        assert 'type="datetime-local"' in page and f'value="{shot.label}:t"' in page
        done = client.post(f"/c/{case.id}/proposals/correct",
                           {"ref": f"{shot.label}:t", "text": "2024-03-12T14:37",
                            "reason": "the clock was misread"})
        assert done.status_code == 303, done.text
        client.post("/lock")
    finally:
        client.close()
        client.live.stop()
    with vaultlib.open_vault(root, PASSPHRASE) as vault:
        [event] = _observed(vault, case)
        assert event.instant is not None
        assert event.instant.local.strftime("%Y-%m-%d %H:%M") == "2024-03-12 14:37"
        assert [f.reason for f in vault.store.event_corrections(case.id or 0)] == [
            "the clock was misread"]
