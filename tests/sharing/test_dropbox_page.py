"""The browser app's drop-box page of a shared case, against a real server: it lists
the case's links (purpose, state, the paired phone, what arrived), makes one (its QR
code and link shown once, on the answer only), and ends one; a case not shared, and a
server that cannot be reached, are said in a sentence (in Dutch here)."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest

from spoorvast.services.cases import create_case
from spoorvast.services.sharing import drops, sync
from spoorvast.services.sharing.api import ServerRefused
from tests.conftest import PASSPHRASE
from tests.sharing.conftest import Harness
from tests.sharing.test_dropbox import device_client
from tests.sharing.test_kept_chain import shared_vault
from tests.sharing.test_shared_page import text_of
from tests.web.conftest import Browserish, serve

pytestmark = pytest.mark.slow


def test_links_are_listed_made_and_ended_in_the_app(server: Harness, tmp_path: Path) -> None:
    made = shared_vault(server, tmp_path)
    vault, case, _bo = next(made)
    link = sync.link_of(vault, case)
    assert link is not None
    alone = create_case(vault, "Not shared", "nl", "Europe/Brussels")
    away = create_case(vault, "Server gone", "nl", "Europe/Brussels")
    sync.save_link(vault, away, sync.Link("http://127.0.0.1:9", uuid.uuid4(), link.account,
                                          link.server_key, "owner"))
    case_id = case.id
    made.close()

    live = serve(tmp_path / "ann")
    client = Browserish(live)
    try:
        assert client.post("/unlock", {"passphrase": PASSPHRASE}).status_code == 303
        client.post("/language", {"lang": "nl", "back": "/"})
        page = client.get(f"/c/{case_id}/dropbox")
        assert page.status_code == 200 and 'id="dropbox-none"' in page.text
        assert f'href="/c/{case_id}/dropbox"' in client.get(f"/c/{case_id}/shared").text

        answer = client.post(f"/c/{case_id}/dropbox", {"purpose": "telefoon van Ann",
                                                       "days": "10"})
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "no-store"
        assert "<svg" in answer.text and "Open deze link één keer op de telefoon" in answer.text
        pairing = re.search(r'id="dropbox-link"[^>]*>([^<]+)<', answer.text)
        assert pairing and pairing.group(1).startswith(server.url + "/drop#pair=")
        phone = drops.Dropper.pair(device_client(server), pairing.group(1).replace(
            "&amp;", "&"))
        phone.drop("foto.png", io.BytesIO(b"p" * 1500), 1500)

        listed = client.get(f"/c/{case_id}/dropbox")
        assert "#pair=" not in listed.text  # the link's key is on the answer only
        words = text_of(listed.text)
        assert "telefoon van Ann" in words and "telefoon gekoppeld" in words
        assert "1 bestand" in words, words
        grant = re.search(r'id="grant-([0-9a-f-]{36})"', listed.text)
        assert grant is not None

        ended = client.post(f"/c/{case_id}/dropbox/{grant.group(1)}/revoke")
        assert ended.status_code == 303
        words = text_of(client.get(ended.headers["location"]).text)
        assert "ingetrokken" in words and "De drop-boxlink is beëindigd" in words
        with pytest.raises(ServerRefused) as refused:
            phone.refresh()
        assert refused.value.code == "grant_ended"

        assert "Deze zaak is niet gedeeld" in text_of(client.get(f"/c/{alone.id}/dropbox").text)
        gone = text_of(client.get(f"/c/{away.id}/dropbox").text)
        assert "De server was niet bereikbaar" in gone, gone
        too_long = client.post(f"/c/{case_id}/dropbox", {"purpose": "x" * 201, "days": "3"})
        assert too_long.status_code == 422
    finally:
        client.close()
        live.stop()
