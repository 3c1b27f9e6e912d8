"""Small helpers every router shares: the state, the logged-in account, base64 fields."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Annotated

from fastapi import Depends, Header, Request

from spoorvast.server.access import ApiError, account_of
from spoorvast.server.state import ServerState


def state(request: Request) -> ServerState:
    found = request.app.state.server
    assert isinstance(found, ServerState)
    return found


def me(request: Request,
       authorization: Annotated[str | None, Header()] = None) -> uuid.UUID:
    return account_of(state(request).store, authorization)


State = Annotated[ServerState, Depends(state)]
Me = Annotated[uuid.UUID, Depends(me)]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, size: int | None = None) -> bytes:
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise ApiError(422, "bad_base64") from exc
    if size is not None and len(data) != size:
        raise ApiError(422, "bad_key_size")
    return data
