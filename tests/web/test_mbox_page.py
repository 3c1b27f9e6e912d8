"""An mbox message's page shows its header verdict and hops, rebuilt from the sealed
message (no analysis document is sealed per mbox message), as an .eml's page does."""

from __future__ import annotations

import pytest

from tests.web.conftest import Browserish
from tests.web.helpers import upload
from tests.web.test_evidence_shown import PLAIN

ENVELOPE = b"From pat.suspect@example.org Tue Mar  3 21:15:00 2026\n"


@pytest.mark.slow  # an upload job into a real vault
def test_an_mbox_messages_page_has_its_verdict_and_hops(client: Browserish) -> None:
    client.unlock()
    case_id = client.new_case()
    message = PLAIN.replace(b"\r\n", b"\n")
    job = upload(client, case_id, {"inbox.mbox": ENVELOPE + message + b"\n"})
    assert job["state"] == "done", job
    client.post("/language", {"lang": "nl", "back": "/"})
    page = client.http.get(f"/c/{case_id}/items/E-0002").text
    email = page[page.index('id="email"'):page.index("</section>", page.index('id="email"'))]
    assert "Dinsdag" in email and "Pat Suspect &lt;pat.suspect@example.org&gt;" in email
    assert 'id="email-hops"' in email and "192.0.2.10" in email
    assert 'id="email-verdict"' in email and "Verzonden vanaf de server 192.0.2.10" in email
    assert "Message-ID: &lt;m1@example.org&gt;" in email
