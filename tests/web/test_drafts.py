"""Drafts of any form marked data-draft (#24): kept in the vault, read back, never a
password, removed once the form was accepted and kept when it was refused."""

from __future__ import annotations

import json

from tests.web.conftest import Browserish
from tests.web.helpers import csrf_header


def _keep(client: Browserish, name: str, fields: dict[str, str]) -> int:
    response = client.http.post(f"/drafts/{name}", data={"fields": json.dumps(fields)},
                                headers=csrf_header(client))
    return response.status_code


def _kept(client: Browserish, name: str) -> dict[str, str]:
    response = client.get(f"/drafts/{name}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    fields: dict[str, str] = response.json()["fields"]
    return fields


def test_a_draft_is_kept_and_survives_a_lock(client: Browserish) -> None:
    client.unlock()
    case = client.new_case()
    assert _keep(client, f"party-{case}", {"name": "Synthetic Suspect X",
                                           "passphrase": "never", "csrf": "x"}) == 204
    client.live.app.state.session.lock()
    client.unlock()
    assert _kept(client, f"party-{case}") == {"name": "Synthetic Suspect X"}


def test_an_empty_draft_is_removed_and_names_are_checked(client: Browserish) -> None:
    client.unlock()
    assert _keep(client, "settings", {"minutes": "7"}) == 204
    assert _keep(client, "settings", {"minutes": "  "}) == 204
    assert _kept(client, "settings") == {}
    assert _keep(client, "Bad_Name", {"a": "b"}) == 400
    assert client.get("/drafts/Bad_Name").status_code == 404


def test_a_draft_needs_the_unlocked_vault(client: Browserish) -> None:
    response = client.get("/drafts/settings")
    assert response.status_code == 303 and "msg=locked" in response.headers["location"]


def test_an_accepted_form_forgets_its_draft(client: Browserish) -> None:
    client.unlock()
    case = client.new_case()
    name = f"party-{case}"
    assert _keep(client, name, {"name": "Synthetic Witness"}) == 204
    refused = client.post(f"/c/{case}/parties?_draft={name}", {"role": "nonsense",
                                                               "name": ""})
    assert refused.status_code >= 400 or "msg=party-added" not in refused.headers.get(
        "location", "")
    assert _kept(client, name) == {"name": "Synthetic Witness"}  # refused: kept
    added = client.post(f"/c/{case}/parties?_draft={name}", {"role": "witness",
                                                             "name": "Synthetic Witness"})
    assert added.status_code == 303
    assert _kept(client, name) == {}


def test_quick_exit_keeps_every_draft_it_is_sent(client: Browserish) -> None:
    client.unlock()
    case = client.new_case()
    sent = {f"draft:capture-{case}": json.dumps({"url": "https://example.invalid/p/1"}),
            f"draft:withdraw-{case}-e-0001": json.dumps({"reason": "wrong file"})}
    response = client.http.post("/exit", data=sent)
    assert response.status_code == 303
    assert not client.live.app.state.session.unlocked
    client.unlock()
    assert _kept(client, f"capture-{case}") == {"url": "https://example.invalid/p/1"}
    assert _kept(client, f"withdraw-{case}-e-0001") == {"reason": "wrong file"}
