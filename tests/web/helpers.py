"""Small helpers shared by the web tests."""

from __future__ import annotations

import hashlib
import re
import time
from urllib.parse import quote

from tests.web.conftest import Browserish

XSS_NAMES = ('<script>alert("x")</script>.png', '<img src=x onerror=alert(1)>.txt',
             'javascript:alert(1).txt')
XSS_TEXT = '<script>alert("note")</script> <img src=x onerror=alert(2)> javascript:alert(3)'
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def title_of(html: str) -> str:
    match = _TITLE.search(html)
    return match.group(1).strip() if match else ""


def csrf_header(client: Browserish, path: str = "/cases") -> dict[str, str]:
    return {"X-CSRF-Token": client.csrf(path)}


def upload(client: Browserish, case_id: int, files: dict[str, bytes],
           folder: bool = False) -> dict[str, object]:
    """Upload like the page does (one request per file), seal, wait for the job. With
    ``folder``, the names are paths in a chosen folder (sent as the browser does)."""
    headers = csrf_header(client)
    batch = client.http.post(f"/c/{case_id}/add/batch", headers=headers).json()["batch"]
    for name, data in files.items():
        named = {"X-File-Name": quote(name.rsplit("/", 1)[-1] if folder else name)}
        if folder:
            named["X-File-Path"] = quote(name)
        response = client.http.post(
            f"/c/{case_id}/add/upload/{batch}", content=data,
            headers={**headers, **named, **declared(data), "X-File-Modified": "1700000000000",
                     "Content-Type": "application/octet-stream"})
        assert response.status_code == 204, response.text
    sealed = client.http.post(f"/c/{case_id}/add/seal/{batch}", headers=headers)
    assert sealed.status_code == 200, (sealed.status_code, sealed.headers, sealed.text[:500])
    return wait_job(client, sealed.json()["job"])


def declared(data: bytes) -> dict[str, str]:
    """What the page sends with a file: the SHA-256 and size it computed."""
    return {"X-File-SHA256": hashlib.sha256(data).hexdigest(), "X-File-Size": str(len(data))}


def wait_job(client: Browserish, job: str, timeout: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.http.get(f"/jobs/{job}")
        assert response.status_code == 200, (response.status_code, response.headers,
                                             response.text[:500])
        state: dict[str, object] = response.json()
        if state["state"] not in ("queued", "running"):
            return state
        time.sleep(0.1)
    raise AssertionError("job did not finish")
