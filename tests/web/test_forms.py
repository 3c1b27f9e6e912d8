"""The browser's typed-entry forms, posted as the page posts them, against the running
app: calls (typed, hidden number, own number called, correction), notes with an amount
and a currency read in the person's language, merging and splitting people, pasted
e-mail headers, dossier options, the checklist's links. Valid input is sealed through
the services the CLI uses; invalid input gets a clear message and writes nothing."""

from __future__ import annotations

import json
import re

from spoorvast.model.records import ItemKind
from spoorvast.services import cases as case_service
from spoorvast.services import events as event_service
from spoorvast.services import notes as note_service
from spoorvast.services import typed_calls
from tests.web.conftest import Browserish
from tests.web.helpers import wait_job

CALL = {"number": "0470 12 34 56", "day": "2026-03-04", "time": "22:15", "direction": "in",
        "minutes": "2", "seconds": "5"}
HEADERS = ("Received: from mail.example.net (mail.example.net [192.0.2.10])\n"
           "\tby mx.example.org with ESMTPS id abc123\n"
           "\tfor <victim@example.org>; Wed, 04 Mar 2026 21:15:00 +0100\n"
           "From: Someone <suspect@example.net>\n"
           "To: victim@example.org\n"
           "Subject: synthetic test\n"
           "Date: Wed, 04 Mar 2026 21:14:58 +0100\n"
           "Message-ID: <synthetic-1@example.net>\n")


def count_items(client: Browserish, case_id: int) -> int:
    with client.live.app.state.session.use() as vault:
        return len(vault.store.items(case_id))


def started(client: Browserish) -> int:
    client.unlock()
    return client.new_case()


# -- calls -----------------------------------------------------------------------------

def test_typed_call_is_sealed_listed_and_covers_the_checklist(client: Browserish) -> None:
    case_id = started(client)
    client.post(f"/c/{case_id}/parties", {"role": "victim", "name": "Me"})
    added = client.post(f"/c/{case_id}/calls", {**CALL, "called": "0499 11 22 33"})
    assert added.status_code == 303, added.text[:500]
    page = client.get(f"/c/{case_id}/calls").text
    # the time as the reader's language writes it (English here), with its offset
    assert "+32470123456" in page and "March 4, 2026, 22:15 (UTC+1)" in page and "2:05" in page
    assert 'data-draft="call-' in page
    with client.live.app.state.session.use() as vault:
        case = case_service.get_case(vault, case_id)
        [record] = event_service.calls(vault, case)
        own = [i for i in vault.store.identifiers(case_id) if i.value == "+32499112233"]
    assert (record.number, record.direction, record.duration_seconds) == (
        "+32470123456", "in", 125)
    assert own[0].party_id == 1 and own[0].status.value == "confirmed"
    checklist = client.get(f"/c/{case_id}/checklist").text
    for element in ("calls", "called-number"):
        assert f'data-element="{element}" data-status="present"' in checklist


def test_a_long_call_list_comes_in_pages(client: Browserish) -> None:
    case_id = started(client)
    with client.live.app.state.session.use() as vault:
        case = case_service.get_case(vault, case_id)
        for n in range(105):
            typed_calls.add_call(vault, case, typed_calls.TypedCall(
                f"0470 12 {n // 100:02d} {n % 100:02d}", f"2026-03-{1 + n // 24:02d} "
                f"{n % 24:02d}:00", "in"))
    first = client.get(f"/c/{case_id}/calls").text
    assert first.count("/correct\"") == 100 and "1–100 of 105" in first
    assert f'/c/{case_id}/calls?offset=100' in first
    rest = client.get(f"/c/{case_id}/calls?offset=100").text
    assert rest.count("/correct\"") == 5 and "+32470120104" in rest


def test_hidden_number_call(client: Browserish) -> None:
    case_id = started(client)
    added = client.post(f"/c/{case_id}/calls", {**CALL, "number": "", "hidden": "1",
                                                "direction": "missed"})
    assert added.status_code == 303
    page = client.get(f"/c/{case_id}/calls").text
    assert "number hidden" in page
    with client.live.app.state.session.use() as vault:
        item = vault.store.items(case_id)[0]
        sealed = typed_calls.read_call(vault, item)
        assert not vault.store.identifiers(case_id)
    assert sealed.number is None and sealed.direction == "missed"


