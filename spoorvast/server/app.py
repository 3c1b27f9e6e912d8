"""``create_app(state)``: the server's FastAPI application and its error answers.

Every error is JSON ``{"error": {"code": ...}}`` with a status; a request that does not
parse gets ``bad_request`` without its content echoed back; anything unexpected is
``internal`` (the traceback stays out of the answer and out of the log's message text).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from spoorvast.server import (
    routes_account_page,
    routes_accounts,
    routes_blobs,
    routes_captures,
    routes_cases,
    routes_dropbox,
    routes_droppage,
    routes_oidc,
    routes_passkeys,
    routes_records,
)
from spoorvast.server.access import ApiError
from spoorvast.server.state import ServerState
from spoorvast.server.streaming import store_client

LOG = logging.getLogger("spoorvast.server")


def create_app(state: ServerState) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=store_client)
    app.state.server = state
    for module in (routes_accounts, routes_cases, routes_records, routes_blobs,
                   routes_dropbox, routes_droppage, routes_passkeys, routes_oidc,
                   routes_account_page, routes_captures):
        app.include_router(module.router)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _bad_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _internal)
    return app


def error(status: int, code: str, seq: int | None = None) -> JSONResponse:
    body: dict[str, object] = {"code": code} if seq is None else {"code": code, "seq": seq}
    return JSONResponse({"error": body}, status_code=status)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error(exc.status, exc.code, exc.seq)


async def _bad_request(request: Request, exc: Exception) -> Response:
    return error(422, "bad_request")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error(exc.status_code, "not_found" if exc.status_code == 404 else "http_error")


async def _internal(request: Request, exc: Exception) -> Response:
    LOG.error("internal error on %s %s: %s", request.method, request.url.path,
              type(exc).__name__)
    return error(500, "internal")
