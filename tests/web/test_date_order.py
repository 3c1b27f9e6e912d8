"""The day/month question of a WhatsApp export, asked and answered in the browser."""

from __future__ import annotations

from tests.web.conftest import Browserish
from tests.web.helpers import upload

AMBIGUOUS = ("03/04/2026, 10:15 - Jan Peeters: waar is mijn geld\n"
             "03/04/2026, 10:16 - Anna: morgen\n")


def test_item_page_asks_and_the_answer_reads_the_export_again(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    state = upload(client, case_id, {"WhatsApp Chat with Jan.txt": AMBIGUOUS.encode()})
    assert state["state"] == "done"
    page = client.http.get(f"/c/{case_id}/items/E-0001").text
    assert "Day or month first?" in page and "03/04/2026, 10:15" in page
    assert 'id="conversation"' in page and "Jan Peeters" in page  # the summary, as text
    assert "name only (weak identity)" in page and 'class="attention"' in page
    assert "April 3, 2026 (as read now)" in page and "March 4, 2026" in page
    refused = client.http.post(f"/c/{case_id}/items/E-0001/date-order",
                               data={"order": "month-first"})
    assert refused.status_code in (400, 403)  # no CSRF token: nothing happens
    done = client.post(f"/c/{case_id}/items/E-0001/date-order", {"order": "month-first"})
    assert done.status_code == 303
    page = client.http.get(f"/c/{case_id}/items/E-0001").text
    assert "Day or month first?" not in page
    assert "March 4, 2026, 10:15" in page  # the messages now read as 4 March
