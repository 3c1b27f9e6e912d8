"""The people page corrects a confirmed identifier: a new one is listed, the earlier one
is not (it stays in the vault and the custody log); a refused correction says why."""

from __future__ import annotations

from tests.web.conftest import Browserish


def test_correct_an_identifier_from_the_people_page(client: Browserish) -> None:
    client.unlock()
    case = client.new_case()
    assert client.post(f"/c/{case}/parties", {"role": "suspect",
                                               "name": "Synthetic X"}).status_code == 303
    page = client.get(f"/c/{case}/parties").text
    party = "Synthetic X"  # find_party takes the name or the number
    assert client.post(f"/c/{case}/identifiers", {"party": party, "kind": "email",
                                                  "value": "x@example.invalid"}
                       ).status_code == 303
    page = client.get(f"/c/{case}/parties").text
    assert f'action="/c/{case}/identifiers/1/correct"' in page
    refused = client.post(f"/c/{case}/identifiers/1/correct",
                          {"value": "y@example.invalid", "reason": ""})
    assert refused.status_code == 400 and "Say why" in refused.text
    done = client.post(f"/c/{case}/identifiers/1/correct",
                       {"value": "y@example.invalid", "reason": "typo"})
    assert done.status_code == 303
    page = client.get(f"/c/{case}/parties").text
    assert "y@example.invalid" in page and "x@example.invalid" not in page
    assert 'id="corrects-2"' in page and "corrects I-1" in page
