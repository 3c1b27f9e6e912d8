"""The dossier form's items: every current item as a ticked box; an unticked one is
left out of the dossier (through the CLI's DossierOptions.left_out) and the dossier
says it was left out at the user's request."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.web.conftest import Browserish
from tests.web.helpers import csrf_header, upload, wait_job

pytestmark = pytest.mark.slow  # a server and a PDF

NOTES = {"eerste.txt": b"Eerste bericht: hij stond aan de deur.\n",
         "tweede.txt": b"Tweede bericht: GEHEIM-UIT-DOSSIER.\n",
         "derde.txt": b"Derde bericht: weer een oproep.\n"}


def test_untick_an_item_in_the_dossier_form(client: Browserish, tmp_path: Path) -> None:
    client.unlock()
    client.post("/language", {"lang": "nl", "back": "/"})
    case_id = client.new_case()
    upload(client, case_id, NOTES)
    page = client.get(f"/c/{case_id}/dossier").text
    assert page.count('name="include"') == 3 and page.count("checked>") >= 3
    assert "Bewijsstukken in het dossier" in page
    labels = dict((name, label) for label, name in re.findall(
        r'value="(E-\d+)" checked>.*?<span translate="no">([^<]+)</span></label>', page))
    secret, kept = labels["tweede.txt"], [labels["eerste.txt"], labels["derde.txt"]]

    none = client.http.post(f"/c/{case_id}/dossier", headers=csrf_header(client),
                            data={"listed": "1"})
    assert none.status_code == 400 and "minstens" in none.text

    started = client.http.post(f"/c/{case_id}/dossier", headers=csrf_header(client),
                               data={"listed": "1", "include": kept})
    assert started.status_code == 303, started.text[:300]
    job = started.headers["location"].split("job=")[1]
    assert wait_job(client, job, timeout=180)["state"] == "done"
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/c/{case_id}/dossier/{job}").content))
    names = archive.namelist()
    assert not any("tweede" in name for name in names) and any("eerste" in n for n in names)
    pdf = tmp_path / "dossier.pdf"
    pdf.write_bytes(archive.read(next(n for n in names if n.endswith(".pdf"))))
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())
    assert "GEHEIM-UIT-DOSSIER" not in text
    assert f"Op verzoek van de gebruiker weggelaten: {secret} (1 bewijsstuk)" in text
