"""Places where the web app used to drop what was typed without a word (#24)."""

from __future__ import annotations

from tests.web.conftest import Browserish


def test_a_search_in_an_unknown_item_says_so(client: Browserish) -> None:
    client.unlock()
    case = client.new_case()
    page = client.get(f"/c/{case}/search?q=hallo&item=E-0099").text
    assert 'id="search-error"' in page and "E-0099" in page
    assert "0 results" in page  # never the whole case instead of the item asked for


def test_a_refused_new_case_keeps_its_description(client: Browserish) -> None:
    client.unlock()
    refused = client.post("/cases/new", {"title": "", "language": "nl",
                                         "time_zone": "Europe/Brussels",
                                         "description": "Berichten sinds maart"})
    assert refused.status_code == 400
    assert "Berichten sinds maart</textarea>" in refused.text


def test_settings_refuse_an_unknown_language(client: Browserish) -> None:
    client.unlock()
    refused = client.post("/settings", {"language": "xx", "time_zone": "Europe/Brussels",
                                        "minutes": "10"})
    assert refused.status_code == 400
