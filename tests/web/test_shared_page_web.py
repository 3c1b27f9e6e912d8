"""The shared-case page of a case that was never shared says so (the page with a shared
case is tested against a real server in tests/sharing/test_shared_page.py)."""

from __future__ import annotations

import pytest

from tests.web.conftest import Browserish, StartApp


@pytest.mark.slow  # a web server
def test_a_case_never_shared_says_so(start_app: StartApp) -> None:
    client = Browserish(start_app())
    try:
        client.unlock()
        case_id = client.new_case()
        client.post("/language", {"lang": "en", "back": "/"})
        page = client.get(f"/c/{case_id}/shared")
        assert page.status_code == 200
        assert "This case is not shared" in page.text
    finally:
        client.close()
