"""The add page's DNS choice: unticked by default, said in words, and when ticked the
same look-up as the CLI's ``--dns`` (a real DNS server on loopback answers)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from spoorvast.model.records import ArtifactRole
from spoorvast.storage import vault as vaultlib
from tests.email.helpers import (
    BASE,
    RECEIVED,
    Key,
    loopback_dns,
    resolving_through,
    rsa_key,
    signed,
)
from tests.web.conftest import PASSPHRASE, Browserish, StartApp
from tests.web.helpers import csrf_header, declared, wait_job
from tests.web.test_browser import create_case, new_page, unlock

KEY_NAME = "s1._domainkey.example.org"


@pytest.fixture(scope="module")
def rsa() -> Key:
    return rsa_key()


@pytest.fixture
def asked(rsa: Key) -> Iterator[list[str]]:
    with loopback_dns({KEY_NAME: rsa.record}) as address, resolving_through(address) as names:
        yield names


def _add(client: Browserish, case_id: int, name: str, data: bytes,
         form: dict[str, str]) -> dict[str, object]:
    headers = csrf_header(client)
    batch = client.http.post(f"/c/{case_id}/add/batch", headers=headers).json()["batch"]
    response = client.http.post(
        f"/c/{case_id}/add/upload/{batch}", content=data,
        headers={**headers, "X-File-Name": quote(name), **declared(data),
                 "X-File-Modified": "1700000000000",
                 "Content-Type": "application/octet-stream"})
    assert response.status_code == 204, response.text
    sealed = client.http.post(f"/c/{case_id}/add/seal/{batch}", headers=headers, data=form)
    assert sealed.status_code == 200, sealed.text[:500]
    return wait_job(client, sealed.json()["job"])


def _dkim(client: Browserish, case_id: int) -> dict[str, object]:
    client.post("/lock")
    with vaultlib.open_vault(client.live.settings.vault_root, PASSPHRASE) as vault:
        [item] = vault.store.items(case_id)
        [analysis] = [a for a in vault.store.artifacts(item.id or 0)
                      if a.role is ArtifactRole.ANALYSIS]
        report = json.loads(vault.blobs.read_bytes(analysis.sha256))
    check: dict[str, object] = report["analysis"]["dkim"][0]
    return check


def test_the_add_page_offers_dns_unticked_and_says_what_leaves(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    page = client.get(f"/c/{case_id}/add").text
    box = page[page.index('id="dns-lookups"') - 40:page.index('id="dns-lookups"') + 120]
    assert 'type="checkbox"' in box and "checked" not in box.replace("dns-lookups", "")
    assert "Look up the signing keys on the internet now (DNS)" in page
    assert "What leaves this computer" in page and "Nothing of the messages" in page
    client.http.cookies.set("sv_lang", "nl")
    page = client.get(f"/c/{case_id}/add").text
    assert "ondertekeningssleutels nu op het internet opzoeken" in page
    assert "Wat deze computer verlaat" in page


def test_ticked_the_keys_are_looked_up_and_the_answer_sealed(
        client: Browserish, rsa: Key, asked: list[str]) -> None:
    client.unlock()
    case_id = client.new_case()
    data = RECEIVED.encode() + signed(BASE.encode(), rsa)
    state = _add(client, case_id, "signed.eml", data, {"dns": "1"})
    assert state["state"] == "done", state
    check = _dkim(client, case_id)
    assert check["status"] == "pass"
    assert check["key"] == {**check["key"], "outcome": "dns",  # type: ignore[dict-item]
                            "record": rsa.record}
    assert KEY_NAME in [name.rstrip(".") for name in asked]


def test_unticked_nothing_is_looked_up(client: Browserish, rsa: Key,
                                       asked: list[str]) -> None:
    client.unlock()
    case_id = client.new_case()
    data = RECEIVED.encode() + signed(BASE.encode(), rsa)
    state = _add(client, case_id, "signed.eml", data, {})
    assert state["state"] == "done", state
    check = _dkim(client, case_id)
    assert (check["status"], check["key"]["outcome"]) == (  # type: ignore[index]
        "key-not-supplied", "not-asked")
    assert asked == []


@pytest.mark.slow
def test_ticking_the_box_in_the_browser_looks_the_keys_up(
        start_app: StartApp, chromium: Any, tmp_path: Path, rsa: Key,
        asked: list[str]) -> None:
    live = start_app()
    page = new_page(chromium, [])
    unlock(page, live.url)
    case = create_case(page, live.url)
    page.goto(f"{live.url}/c/{case}/add")
    assert not page.is_checked("#dns-lookups")
    page.check("#dns-lookups")
    path = tmp_path / "signed.eml"
    path.write_bytes(RECEIVED.encode() + signed(BASE.encode(), rsa))
    page.set_input_files("#file-input", [str(path)])
    page.wait_for_selector("#add-job[data-finished]", timeout=60_000)
    page.click("#lock-button")
    with vaultlib.open_vault(live.settings.vault_root, PASSPHRASE) as vault:
        [item] = vault.store.items(int(case))
        [analysis] = [a for a in vault.store.artifacts(item.id or 0)
                      if a.role is ArtifactRole.ANALYSIS]
        check = json.loads(vault.blobs.read_bytes(analysis.sha256))["analysis"]["dkim"][0]
    assert (check["status"], check["key"]["outcome"]) == ("pass", "dns")
    assert KEY_NAME in [name.rstrip(".") for name in asked]
    page.context.close()
