"""One shared record that does not check never blocks a member's sync: it is refused
alone (nothing of it added), kept and logged once, named in the report and in the CLI's
words, tried again at every later sync, and the records after it still arrive."""

from __future__ import annotations

import io
import json
from pathlib import Path

from spoorvast.i18n import in_language
from spoorvast.services.sharing import sync
from spoorvast.services.verify import verify
from tests.sharing.conftest import Harness
from tests.sharing.test_capture_sync import two_vaults

LIE = "0" * 64


def _refusals(two: object) -> list[object]:
    vault, case = two.bo_vault, two.bo_case  # type: ignore[attr-defined]
    return [e for e in vault.store.custody(f"case-{case.id}") if e.action == "share.refused"]


def test_a_record_whose_bytes_differ_is_refused_alone_and_the_next_arrives(
        server: Harness, tmp_path: Path) -> None:
    with two_vaults(server, tmp_path) as two:
        text = b"Ann's note: the threats started on 3 March.\n"
        bad = two.owner.add_item("first.txt", "document", io.BytesIO(b"x" * 40), 40, "Ann",
                                 extra={"sha256": LIE})  # its record names other bytes
        two.owner.add_item("second.txt", "document", io.BytesIO(text), len(text), "Ann")

        report = sync.sync(two.bo_vault, two.bo_case, two.bo)
        assert report.refused == [(str(bad.record), "sha256_differs")]
        assert len(report.pulled) == 1  # the record after the bad one arrived
        items = two.bo_vault.store.items(two.bo_case.id or 0)
        assert len(items) == 1
        (kept,) = sync.refused_records(two.bo_vault, two.bo_case)
        assert (kept["record"], kept["why"], kept["seq"]) == (str(bad.record),
                                                              "sha256_differs", bad.seq)
        (logged,) = _refusals(two)
        assert logged.payload["record"] == str(bad.record)
        assert logged.payload["author_name"] == "Ann"
        assert logged.payload["why"] == "sha256_differs"
        checked = verify(two.bo_vault)
        assert checked.ok and checked.unreferenced_blobs == 0, checked.problems

        # tried again at the next sync: still refused, logged once, nothing added twice
        again = sync.sync(two.bo_vault, two.bo_case, two.bo)
        assert again.refused == [(str(bad.record), "sha256_differs")]
        assert again.pulled == []
        assert len(_refusals(two)) == 1
        assert len(two.bo_vault.store.items(two.bo_case.id or 0)) == 1
        (kept_again,) = sync.refused_records(two.bo_vault, two.bo_case)
        assert kept_again["first"] == kept["first"]


def test_a_refusal_that_no_longer_holds_is_forgotten(server: Harness,
                                                     tmp_path: Path) -> None:
    """A record refused by an earlier sync (an older app, a broken download) that now
    checks is added at the retry, once, and its refusal is let go."""
    with two_vaults(server, tmp_path) as two:
        text = b"Ann's note on the calls of 5 March.\n"
        added = two.owner.add_item("calls.txt", "document", io.BytesIO(text), len(text),
                                   "Ann")
        key = sync.setting_key(two.bo_case, "refused", str(added.seq))
        with two.bo_vault.store.transaction() as tx:
            tx.set_setting(key, json.dumps({"seq": added.seq, "record": str(added.record),
                                            "author": "x", "why": "sha256_differs",
                                            "first": "2026-03-05T10:00:00+01:00"}))
        link = sync.link_of(two.bo_vault, two.bo_case)
        assert link is not None
        link.cursor = added.seq  # as if the earlier sync had gone past it
        sync.save_link(two.bo_vault, two.bo_case, link)

        report = sync.sync(two.bo_vault, two.bo_case, two.bo)
        assert report.refused == [] and len(report.pulled) == 1
        assert sync.refused_records(two.bo_vault, two.bo_case) == []
        assert len(two.bo_vault.store.items(two.bo_case.id or 0)) == 1
        assert sync.sync(two.bo_vault, two.bo_case, two.bo).pulled == []


def test_the_cli_names_each_refused_record_in_words(capsys: object) -> None:
    from spoorvast.cli.cmd_share import _say_refused

    report = sync.SyncReport(refused=[
        ("0a1b2c3d-4e5f-6789-abcd-ef0123456789", "sha256_differs"),
        ("9f8e7d6c-4e5f-6789-abcd-ef0123456789", "capture_bundle_differs")])
    with in_language("nl"):
        _say_refused(report)
    said = capsys.readouterr().err  # type: ignore[attr-defined]
    assert "(sha256_differs, record 0a1b2c3d)" in said
    assert "Bij de volgende synchronisatie wordt het opnieuw geprobeerd." in said
    assert "Een webopname die een lid stuurde, klopt niet (capture_bundle_differs" in said
