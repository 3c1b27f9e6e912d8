"""The HTTP client of the organisation's server (httpx): one method per endpoint.

It knows the wire format (JSON with base64 bytes) and login (a signed challenge for a
bearer token, renewed when the server says the token ended); it holds no case key and
decides nothing. Errors come back as :class:`ServerRefused` carrying the server's code.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from spoorvast.storage.sharing_keys import Identity, PublicIdentity

OPERATOR = "x-spoorvast-operator"  # the header that carries the operator token
REGISTER = b"spoorvast-register\0"
LOGIN = b"spoorvast-login\0"


class ServerRefused(Exception):
    """The server answered with an error code (``code``) and HTTP ``status``."""

    def __init__(self, status: int, code: str, seq: int | None = None) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.seq = seq


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


class Api:
    def __init__(self, http: httpx.Client, identity: Identity,
                 account: uuid.UUID | None = None, operator_token: str | None = None) -> None:
        self.http = http
        self.identity = identity
        self.account = account
        self.operator_token = operator_token  # the deployment's: makes accounts and orgs
        self._token: str | None = None
        self._about: dict[str, Any] | None = None

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, path, **kwargs)
        if response.status_code == 401 and self.account is not None:
            self._token = None
            response = self._send(method, path, **kwargs)
        return _answer(response)

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A logged-in request whose answer is returned as it is (for checks)."""
        return self._send(method, path, **kwargs)

    def _send(self, method: str, path: str, auth: bool = True, **kwargs: Any
              ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if auth:
            headers["authorization"] = "Bearer " + self._login()
        return self.http.request(method, path, headers=headers, **kwargs)

    # accounts and login -----------------------------------------------------------------

    def _operator(self) -> dict[str, str]:
        return {OPERATOR: self.operator_token} if self.operator_token else {}

    def register(self, invitation: str | None = None) -> uuid.UUID:
        """Make this identity's account: as the operator, or with an org's invitation."""
        public = self.identity.public()
        signature = self.identity.sign(REGISTER + public.box + public.verify)
        answer = _answer(self.http.post("/accounts", headers=self._operator(), json={
            "box": b64(public.box), "verify": b64(public.verify), "signature": b64(signature),
            "invitation": invitation}))
        self.account = uuid.UUID(answer["account"])
        return self.account

    def _login(self) -> str:
        if self._token is None:
            assert self.account is not None, "register or give the account first"
            nonce = unb64(_answer(self.http.post(
                "/auth/challenge", json={"account": str(self.account)}))["challenge"])
            self._token = str(_answer(self.http.post("/auth/token", json={
                "account": str(self.account), "challenge": b64(nonce),
                "signature": b64(self.identity.sign(LOGIN + nonce))}))["token"])
        return self._token

    def account_keys(self, account: uuid.UUID) -> PublicIdentity:
        answer = self._call("GET", f"/accounts/{account}")
        return PublicIdentity(unb64(answer["box"]), unb64(answer["verify"]))

    def about(self) -> dict[str, Any]:
        if self._about is None:
            self._about = dict(_answer(self.http.get("/server")))
        return self._about

    def server_key(self) -> bytes:
        return unb64(self.about()["verify"])

    def create_org(self) -> uuid.UUID:
        return uuid.UUID(self._call("POST", "/orgs", headers=self._operator())["org"])

    def invite(self, org: uuid.UUID, role: str, days: int = 7) -> str:
        """A one-use invitation to make an account with *role* in the org (admin's)."""
        return str(self._call("POST", f"/orgs/{org}/invitations",
                              json={"role": role, "days": days})["invitation"])

    def add_org_role(self, org: uuid.UUID, account: uuid.UUID, role: str) -> None:
        self._call("POST", f"/orgs/{org}/roles", json={"account": str(account), "role": role})

    def org_cases(self, org: uuid.UUID) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/orgs/{org}/cases"))

    def notices(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/notices"))

    # browser logins (passkeys, OIDC): links for a browser, made while logged in ----------

    def passkey_link(self) -> str:
        """A one-use link (10 minutes) that lets a browser add a passkey to this account."""
        return str(self._call("POST", "/auth/passkeys/enrolment")["url"])

    def oidc_link(self, org: uuid.UUID, account: uuid.UUID | None = None) -> str:
        """A one-use link (7 days) that ties the organisation login it comes back with
        to *account* (this one by default; another member's: the org admin's)."""
        return str(self._call("POST", f"/orgs/{org}/oidc/invitations", json={
            "account": str(account or self.account)})["url"])

    def link_oidc_subject(self, org: uuid.UUID, account: uuid.UUID, subject: str) -> None:
        """Tie the org's identity provider's *subject* to an account (the org admin's)."""
        self._call("POST", f"/orgs/{org}/oidc/links",
                   json={"account": str(account), "subject": subject})

    # cases and members ------------------------------------------------------------------

    def create_case(self, case: uuid.UUID, org: uuid.UUID, title: bytes, dropbox: bytes,
                    wrapped: bytes, purpose: bytes) -> None:
        self._call("POST", "/cases", json={
            "case": str(case), "org": str(org), "title": b64(title), "dropbox": b64(dropbox),
            "wrapped": b64(wrapped), "purpose": b64(purpose)})

    def my_cases(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/cases"))

    def case(self, case: uuid.UUID) -> dict[str, Any]:
        return dict(self._call("GET", f"/cases/{case}"))

    def members(self, case: uuid.UUID) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/cases/{case}/members"))

    def signed(self, fields: dict[str, Any]) -> dict[str, str]:
        """A chain entry of this member's: canonical JSON and its Ed25519 signature."""
        entry = json.dumps({"v": 1, **fields, "author": str(self.account),
                            "at": datetime.now(UTC).isoformat()}, sort_keys=True).encode()
        return {"entry": b64(entry), "signature": b64(self.identity.sign(entry))}

    def grant(self, case: uuid.UUID, account: uuid.UUID, role: str, purpose: bytes,
              expires_at: str | None, wraps: dict[int, bytes]) -> None:
        signed = self.signed({"action": "grant", "case": str(case), "member": str(account),
                              "role": role, "expires_at": expires_at})
        self._call("POST", f"/cases/{case}/members", json={
            "account": str(account), "role": role, "purpose": b64(purpose),
            "expires_at": expires_at, "wraps": {str(e): b64(w) for e, w in wraps.items()},
            **signed})

    def revoke(self, case: uuid.UUID, account: uuid.UUID, epoch: int | None,
               dropbox: bytes | None, wraps: dict[uuid.UUID, bytes]) -> None:
        signed = self.signed({"action": "revoke", "case": str(case), "member": str(account),
                              "epoch": epoch})
        rotation = None if epoch is None or dropbox is None else {
            "epoch": epoch, "dropbox": b64(dropbox),
            "wraps": {str(a): b64(w) for a, w in wraps.items()}}
        self._call("POST", f"/cases/{case}/members/{account}/revoke",
                   json={**signed, "rotation": rotation})

    def keys(self, case: uuid.UUID) -> list[tuple[int, bytes]]:
        return [(int(k["epoch"]), unb64(k["wrapped"]))
                for k in self._call("GET", f"/cases/{case}/keys")]

    def epochs(self, case: uuid.UUID) -> list[tuple[int, bytes]]:
        return [(int(k["epoch"]), unb64(k["dropbox"]))
                for k in self._call("GET", f"/cases/{case}/epochs")]

    def chain(self, case: uuid.UUID, after: int = 0) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/cases/{case}/chain", params={"after": after}))

    def export(self, case: uuid.UUID, subject: str) -> None:
        self._call("POST", f"/cases/{case}/exports", json={"subject": subject})

    # records and blobs ------------------------------------------------------------------

    def push(self, case: uuid.UUID, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return list(self._call("POST", f"/cases/{case}/records", json={"records": records}))

    def pull(self, case: uuid.UUID, after: int, limit: int = 200) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/cases/{case}/records",
                               params={"after": after, "limit": limit}))

    def items(self, case: uuid.UUID, after: int = 0) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/cases/{case}/items", params={"after": after}))

    def put_blob(self, case: uuid.UUID, blob: uuid.UUID, data: bytes) -> None:
        self._call("PUT", f"/cases/{case}/blobs/{blob}", content=data)

    def put_blob_stream(self, case: uuid.UUID, blob: uuid.UUID, chunks: Iterable[bytes],
                        size: int) -> None:
        """A blob of *size* bytes sent as its *chunks* come (encryption and sending
        overlap, no copy); the chunks sent are kept, so the one retry after an ended
        login sends them again."""
        path, headers = f"/cases/{case}/blobs/{blob}", {"content-length": str(size)}
        source, sent = iter(chunks), []

        def kept() -> Iterator[bytes]:
            for chunk in source:
                sent.append(chunk)
                yield chunk

        response = self._send("PUT", path, content=kept(), headers=headers)
        if response.status_code == 401 and self.account is not None:
            sent.extend(source)
            self._token = None
            response = self._send("PUT", path, content=sent, headers=headers)
        _answer(response)

    def put_part(self, case: uuid.UUID, blob: uuid.UUID, number: int, data: bytes) -> None:
        self._call("PUT", f"/cases/{case}/blobs/{blob}/parts/{number}", content=data)

    def put_direct(self, case: uuid.UUID, blob: uuid.UUID, chunks: Iterable[bytes],
                   size: int) -> None:
        """Ciphertext straight into the object store, with the URL the server signed."""
        url = self._call("POST", f"/cases/{case}/blobs/{blob}/direct", json={"size": size})
        answer = self.http.put(str(url["url"]), content=chunks,
                               headers={"content-length": str(size)})
        if answer.status_code >= 300:
            raise ServerRefused(answer.status_code, "store_refused")

    def parts(self, case: uuid.UUID, blob: uuid.UUID) -> dict[str, Any]:
        return dict(self._call("GET", f"/cases/{case}/blobs/{blob}/parts"))

    def complete(self, case: uuid.UUID, blob: uuid.UUID) -> None:
        self._call("POST", f"/cases/{case}/blobs/{blob}/complete")

    def get_blob(self, case: uuid.UUID, blob: uuid.UUID) -> Iterator[bytes]:
        headers = {"authorization": "Bearer " + self._login()}
        with self.http.stream("GET", f"/cases/{case}/blobs/{blob}", headers=headers) as answer:
            if answer.status_code != 200:
                answer.read()
                _answer(answer)
            yield from answer.iter_bytes(1 << 20)


def _answer(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        try:
            error = response.json()["error"]
            code, seq = str(error["code"]), error.get("seq")
        except (ValueError, KeyError, TypeError, AttributeError):
            code, seq = "unreadable_answer", None
        raise ServerRefused(response.status_code, code,
                            seq if isinstance(seq, int) else None)
    return response.json()
