"""The browser-login settings read from the environment, and the PKCE challenge (pure
functions: no server needed)."""

from __future__ import annotations

import uuid

import pytest

from spoorvast.server.login_settings import LoginSettings, LoginSettingsError
from spoorvast.server.oidc import pkce_challenge


def test_public_url_gives_origin_relying_party_and_redirect() -> None:
    settings = LoginSettings.from_env({"SPOORVAST_PUBLIC_URL": "https://cases.example.org/x"})
    assert settings.origin == "https://cases.example.org"
    assert settings.relying_party == "cases.example.org"
    assert settings.oidc_redirect == "https://cases.example.org/account/oidc/callback"
    assert settings.oidc is None
    parent = LoginSettings.from_env({"SPOORVAST_PUBLIC_URL": "https://cases.example.org",
                                     "SPOORVAST_WEBAUTHN_RP_ID": "example.org"})
    assert parent.relying_party == "example.org"
    assert LoginSettings.from_env({}).relying_party is None  # passkeys off


@pytest.mark.parametrize("env", [
    {"SPOORVAST_PUBLIC_URL": "http://cases.example.org"},  # plain http off this machine
    {"SPOORVAST_PUBLIC_URL": "ftp://cases.example.org"},
    {"SPOORVAST_PUBLIC_URL": "https://cases.example.org",
     "SPOORVAST_WEBAUTHN_RP_ID": "other.org"},
    {"SPOORVAST_OIDC_ISSUER": "https://kc.example.org/realms/help"},  # no client
    {"SPOORVAST_OIDC_ISSUER": "https://kc", "SPOORVAST_OIDC_CLIENT_ID": "c",
     "SPOORVAST_OIDC_CLIENT_SECRET": "s", "SPOORVAST_OIDC_ORGS": "not-an-id"},
])
def test_settings_that_cannot_work_are_named(env: dict[str, str]) -> None:
    with pytest.raises(LoginSettingsError) as refused:
        LoginSettings.from_env(env)
    assert "SPOORVAST_" in refused.value.message


def test_oidc_settings_keep_the_issuer_exactly_and_the_orgs() -> None:
    org = uuid.uuid4()
    settings = LoginSettings.from_env({
        "SPOORVAST_PUBLIC_URL": "http://localhost:8421",
        "SPOORVAST_OIDC_ISSUER": "https://kc.example.org/realms/help/",
        "SPOORVAST_OIDC_CLIENT_ID": "spoorvast", "SPOORVAST_OIDC_CLIENT_SECRET": "s",
        "SPOORVAST_OIDC_ORGS": f" {org} ,"})
    assert settings.oidc is not None
    assert settings.oidc.issuer == "https://kc.example.org/realms/help/"  # iss compared as is
    assert settings.oidc.orgs == {org}


def test_pkce_challenge_is_rfc_7636_s256() -> None:
    # the example of RFC 7636, appendix B
    assert pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == \
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
