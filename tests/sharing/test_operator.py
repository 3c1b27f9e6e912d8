"""Operator-only registration: accounts need the operator's token or an invitation an
org admin made (one use, with its org role, ending); organisations need the token."""

from __future__ import annotations

import httpx
import psycopg
import pytest

from spoorvast.services.sharing.api import Api, ServerRefused
from spoorvast.storage.sharing_keys import Identity
from tests.sharing.conftest import Harness


def stranger(server: Harness) -> Api:
    """A client that does not send the operator token."""
    client = httpx.Client(base_url=server.url, timeout=60)
    server.clients.append(client)
    return Api(client, Identity.generate())


def refused(call: object) -> ServerRefused:
    with pytest.raises(ServerRefused) as found:
        call()  # type: ignore[operator]
    return found.value


def test_accounts_and_orgs_need_the_operator_or_an_invitation(server: Harness) -> None:
    nobody = stranger(server)
    answer = refused(nobody.register)
    assert (answer.status, answer.code) == (403, "invitation_required")
    wrong = stranger(server)
    wrong.operator_token = "not-the-token"
    assert refused(wrong.register).code == "invitation_required"

    admin = server.person()  # made with the operator token
    org = server.org(admin)
    code = admin.invite(org, "caseworker")
    assert refused(lambda: nobody.register("made-up-invitation")).code == \
        "invitation_required"
    worker = stranger(server)
    worker.register(code)
    assert worker.account is not None
    assert server.state.store.org_roles(org, worker.account) == {"caseworker"}
    assert refused(lambda: stranger(server).register(code)).code == "invitation_required"
    assert refused(worker.create_org).code == "operator_only"  # an account, not operator

    with psycopg.connect(server.settings.database_url, autocommit=True) as conn:
        later = admin.invite(org, "client")
        conn.execute("UPDATE invitations SET expires_at = now() - interval '1 second'")
    assert refused(lambda: stranger(server).register(later)).code == "invitation_required"


def test_only_an_org_admin_invites(server: Harness) -> None:
    admin, other = server.person(), server.person()
    org = server.org(admin, caseworker=[other])
    assert refused(lambda: other.invite(org, "admin")).status == 404
    assert refused(lambda: admin.invite(org, "owner")).code == "bad_role_or_days"
