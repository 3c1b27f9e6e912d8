"""Time to a token: passkey and OIDC logins vs the app's Ed25519 login (the baseline).

Starts PostgreSQL and SeaweedFS on loopback (as the tests do) and the server in a
thread; per round, ``--logins`` logins of each kind, one after the other:
- Ed25519: challenge + signed token request (the app's login; the baseline),
- OIDC: ``/account/oidc/start``, the test issuer's authorize (tests/servers), the
  callback (code for ID token at the issuer, signature and claims checked, JWKS cached),
- passkey: in headless Chromium with the CDP virtual authenticator, options +
  ``navigator.credentials.get`` + the signed answer checked (timed inside the page).
Prints each round's median milliseconds and its ratio to the baseline, then the
median over rounds. No budget is set for logins; it shows what a login costs here.

Measured 2026-12-07 on the loaded 2-core machine, 3 rounds of 20 logins: Ed25519
102-111 ms (two requests from a new httpx connection each), passkey 57-59 ms (0.55x;
two fetches from the page, on one kept connection), OIDC 439-571 ms (4.87x: five
requests over new connections, two of them from the server to the issuer, the browser
side reaching "localhost").

    PYTHONPATH=. .venv/bin/python benchmarks/logins.py [--rounds 3] [--logins 20]

Not a test: it never fails.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from spoorvast.server.app import create_app
from spoorvast.server.login_settings import LoginSettings, OidcSettings
from tests.servers import postgres_server, s3_server
from tests.servers.oidc_issuer import oidc_issuer
from tests.sharing.conftest import Harness, make_harness
from tests.sharing.test_passkeys import AUTHENTICATOR
from tests.web.conftest import CHROMIUM

PAGE_LOGIN = """async () => {
  const began = performance.now();
  const options = await (await fetch("/auth/passkeys/login/options", {method: "POST",
    headers: {"content-type": "application/json"}, body: "{}"})).json();
  const credential = await navigator.credentials.get({
    publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options)});
  const answer = await fetch("/auth/passkeys/login", {method: "POST",
    headers: {"content-type": "application/json"},
    body: JSON.stringify({credential: credential.toJSON()})});
  if (!answer.ok) throw new Error("refused");
  return performance.now() - began;
}"""


def serve(harness: Harness) -> uvicorn.Server:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    harness.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(create_app(harness.state), log_level="warning",
                                           access_log=False))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server


def timed(count: int, login: Callable[[], None]) -> float:
    times = []
    for _ in range(count):
        began = time.perf_counter()
        login()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def oidc_login(url: str) -> None:
    with httpx.Client(base_url=url) as browser:
        start = browser.get("/account/oidc/start")
        back = httpx.get(start.headers["location"])
        page = browser.get(back.headers["location"])
        assert '"token"' in page.text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--logins", type=int, default=20)
    args = parser.parse_args()
    with postgres_server() as pg, s3_server() as s3, tempfile.TemporaryDirectory() as tmp, \
            oidc_issuer() as issuer:
        harness = make_harness(pg, s3, Path(tmp))
        server = serve(harness)
        member = harness.person()
        admin = harness.person()
        org = harness.org(admin, caseworker=[member])
        site = harness.url.replace("127.0.0.1", "localhost")
        harness.state.logins = LoginSettings(site, oidc=OidcSettings(
            issuer.url, issuer.client_id, issuer.client_secret, frozenset({org})))
        assert member.account is not None
        admin.link_oidc_subject(org, member.account, issuer.subject)
        run(args, harness, member, site)
        server.should_exit = True
        harness.state.store.close()


def ed25519_login(member: Any) -> None:
    member._token = None
    member._login()


def run(args: argparse.Namespace, harness: Harness, member: Any, site: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context()
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
        page.goto(member.passkey_link())
        page.click("#add")
        page.locator("body[data-result=added]").wait_for(state="attached")
        ratios: dict[str, list[float]] = {"oidc": [], "passkey": []}
        for round_ in range(1, args.rounds + 1):
            base = timed(args.logins, lambda: ed25519_login(member))
            oidc = timed(args.logins, lambda: oidc_login(site))
            passkey = statistics.median(float(page.evaluate(PAGE_LOGIN))
                                        for _ in range(args.logins))
            ratios["oidc"].append(oidc / base)
            ratios["passkey"].append(passkey / base)
            print(f"round {round_}: Ed25519 {base:.1f} ms, OIDC {oidc:.1f} ms "
                  f"({oidc / base:.2f}x), passkey {passkey:.1f} ms ({passkey / base:.2f}x)")
        print(f"median over {args.rounds} rounds: OIDC "
              f"{statistics.median(ratios['oidc']):.2f}x, passkey "
              f"{statistics.median(ratios['passkey']):.2f}x the Ed25519 login")
        browser.close()


if __name__ == "__main__":
    main()
