"""Passkeys in real Chromium, with the CDP virtual authenticator (``WebAuthn.enable``,
``WebAuthn.addVirtualAuthenticator``), against a real server (PostgreSQL + SeaweedFS):
a member's app makes an enrolment link, the browser adds a passkey on ``/account`` and
logs in with it, and gets the API's token; replayed and expired challenges, a sign count
that went backwards and a used enrolment code are refused; org A's passkey gives
nothing of org B. The browser reaches the server as ``localhost`` (a WebAuthn relying
party id must be a host name, and localhost is a secure context over plain HTTP)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from spoorvast.server.login_settings import LoginSettings
from spoorvast.services.sharing.api import Api
from spoorvast.services.sharing.case import SharedCase
from tests.conftest import Cli
from tests.sharing.conftest import OPERATOR_TOKEN, Harness

pytestmark = pytest.mark.slow
AUTHENTICATOR = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                 "hasUserVerification": True, "isUserVerified": True,
                 "automaticPresenceSimulation": True}
ASSERT = """async () => {
  const options = await (await fetch("/auth/passkeys/login/options", {method: "POST",
    headers: {"content-type": "application/json"}, body: "{}"})).json();
  const credential = await navigator.credentials.get({
    publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options)});
  return credential.toJSON();
}"""
CREATE = """async (code) => {
  const options = await (await fetch("/auth/passkeys/register/options", {method: "POST",
    headers: {"content-type": "application/json"},
    body: JSON.stringify({enrolment: code})})).json();
  const credential = await navigator.credentials.create({
    publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options)});
  return credential.toJSON();
}"""


@pytest.fixture
def site(server: Harness) -> str:
    """The server's address as browsers see it; passkeys on for it."""
    url = server.url.replace("127.0.0.1", "localhost")
    server.state.logins = LoginSettings(url)
    return url


def device(browser: Any, locale: str = "nl-BE") -> tuple[Any, Any, str]:
    """A page whose browser has a platform authenticator (user verified, no prompt)."""
    context = browser.new_context(locale=locale)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    made = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    return page, cdp, str(made["authenticatorId"])


def wait(page: Any, selector: str) -> None:
    page.locator(selector).wait_for(state="attached", timeout=30_000)


def enrol_in_page(page: Any, member: Api) -> None:
    page.goto(member.passkey_link())
    wait(page, "body[data-state=enrol]")
    page.click("#add")
    wait(page, "body[data-result=added]")


def token_of(page: Any) -> dict[str, Any]:
    kept = json.loads(page.evaluate("() => sessionStorage.getItem('spoorvast-token')"))
    assert isinstance(kept, dict)
    return kept


def call(site: str, token: str | None = None) -> httpx.Client:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=site.replace("localhost", "127.0.0.1"), headers=headers,
                        timeout=30)


def test_add_a_passkey_then_log_in_with_it(server: Harness, site: str, browser: Any
                                           ) -> None:
    member = server.person()
    assert member.account is not None
    page, cdp, authenticator = device(browser)
    enrol_in_page(page, member)
    assert "toegevoegd" in page.inner_text("#status")  # the page speaks Dutch here
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1
    assert stored["credentials"][0]["rpId"] == "localhost"
    assert stored["credentials"][0]["isResidentCredential"] is True
    page.click("#passkey")
    wait(page, "body[data-state=in]")
    kept = token_of(page)
    assert kept["account"] == str(member.account)
    assert str(member.account) in page.inner_text("#who")
    with call(site, kept["token"]) as api:  # the same token the API takes
        assert api.get("/notices").status_code == 200
        assert api.get(f"/accounts/{member.account}").status_code == 200
        listed = api.get("/auth/passkeys").json()
    assert len(listed) == 1 and listed[0]["used_at"] is not None
    page.click("#logout")
    wait(page, "body[data-state=out]")
    with call(site, kept["token"]) as api:
        assert api.get("/notices").status_code == 401
    page.context.close()


