"""The browser app's page of a shared case: members (role, purpose, until, fingerprint
words) and every access in words, from the chain the vault kept; a case never shared
says so."""

from __future__ import annotations

import re
from pathlib import Path

from spoorvast.services.sharing import sync
from spoorvast.services.sharing.api import Api
from spoorvast.services.sharing.case import SharedCase
from spoorvast.storage.sharing_keys import fingerprint_words
from tests.conftest import PASSPHRASE
from tests.sharing.conftest import Harness
from tests.sharing.test_kept_chain import shared_vault
from tests.web.conftest import Browserish, serve


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_victim_sees_every_access_in_the_app(server: Harness, tmp_path: Path) -> None:
    made = shared_vault(server, tmp_path)
    vault, case, bo = next(made)
    link = sync.link_of(vault, case)
    assert link is not None
    reader = SharedCase(bo, link.case)
    reader.load_keys()
    item = next(r for r in reader.pull() if r.kind == "item")
    assert reader.fetch_bytes(item).startswith(b"A call at 21:40")
    owner = Api(server.person().http, sync.identity(vault), link.account)
    sync.sync(vault, case, owner)
    case_id = case.id
    made.close()  # the vault is closed: the app opens it

    live = serve(tmp_path / "ann")
    client = Browserish(live)
    try:
        assert client.post("/unlock", {"passphrase": PASSPHRASE}).status_code == 303
        client.post("/language", {"lang": "nl", "back": "/"})
        page = client.get(f"/c/{case_id}/shared")
        assert page.status_code == 200
        words = text_of(page.text)
        assert re.search(r"Bo opende E-0001 op \d+ \w+ 20\d\d om \d\d:\d\d", words), words
        assert "Bo haalde de sleutels van de zaak op" in words
        assert "Bo kreeg toegang als" in words
        assert "legal help" in words and "support" in words
        keys = bo.identity.public()
        assert fingerprint_words(keys) in words
    finally:
        client.close()
        live.stop()