def test_bad_calls_are_explained_and_nothing_is_written(client: Browserish) -> None:
    case_id = started(client)
    cases = [({**CALL, "number": ""}, "number hidden"),
             ({**CALL, "number": "not a number"}, "not a phone number"),
             ({**CALL, "time": ""}, "date and the time"),
             ({**CALL, "day": "2026-13-45"}, "not a date and time"),
             ({**CALL, "direction": "sideways"}, "in, out or missed"),
             ({**CALL, "minutes": "two"}, "not a whole number"),
             ({**CALL, "called": "12"}, "not a phone number")]
    for form, message in cases:
        response = client.post(f"/c/{case_id}/calls", form)
        assert response.status_code == 400, form
        assert message in response.text, (form, response.text[:2000])
        assert 'role="alert"' in response.text
    assert count_items(client, case_id) == 0


def test_call_is_corrected_as_a_new_sealed_version(client: Browserish) -> None:
    case_id = started(client)
    client.post(f"/c/{case_id}/calls", CALL)
    form = client.get(f"/c/{case_id}/calls/E-0001/correct").text
    assert 'value="0470 12 34 56"' in form and 'value="22:15"' in form
    refused = client.post(f"/c/{case_id}/calls/E-0001/correct", {**CALL, "reason": ""})
    assert refused.status_code == 400 and count_items(client, case_id) == 1
    fixed = client.post(f"/c/{case_id}/calls/E-0001/correct",
                        {**CALL, "time": "22:45", "reason": "wrong time"})
    assert fixed.status_code == 303
    with client.live.app.state.session.use() as vault:
        items = vault.store.items(case_id)
        assert [i.label for i in items] == ["E-0001", "E-0002"]
        assert typed_calls.read_call(vault, items[1]).moment is not None
    listed = client.get(f"/c/{case_id}/calls").text
    assert "22:45" in listed and "22:15" not in listed.split('id="calls"')[1]  # the old one
    assert "/calls/E-0002/correct" in listed and "/calls/E-0001/correct" not in listed
    not_a_call = client.post(f"/c/{case_id}/notes", {"kind": "observation", "text": "x"})
    assert not_a_call.status_code == 303
    assert client.get(f"/c/{case_id}/calls/E-0003/correct").status_code == 400


# -- notes with an amount --------------------------------------------------------------

def test_requested_action_with_amount_in_the_persons_language(client: Browserish) -> None:
    case_id = started(client)
    client.http.cookies.set("sv_lang", "nl")
    page = client.get(f"/c/{case_id}/notes").text
    assert 'value="EUR"' in page and "Euro (EUR)" in page
    added = client.post(f"/c/{case_id}/notes", {
        "kind": "requested-action", "text": "Ik moest geld overmaken", "at": "2026-03-04T21:00",
        "amount": "1.250,50", "currency": "EUR", "to_account": "BE00 0000 0000 0000"})
    assert added.status_code == 303, added.text[:1000]
    with client.live.app.state.session.use() as vault:
        item = vault.store.items(case_id)[0]
        note = note_service.read_note(vault, item)
    assert (note.amount, note.currency, note.to_account) == (
        "1250.50", "EUR", "BE00 0000 0000 0000")
    checklist = client.get(f"/c/{case_id}/checklist").text
    assert 'data-element="actions" data-status="present"' in checklist
    listed = client.get(f"/c/{case_id}/notes").text
    assert "€\xa01.250,50" in listed or "€ 1.250,50" in listed, listed[-3000:]


def test_bad_amounts_and_currencies_are_refused(client: Browserish) -> None:
    case_id = started(client)
    base = {"kind": "requested-action", "text": "paid"}
    for form, message in [({"amount": "twelve", "currency": "EUR"}, "not an amount"),
                          ({"amount": "-5", "currency": "EUR"}, "not an amount"),
                          ({"amount": "5", "currency": "ZZZ"}, "not a currency"),
                          ({"amount": "5"}, "which currency")]:
        response = client.post(f"/c/{case_id}/notes", {**base, **form})
        assert response.status_code == 400 and message in response.text, form
        assert ">paid</textarea>" in response.text  # what was typed is kept
    assert count_items(client, case_id) == 0


# -- people ----------------------------------------------------------------------------