def test_a_lost_phones_passkey_is_removed_on_the_page(server: Harness, site: str,
                                                      browser: Any) -> None:
    """Logged in on the laptop, the page lists both passkeys in Dutch (when added, when
    last used) and removes the phone's; the phone can no longer log in."""
    member = server.person()
    phone, _cdp, _authenticator = device(browser)
    enrol_in_page(phone, member)
    laptop, _cdp2, _authenticator2 = device(browser)
    enrol_in_page(laptop, member)
    laptop.click("#passkey")
    wait(laptop, "body[data-state=in][data-keys='2']")
    rows = laptop.locator("#key-list li")
    texts = [rows.nth(n).inner_text() for n in range(2)]
    assert sum("laatst gebruikt op" in t for t in texts) == 1, texts  # the laptop's
    unused = [n for n, t in enumerate(texts) if "nog niet gebruikt" in t]
    assert len(unused) == 1, texts
    assert "Deze toegangssleutel verwijderen" in texts[unused[0]]
    rows.nth(unused[0]).locator("button.remove").click()
    wait(laptop, "body[data-result=removed][data-keys='1']")
    assert "verwijderd" in laptop.inner_text("#status")
    with call(site, token_of(laptop)["token"]) as api:
        (left,) = api.get("/auth/passkeys").json()
        assert left["used_at"] is not None
    phone.click("#passkey")
    wait(phone, "body[data-result=error]")
    assert phone.evaluate("() => sessionStorage.getItem('spoorvast-token')") is None
    phone.context.close()
    laptop.context.close()


def test_enrolment_needs_a_logged_in_account_and_is_used_once(
        server: Harness, site: str, browser: Any) -> None:
    member = server.person()
    with call(site) as anonymous:
        assert anonymous.post("/auth/passkeys/enrolment").status_code == 401
        assert anonymous.post("/auth/passkeys/register/options",
                              json={}).status_code == 401
    link = member.passkey_link()
    code = link.split("#enrol=")[1]
    page, _cdp, _authenticator = device(browser, "fr-BE")
    page.goto(site + "/account")
    answer = page.evaluate(CREATE, code)
    with call(site) as anonymous:
        assert anonymous.post("/auth/passkeys/register/options",
                              json={"enrolment": code}).status_code == 401  # used
        first = anonymous.post("/auth/passkeys/register", json={"credential": answer})
        assert first.status_code == 200
        again = anonymous.post("/auth/passkeys/register", json={"credential": answer})
        assert again.status_code == 401  # its challenge was used
    page.goto(link)
    wait(page, "body[data-state=enrol]")
    page.click("#add")
    wait(page, "body[data-result=error]")
    assert "déjà servi" in page.inner_text("#status")  # "…was used already", in French
    page.context.close()


def test_replayed_expired_and_backward_logins_are_refused(
        server: Harness, site: str, browser: Any) -> None:
    member = server.person()
    page, _cdp, _authenticator = device(browser)
    enrol_in_page(page, member)
    with call(site) as anonymous:
        answer = page.evaluate(ASSERT)
        first = anonymous.post("/auth/passkeys/login", json={"credential": answer})
        assert first.status_code == 200 and first.json()["account"] == str(member.account)
        replay = anonymous.post("/auth/passkeys/login", json={"credential": answer})
        assert replay.status_code == 401 and replay.json()["error"]["code"] == "login_refused"

        late = page.evaluate(ASSERT)
        with psycopg.connect(server.settings.database_url) as conn:
            conn.execute("UPDATE login_steps SET expires_at = now() - interval '1 second' "
                         "WHERE kind = 'passkey_login'")
        assert anonymous.post("/auth/passkeys/login",
                              json={"credential": late}).status_code == 401

        cloned = page.evaluate(ASSERT)
        with psycopg.connect(server.settings.database_url) as conn:
            conn.execute("UPDATE passkeys SET sign_count = sign_count + 1000")
        assert anonymous.post("/auth/passkeys/login",
                              json={"credential": cloned}).status_code == 401
        with psycopg.connect(server.settings.database_url) as conn:
            conn.execute("UPDATE passkeys SET sign_count = 0")
        fresh = page.evaluate(ASSERT)
        assert anonymous.post("/auth/passkeys/login",
                              json={"credential": fresh}).status_code == 200
    page.context.close()


