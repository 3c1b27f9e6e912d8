"""Every endpoint checks org, case and role: the matrix of who may touch what."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from spoorvast.services.sharing.api import Api, b64
from spoorvast.services.sharing.case import SharedCase
from tests.sharing.conftest import Harness

ACTORS = ("owner", "advocate", "lawyer", "contributor", "auditor", "admin", "caseworker",
          "stranger", "removed", "expired")
READ = {"owner", "advocate", "lawyer"}
ADD = READ | {"contributor"}
Call = Callable[[Api, "World"], int]


class World:
    def __init__(self, server: Harness) -> None:
        self.people = {name: server.person() for name in ACTORS}
        self.owner = self.people["owner"]
        other_admin = server.person()
        self.org = server.org(self.people["admin"], client=[self.owner],
                              auditor=[self.people["auditor"]],
                              caseworker=[self.people["caseworker"]])
        self.other_org = server.org(other_admin, caseworker=[self.people["stranger"]])
        self.case = SharedCase.create(self.owner, self.org, "t", "p", "Ann")
        past = datetime.now(UTC) - timedelta(seconds=1)
        for name in ("advocate", "lawyer", "contributor", "removed", "expired"):
            role = {"lawyer": "lawyer", "contributor": "contributor"}.get(name, "advocate")
            self.case.add_member(self.account(name), role, name, "help",
                                 past if name == "expired" else None)
        self.case.remove_member(self.account("removed"))
        self.blob = uuid.uuid4()
        self.owner.put_blob(self.case.case_id, self.blob, b"ciphertext")

    def account(self, name: str) -> uuid.UUID:
        account = self.people[name].account
        assert account is not None
        return account

    def path(self, tail: str = "") -> str:
        return f"/cases/{self.case.case_id}{tail}"


def status(api: Api, method: str, path: str, **kwargs: object) -> int:
    return api.request(method, path, **kwargs).status_code


def push_one(api: Api, world: World) -> int:
    case = SharedCase(api, world.case.case_id)
    try:
        case.add_record("note", {"text": "x"})
    except Exception as exc:  # the refusal carries the status
        return int(getattr(exc, "status", 0))
    return 200


ENDPOINTS: dict[str, tuple[set[str], Call]] = {
    "case": (ADD, lambda a, w: status(a, "GET", w.path())),
    "members": (READ, lambda a, w: status(a, "GET", w.path("/members"))),
    "grant": ({"owner"}, lambda a, w: status(a, "POST", w.path("/members"), json={
        "account": str(w.account("caseworker")), "role": "contributor",
        "purpose": b64(b"p")})),
    "revoke": ({"owner"}, lambda a, w: status(
        a, "POST", w.path(f"/members/{w.account('contributor')}/revoke"))),
    "keys": (READ, lambda a, w: status(a, "GET", w.path("/keys"))),
    "epochs": (ADD, lambda a, w: status(a, "GET", w.path("/epochs"))),
    "chain": (READ | {"auditor"}, lambda a, w: status(a, "GET", w.path("/chain"))),
    "export": ({"owner", "lawyer"}, lambda a, w: status(
        a, "POST", w.path("/exports"), json={"subject": "dossier"})),
    "push": (ADD, push_one),
    "pull": (READ, lambda a, w: status(a, "GET", w.path("/records"))),
    "items": (READ, lambda a, w: status(a, "GET", w.path("/items"))),
    "put_blob": (ADD, lambda a, w: status(a, "PUT", w.path(f"/blobs/{uuid.uuid4()}"),
                                         content=b"x")),
    "put_part": (ADD, lambda a, w: status(a, "PUT", w.path(f"/blobs/{uuid.uuid4()}/parts/1"),
                                         content=b"x")),
    "parts": (ADD, lambda a, w: status(a, "GET", w.path(f"/blobs/{w.blob}/parts"))),
    "complete": (ADD, lambda a, w: status(a, "POST", w.path(f"/blobs/{w.blob}/complete"))),
    "get_blob": (READ, lambda a, w: status(a, "GET", w.path(f"/blobs/{w.blob}"))),
    "org_cases": ({"admin", "auditor"}, lambda a, w: status(a, "GET", f"/orgs/{w.org}/cases")),
    "org_roles": ({"admin"}, lambda a, w: status(a, "POST", f"/orgs/{w.org}/roles", json={
        "account": str(w.account("stranger")), "role": "auditor"})),
}


@pytest.fixture
def world(server: Harness) -> World:
    return World(server)


def test_every_endpoint_allows_exactly_its_roles(world: World) -> None:
    wrong = []
    for name, (allowed, call) in ENDPOINTS.items():
        for actor in ACTORS:
            if name in ("revoke", "grant") and actor == "owner":
                continue  # changes the world: checked below
            code = call(world.people[actor], world)
            if (actor in allowed) != (code < 400):
                wrong.append(f"{name} by {actor}: {code}")
    assert wrong == []


def test_refusals_say_nothing_and_need_a_login(world: World, server: Harness) -> None:
    import httpx

    with httpx.Client(base_url=server.url) as anonymous:
        for path in (world.path(), world.path("/records"), world.path(f"/blobs/{world.blob}"),
                     f"/orgs/{world.org}/cases", "/cases", "/notices"):
            answer = anonymous.get(path)
            assert answer.status_code == 401
            assert answer.json() == {"error": {"code": "not_logged_in"}}
    stranger = world.people["stranger"]
    answer = stranger.request("GET", world.path("/records"))
    assert (answer.status_code, answer.json()) == (404, {"error": {"code": "no_such_case"}})
    assert stranger.request("GET", f"/cases/{uuid.uuid4()}").json() == answer.json()
    assert stranger.request("POST", "/cases", content=b"{not json").json() == {
        "error": {"code": "bad_request"}}


def test_contributor_sees_no_title_and_owner_grants(world: World) -> None:
    contributor = world.people["contributor"]
    assert contributor.case(world.case.case_id)["title"] is None
    assert world.owner.case(world.case.case_id)["title"] is not None
    unsigned = status(world.owner, "POST", world.path("/members"), json={
        "account": str(world.account("caseworker")), "role": "contributor",
        "purpose": b64(b"p")})
    assert unsigned == 422  # a grant must come signed by the owner
    world.owner.grant(world.case.case_id, world.account("caseworker"), "contributor",
                      b"p", None, {})
    world.owner.revoke(world.case.case_id, world.account("contributor"), None, None, {})
    assert status(world.owner, "POST", world.path(f"/members/{world.account('advocate')}"
                                                  "/revoke")) == 409  # needs a new key


def test_contributor_adds_through_the_drop_box_and_readers_open_it(world: World) -> None:
    contributor = SharedCase(world.people["contributor"], world.case.case_id)
    contributor.add_record("note", {"text": "seen at the school gate"})
    reader = SharedCase(world.people["lawyer"], world.case.case_id)
    reader.load_keys()
    notes = [r.fields["text"] for r in reader.pull() if r.kind == "note"]
    assert notes == ["seen at the school gate"]
