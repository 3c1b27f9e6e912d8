"""Withdraw, restore and correct a note in the browser (real server on loopback)."""

from __future__ import annotations

from tests.web.conftest import Browserish


def _note(client: Browserish, case_id: int, text: str) -> None:
    done = client.post(f"/c/{case_id}/notes", {"kind": "observation", "text": text,
                                               "at": "2026-03-04T21:00"})
    assert done.status_code == 303


def test_withdraw_restore_and_correct_in_the_browser(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    _note(client, case_id, "Written in the wrong case")
    _note(client, case_id, "I saw the psot")
    page = client.http.get(f"/c/{case_id}/items/E-0001").text
    assert 'id="withdraw"' in page and 'id="correct"' in page
    refused = client.http.post(f"/c/{case_id}/items/E-0001/withdraw",
                               data={"reason": "no token"})
    assert refused.status_code in (400, 403)  # no CSRF token: nothing happens
    empty = client.post(f"/c/{case_id}/items/E-0001/withdraw", {"reason": "  "})
    assert empty.status_code == 400 and 'id="standing-error"' in empty.text
    done = client.post(f"/c/{case_id}/items/E-0001/withdraw", {"reason": "wrong case"})
    assert done.status_code == 303
    page = client.http.get(f"/c/{case_id}/items/E-0001").text
    assert 'id="withdrawn"' in page and "wrong case" in page
    listed = client.http.get(f"/c/{case_id}/items").text
    assert "E-0001" not in listed and 'id="left-out"' in listed
    assert "E-0001" in client.http.get(f"/c/{case_id}/items?all=1").text
    assert "Written in the wrong case" not in client.http.get(f"/c/{case_id}/notes").text
    assert "Written in the wrong case" not in client.http.get(f"/c/{case_id}/timeline").text
    assert client.post(f"/c/{case_id}/items/E-0001/restore", {"reason": ""}).status_code == 303
    assert "Written in the wrong case" in client.http.get(f"/c/{case_id}/notes").text
    fixed = client.post(f"/c/{case_id}/items/E-0002/correct",
                        {"text": "I saw the post", "reason": "typo"})
    assert fixed.status_code == 303 and fixed.headers["location"].startswith(
        f"/c/{case_id}/items/E-0003")
    page = client.http.get(f"/c/{case_id}/items/E-0003").text
    assert 'id="corrects"' in page and "E-0002" in page
    assert 'id="corrected-by"' in client.http.get(f"/c/{case_id}/items/E-0002").text
    notes = client.http.get(f"/c/{case_id}/notes").text
    assert "I saw the post" in notes and "I saw the psot" not in notes