def test_a_passkey_of_org_a_gives_nothing_of_org_b(server: Harness, site: str,
                                                    browser: Any) -> None:
    admin_a, member_a, admin_b, client_b = (server.person() for _ in range(4))
    org_a = server.org(admin_a, caseworker=[member_a])
    org_b = server.org(admin_b, client=[client_b])
    case_b = SharedCase.create(client_b, org_b, "t", "p", "Ann")
    page, _cdp, _authenticator = device(browser)
    enrol_in_page(page, member_a)
    page.click("#passkey")
    wait(page, "body[data-state=in]")
    token = token_of(page)["token"]
    with call(site, token) as api:
        assert api.get("/notices").status_code == 200
        assert api.get(f"/orgs/{org_b}/cases").status_code == 404
        assert api.get(f"/cases/{case_b.case_id}").status_code == 404
        assert api.get(f"/cases/{case_b.case_id}/keys").status_code == 404
        assert api.post(f"/orgs/{org_b}/invitations",
                        json={"role": "admin"}).status_code == 404
        assert api.post(f"/orgs/{org_a}/invitations",
                        json={"role": "admin"}).status_code == 404  # not A's admin either
        assert api.get("/cases").json() == []
    assert member_a.account is not None and client_b.account is not None
    with call(site, token) as api:  # nor does it add a passkey to another account
        assert api.delete("/auth/passkeys/" + "A" * 22).status_code == 404
    page.context.close()


def test_passkeys_are_off_without_a_public_url(server: Harness) -> None:
    with call(server.url) as anonymous:
        answer = anonymous.post("/auth/passkeys/login/options")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "passkeys_off"


def test_the_app_makes_the_link_the_browser_uses(server: Harness, site: str, browser: Any,
                                                 cli: Cli, tmp_path: Path, vault_dir: Path
                                                 ) -> None:
    vault = ["--vault", str(tmp_path / "member")]
    assert cli(*vault, "init").code == 0
    joined = cli(*vault, "case", "join", server.url, "--operator-token", OPERATOR_TOKEN)
    account = re.search(r"account: (\S+)", joined.out)
    assert account, joined.err
    made = cli(*vault, "org", "passkey-link", "--server", server.url)
    assert made.code == 0, made.err
    link = re.search(r"(http://localhost:\d+/account#enrol=\S+)", made.out)
    assert link, made.out
    page, _cdp, _authenticator = device(browser, "de-BE")
    page.goto(link[1])
    wait(page, "body[data-state=enrol]")
    page.click("#add")
    wait(page, "body[data-result=added]")
    page.click("#passkey")
    wait(page, "body[data-state=in]")
    assert token_of(page)["account"] == account[1]
    assert "angemeldet" in page.inner_text("#who")
    page.context.close()


MALFORMED: list[dict[str, Any]] = [
    {}, {"id": 1}, {"id": "!!", "rawId": "!!", "type": "public-key", "response": {}},
    {"id": "AAAA", "rawId": "AAAA", "type": "public-key",
     "response": {"clientDataJSON": "not base64url!", "authenticatorData": "AAAA",
                  "signature": "AAAA", "attestationObject": "AAAA"}},
    {"id": "AAAA", "rawId": "AAAA", "type": "public-key",
     "response": {"clientDataJSON": "eyJ9", "authenticatorData": "AAAA",
                  "signature": "AAAA", "attestationObject": "AAAA"}},
]


def test_malformed_answers_are_refused_without_a_crash(server: Harness, site: str) -> None:
    with call(site) as anonymous:
        for credential in MALFORMED:
            for path in ("/auth/passkeys/login", "/auth/passkeys/register"):
                answer = anonymous.post(path, json={"credential": credential})
                assert answer.status_code == 401, (path, credential, answer.text)


def test_logins_begun_by_anyone_are_capped(server: Harness, site: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from spoorvast.server import routes_passkeys

    monkeypatch.setattr(routes_passkeys, "PENDING_CAP", 3)
    with call(site) as anonymous:
        codes = [anonymous.post("/auth/passkeys/login/options").status_code
                 for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
