"""Where an mbox import's time goes, per message: CPU time of each stage, measured by
wrapping the stage's function (thread CPU time, so a stage waiting for the disk counts
only what it computed). Stages nest: ``message_drafts`` holds ``analyse`` (or
``message_facts``), ``identifiers`` (with ``in_text``) and ``read_parts``;
``intake._write`` holds the ``tx.*`` calls, and ``tx.add_item`` its ``tx.add_artifact``
and ``tx.log``.

    .venv/bin/python benchmarks/mbox_stages.py [--messages 2000] [--db-only]

``--db-only``: the generic database work alone. The drafts of the import are kept (their
events read), then written again into a fresh vault by ``intake._write`` in one bulk
transaction (as a batch does), best of three, without parsing or sealing: CPU per item.

Synthetic messages (those of ``mbox_scale.py``); prints the bare
``BytesParser(policy=default)`` CPU per message in the same run for scale. Not a test.

Measured 2026-12-08 on the shared 2-core machine (load average 5 to 19: CPU times
swing by a third between runs; A/B interleaved, the checkout before and after a bulk
transaction held back custody rows and the events of new items, written many items at a
time): ``--db-only --messages 3000``, ms CPU per item, best of 3, three pairs:
1.034 -> 0.891, 1.443 -> 0.732, 1.312 -> 0.648 (FTS5 indexed each e-mail's one-row
insert as a segment of its own: 170 µs a row, 72 µs a hundred at a time).
``mbox_scale.py --messages 10000``, three interleaved rounds, import CPU
40.95 / 41.07 / 44.41 s -> 35.41 / 33.70 / 32.49 s (0.86, 0.82, 0.73; median ratio to
the bare parse 6.11x -> 4.75x).
"""

from __future__ import annotations

import argparse
import collections
import functools
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import mbox_scale

spent: collections.Counter[str] = collections.Counter()
calls: collections.Counter[str] = collections.Counter()


def _wrap(owner: Any, name: str, label: str) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += time.thread_time() - start
            calls[label] += 1

    setattr(owner, name, timed)


def _instrument() -> None:
    import spoorvast.importers.email.common as common
    import spoorvast.services.intake as intake
    import spoorvast.storage.blobs as blobs
    import spoorvast.storage.sqlite as sqlite

    for name in ("message_drafts", "analyse", "message_facts", "read_parts", "report_bytes",
                 "identifiers", "in_text"):
        _wrap(common, name, name)
    import spoorvast.importers.email.mbox as mbox  # after: it takes message_drafts

    _wrap(mbox, "span", "mbox index (span)")
    for name in ("add_item", "add_artifact", "add_finding", "add_identifier", "add_events",
                 "log"):
        _wrap(sqlite.SqliteTransaction, name, f"tx.{name}")
    _wrap(blobs.BlobStore, "ingest", "blob ingest (seal)")
    _wrap(blobs.BlobStore, "ingest_range", "blob ingest_range (seal)")
    _wrap(intake, "_write", "intake._write")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--db-only", action="store_true")
    args = parser.parse_args()
    if args.db_only:
        db_only(args.messages)
        return
    _instrument()
    from spoorvast.importers.registry import builtin_registry
    from spoorvast.services.intake import add_paths
    from spoorvast.storage.vault import open_vault

    work = Path(tempfile.mkdtemp(prefix="spoorvast-mbox-stages-"))
    try:
        path = work / "takeout.mbox"
        blobs = mbox_scale.write_mbox(path, args.messages)
        _wall, base_cpu = mbox_scale.baseline(blobs)
        vault = open_vault(mbox_scale.new_vault(work / "vault"), mbox_scale.PASSPHRASE)
        case, registry = vault.store.cases()[0], builtin_registry()
        start = time.process_time()
        add_paths(vault, case, [path], registry)
        total = time.process_time() - start
        vault.close()
        count = args.messages
        print(f"{count} messages: BytesParser(policy=default) {base_cpu / count * 1e3:.3f} "
              f"ms CPU/msg; import {total / count * 1e3:.3f} ms CPU/msg "
              f"({total / base_cpu:.1f}x)")
        for label, seconds in spent.most_common():
            print(f"  {label:22s} {seconds / count * 1e3:6.3f} ms/msg  ({calls[label]} calls)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def db_only(count: int) -> None:
    import dataclasses

    import spoorvast.services.intake as intake
    from spoorvast.importers.registry import builtin_registry
    from spoorvast.storage.vault import open_vault

    drafts: list[Any] = []
    original = intake._write

    def keep(tx: Any, draft: Any, case: Any, at: Any, store: Any) -> Any:
        draft.events = list(draft.events)
        item = original(tx, draft, case, at, store)
        drafts.append((dataclasses.replace(draft, events=list(draft.events)), at))
        return item

    intake._write = keep  # type: ignore[assignment]
    work = Path(tempfile.mkdtemp(prefix="spoorvast-mbox-db-"))
    try:
        path = work / "takeout.mbox"
        mbox_scale.write_mbox(path, count)
        vault = open_vault(mbox_scale.new_vault(work / "vault"), mbox_scale.PASSPHRASE)
        intake.add_paths(vault, vault.store.cases()[0], [path], builtin_registry())
        vault.close()
        intake._write = original  # type: ignore[assignment]
        best = float("inf")
        for round_ in range(3):
            vault = open_vault(mbox_scale.new_vault(work / f"again{round_}"),
                               mbox_scale.PASSPHRASE)
            case = vault.store.cases()[0]
            start = time.process_time()
            with vault.store.transaction(bulk=True) as tx:
                for draft, at in drafts:
                    original(tx, draft, case, at, vault.store)
            best = min(best, time.process_time() - start)
            vault.close()
        print(f"{len(drafts)} items: intake._write + COMMIT {best / len(drafts) * 1e3:.3f} "
              "ms CPU/item (best of 3)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