def test_merge_and_split_people(client: Browserish) -> None:
    case_id = started(client)
    for name in ("Kevin", "K.V."):
        client.post(f"/c/{case_id}/parties", {"role": "suspect", "name": name})
    client.post(f"/c/{case_id}/identifiers", {"party": "1", "kind": "email",
                                              "value": "kevin@example.net"})
    client.post(f"/c/{case_id}/identifiers", {"party": "2", "kind": "phone",
                                              "value": "0470 12 34 56"})
    page = client.get(f"/c/{case_id}/parties").text
    assert 'id="merge-form"' in page
    merged = client.post(f"/c/{case_id}/parties/merge", {"keep": "1", "absorb": "2"})
    assert merged.status_code == 303
    assert "now one" in client.get(merged.headers["location"]).text
    with client.live.app.state.session.use() as vault:
        assert [p.name for p in vault.store.parties(case_id)] == ["Kevin"]
        owned = {i.value: i.party_id for i in vault.store.identifiers(case_id)}
    assert owned == {"kevin@example.net": 1, "+32470123456": 1}
    self_merge = client.post(f"/c/{case_id}/parties/merge", {"keep": "1", "absorb": "1"})
    assert self_merge.status_code == 400 and "itself" in self_merge.text
    split = client.post(f"/c/{case_id}/parties/split",
                        {"source": "1", "ids": "2", "name": "Brother", "role": "witness"})
    assert split.status_code == 303
    with client.live.app.state.session.use() as vault:
        parties = {p.name: p.id for p in vault.store.parties(case_id)}
        owned = {i.value: i.party_id for i in vault.store.identifiers(case_id)}
    assert owned["+32470123456"] == parties["Brother"]
    nothing = client.post(f"/c/{case_id}/parties/split", {"source": "1", "name": "X"})
    assert nothing.status_code == 400 and "Tick" in nothing.text


# -- pasted headers --------------------------------------------------------------------

def test_pasted_headers_are_sealed_like_the_cli_does(client: Browserish) -> None:
    case_id = started(client)
    page = client.get(f"/c/{case_id}/headers").text
    assert 'data-draft="headers-' in page and "<textarea" in page
    empty = client.post(f"/c/{case_id}/headers", {"headers": "   "})
    assert empty.status_code == 400 and "No header text" in empty.text
    assert count_items(client, case_id) == 0
    added = client.post(f"/c/{case_id}/headers", {"headers": HEADERS.replace("\n", "\r\n")})
    assert added.status_code == 303 and "/items/E-0001" in added.headers["location"]
    with client.live.app.state.session.use() as vault:
        [item] = vault.store.items(case_id)
        original = vault.store.artifacts(item.id or 0)[0]
        assert vault.blobs.read_bytes(original.sha256) == HEADERS.encode()
        assert item.importer == "email-headers" and item.kind is ItemKind.EMAIL
        emails = {i.value for i in vault.store.identifiers(case_id)}
    assert "suspect@example.net" in emails
    again = client.post(f"/c/{case_id}/headers", {"headers": HEADERS})
    assert again.status_code == 303 and count_items(client, case_id) == 1


# -- dossier options and the checklist's links -----------------------------------------

def test_dossier_options_reach_the_dossier(client: Browserish) -> None:
    case_id = started(client)
    page = client.get(f"/c/{case_id}/dossier").text
    assert 'name="language"' in page and 'name="redact"' in page and 'name="gps"' in page
    bad = client.post(f"/c/{case_id}/dossier", {"language": "xx"})
    assert bad.status_code == 400
    made = client.post(f"/c/{case_id}/dossier", {"language": "fr", "redact": "1"})
    assert made.status_code == 303
    job = re.search(r"job=([\w-]+)", made.headers["location"])
    assert job is not None
    state = wait_job(client, job.group(1), timeout=120)
    assert state["state"] == "done", state
    path = client.live.app.state.dossiers[job.group(1)]
    import zipfile

    with zipfile.ZipFile(path) as bundle:
        name = next(n for n in bundle.namelist() if n.endswith("manifest.json"))
        manifest = json.loads(bundle.read(name))
    assert manifest["language"] == "fr", manifest.keys()
    assert manifest["options"]["redact_third_parties"] is True


def test_checklist_links_to_forms_and_shows_no_command(client: Browserish) -> None:
    case_id = started(client)
    for lang in ("en", "nl", "fr", "de"):
        client.http.cookies.set("sv_lang", lang)
        page = client.get(f"/c/{case_id}/checklist").text
        assert "spoorvast " not in page.replace("spoorvast.", ""), lang
        for element, target in (("calls", "calls"), ("actions", "notes"),
                                ("emails", "headers"), ("suspect-phones", "parties")):
            assert f'href="/c/{case_id}/{target}" data-howto="{element}"' in page
    for path in ("calls", "notes", "parties", "headers", "dossier", "patterns"):
        shown = client.get(f"/c/{case_id}/{path}").text
        assert not re.search(r"spoorvast [a-z]", shown), path
    menu = client.get(f"/c/{case_id}/items").text
    assert f'href="/c/{case_id}/patterns"' in menu and f'href="/c/{case_id}/calls"' in menu
