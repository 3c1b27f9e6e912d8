"""OIDC login against a real issuer on loopback (tests/servers/oidc_issuer.py: discovery,
JWKS with a real RSA key, authorize, token with PKCE) and a real server (PostgreSQL +
SeaweedFS). The browser is an httpx client that keeps cookies and follows the redirects
one by one, as a browser does."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import psycopg
import pytest

from spoorvast.server.login_settings import LoginSettings, OidcSettings
from spoorvast.services.sharing.api import Api, ServerRefused
from tests.servers.oidc_issuer import Issuer, oidc_issuer
from tests.sharing.conftest import Harness

DATA = re.compile(r'<script type="application/json" id="account-data">(.*?)</script>', re.S)


@dataclass
class World:
    server: Harness
    issuer: Issuer
    admin: Api
    member: Api
    org: uuid.UUID
    other_admin: Api
    other_org: uuid.UUID

    def browser(self) -> httpx.Client:
        client = httpx.Client(base_url=self.server.url, timeout=30)
        self.server.clients.append(client)
        return client

    def login(self, query: str = "", browser: httpx.Client | None = None
              ) -> dict[str, object]:
        """Start, go to the issuer, come back: the page's result."""
        browser = browser or self.browser()
        start = browser.get("/account/oidc/start" + query)
        assert start.status_code == 303
        assert start.headers["location"].startswith(self.issuer.url + "/authorize?")
        back = httpx.get(start.headers["location"])
        assert back.status_code == 302
        return result(browser.get(back.headers["location"]))


def result(page: httpx.Response) -> dict[str, object]:
    assert page.status_code == 200
    found = DATA.search(page.text)
    assert found is not None
    answer = json.loads(found.group(1))["result"]
    assert isinstance(answer, dict)
    return answer


@pytest.fixture
def world(server: Harness) -> Iterator[World]:
    with oidc_issuer() as issuer:
        admin, member, other_admin = server.person(), server.person(), server.person()
        org = server.org(admin, caseworker=[member])
        other_org = server.org(other_admin)
        server.state.logins = LoginSettings(server.url, oidc=OidcSettings(
            issuer.url, issuer.client_id, issuer.client_secret,
            frozenset({org, other_org})))
        yield World(server, issuer, admin, member, org, other_admin, other_org)


def bearer(world: World, token: object) -> httpx.Client:
    client = world.browser()
    client.headers["authorization"] = f"Bearer {token}"
    return client


def test_linked_identity_logs_in_with_pkce_state_and_nonce(world: World) -> None:
    assert world.member.account is not None
    world.admin.link_oidc_subject(world.org, world.member.account, world.issuer.subject)
    browser = world.browser()
    start = browser.get("/account/oidc/start")
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [world.server.url + "/account/oidc/callback"]
    assert query["state"][0] == browser.cookies["sv_oidc"] and query["nonce"][0]
    back = httpx.get(start.headers["location"])
    answer = result(browser.get(back.headers["location"]))
    assert answer["account"] == str(world.member.account) and answer["via"] == "oidc"
    assert len(world.issuer.token_requests[0]["code_verifier"]) >= 43
    api = bearer(world, answer["token"])
    assert api.get("/notices").status_code == 200
    assert api.get(f"/orgs/{world.other_org}/cases").status_code == 404  # org B: nothing
    assert api.post("/auth/logout").status_code == 200
    assert api.get("/notices").status_code == 401
    subject = {"subject": world.issuer.subject}
    other = world.other_admin.request("POST", f"/orgs/{world.org}/oidc/unlink", json=subject)
    assert other.status_code == 404  # org B's admin ends nothing of org A
    ended = world.admin.request("POST", f"/orgs/{world.org}/oidc/unlink", json=subject)
    assert ended.status_code == 200
    assert world.login() == {"error": "not_linked"}


def test_unknown_identity_gets_nothing_and_no_account_is_made(world: World) -> None:
    url = world.server.settings.database_url
    with psycopg.connect(url) as conn:
        before = conn.execute("SELECT (SELECT count(*) FROM accounts), "
                              "(SELECT count(*) FROM org_roles)").fetchone()
    assert world.login() == {"error": "not_linked"}
    with psycopg.connect(url) as conn:
        after = conn.execute("SELECT (SELECT count(*) FROM accounts), "
                             "(SELECT count(*) FROM org_roles)").fetchone()
    assert before == after


def test_link_code_links_once_then_plain_login_works(world: World) -> None:
    link = world.admin.oidc_link(world.org, world.member.account)
    code = parse_qs(urlsplit(link).query)["link"][0]
    first = world.login(f"?link={code}")
    assert first["account"] == str(world.member.account)
    world.issuer.subject = "kc-user-0002"
    assert world.login(f"?link={code}") == {"error": "link_refused"}  # one use
    world.issuer.subject = "kc-user-0001"
    assert world.login()["account"] == str(world.member.account)


def test_links_only_for_members_of_an_allowed_org(world: World, server: Harness) -> None:
    assert world.member.account is not None
    with pytest.raises(ServerRefused) as other:  # org B's admin, org A's member
        world.other_admin.link_oidc_subject(world.other_org, world.member.account, "x")
    assert other.value.code == "not_a_member"
    with pytest.raises(ServerRefused) as not_admin:  # a member links no one else
        world.member.oidc_link(world.org, world.admin.account)
    assert not_admin.value.status == 404
    world.admin.link_oidc_subject(world.org, world.member.account, world.issuer.subject)
    settings = server.state.logins
    assert settings.oidc is not None
    server.state.logins = LoginSettings(settings.public_url, oidc=OidcSettings(
        settings.oidc.issuer, settings.oidc.client_id, settings.oidc.client_secret,
        frozenset({world.other_org})))  # the org is no longer allowed for this issuer
    assert world.login() == {"error": "org_not_allowed"}


@pytest.mark.parametrize(("knob", "value", "code"), [
    ("audience", "another-client", "bad_claims"),
    ("audience", ["another-client", "spoorvast"], "bad_claims"),  # no azp of ours
    ("expires_in", -600, "bad_claims"),
    ("other_key", True, "bad_signature"),
    ("nonce", "not-the-nonce", "bad_claims"),
    ("issuer", "http://127.0.0.1:1/other", "bad_claims"),
])
def test_wrong_id_token_is_refused(world: World, knob: str, value: object, code: str
                                   ) -> None:
    assert world.member.account is not None
    world.admin.link_oidc_subject(world.org, world.member.account, world.issuer.subject)
    setattr(world.issuer, knob, value)
    answer = world.login()
    assert answer == {"error": code}


def test_wrong_or_replayed_state_is_refused(world: World) -> None:
    assert world.member.account is not None
    world.admin.link_oidc_subject(world.org, world.member.account, world.issuer.subject)
    browser = world.browser()
    start = browser.get("/account/oidc/start")
    back = httpx.get(start.headers["location"]).headers["location"]
    other = world.browser()  # another browser (no cookie) brings the same callback
    assert result(other.get(back)) == {"error": "state_refused"}
    assert "token" in result(browser.get(back))
    browser.cookies.set("sv_oidc", parse_qs(urlsplit(back).query)["state"][0],
                        path="/account/oidc")
    assert result(browser.get(back)) == {"error": "state_refused"}  # used once already
    second = world.browser()
    start = second.get("/account/oidc/start")
    back = httpx.get(start.headers["location"]).headers["location"]
    assert result(second.get(back.replace("state=", "state=x"))) == {
        "error": "state_refused"}


def test_the_page_logs_in_through_the_issuer(world: World, browser: Any) -> None:
    assert world.member.account is not None
    world.admin.link_oidc_subject(world.org, world.member.account, world.issuer.subject)
    page = browser.new_page(locale="fr-BE")
    page.goto(world.server.url + "/account")
    page.locator("body[data-state=out]").wait_for(state="attached")
    page.click("#oidc")  # to the issuer and back, as a browser follows redirects
    page.locator("body[data-state=in]").wait_for(state="attached", timeout=30_000)
    kept = json.loads(page.evaluate("() => sessionStorage.getItem('spoorvast-token')"))
    assert kept["account"] == str(world.member.account)
    assert page.url == world.server.url + "/account"  # no code or state left in it
    assert "connecté" in page.inner_text("#who")
    page.close()
