"""Running a chat importer directly, without a vault (sealing is recorded in memory)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from spoorvast.importers.base import ImportContext, ItemDraft, Source
from spoorvast.importers.chat.shared.accounting import counts_of
from spoorvast.model import instant
from spoorvast.model.message_run import each_event
from spoorvast.model.records import Artifact, ArtifactRole

ZONE = "Europe/Brussels"


@dataclass
class Sealed:
    files: dict[str, bytes] = field(default_factory=dict)

    def __call__(self, data: bytes, role: ArtifactRole, name: str, media_type: str,
                 derived_from: str | None) -> Artifact:
        sha = hashlib.sha256(data).hexdigest()
        self.files[name] = data
        return Artifact(None, None, role, media_type, len(data), sha, name,
                        instant.now(ZONE), derived_from)


def source_for(path: Path) -> Source:
    data = path.read_bytes()
    original = Artifact(None, None, ArtifactRole.ORIGINAL, "text/plain", len(data),
                        hashlib.sha256(data).hexdigest(), path.name, instant.now(ZONE))
    return Source(path, path.name, "text/plain", data[:65536], path.stat(), original)


def run(importer: object, path: Path, zone: str = ZONE) -> tuple[ItemDraft, Sealed]:
    sealed = Sealed()
    context = ImportContext(1, zone, instant.now(zone), sealed)
    source = source_for(path)
    assert importer.detect(source)  # type: ignore[attr-defined]
    drafts = list(importer.read(context, source))  # type: ignore[attr-defined]
    assert len(drafts) == 1
    drafts[0].events = list(each_event(drafts[0].events))  # parsed now, as the intake does
    return drafts[0], sealed


def counts(draft: ItemDraft) -> dict[str, int]:
    return counts_of(draft.problems)


def closes(draft: ItemDraft) -> bool:
    c = counts(draft)
    return c["read"] == c["events"] + c["continued"] + c["problems"] and c["events"] == len(
        draft.events)


def codes(draft: ItemDraft) -> list[str]:
    return [p.code for p in draft.problems]


_PEAK = """
import importlib, sys
from pathlib import Path
from spoorvast.importers.base import ImportContext, Source
from spoorvast.model import instant
from spoorvast.model.message_run import count_of
from spoorvast.model.records import Artifact, ArtifactRole
from tests.chat.helpers import Sealed
module, name = sys.argv[3].split(":")
importer = getattr(importlib.import_module(module), name)(whole=sys.argv[2] == "whole")
path = Path(sys.argv[1])
head = path.open("rb").read(65536)
original = Artifact(None, None, ArtifactRole.ORIGINAL, "application/json",
                    path.stat().st_size, "0" * 64, path.name, instant.now("UTC"))
source = Source(path, path.name, "application/json", head, path.stat(), original)
context = ImportContext(1, "Europe/Brussels", instant.now("Europe/Brussels"), Sealed())
draft = next(importer.read(context, source))
count = sum(map(count_of, draft.events))
status = open("/proc/self/status").read()
peak = [line for line in status.splitlines() if line.startswith("VmHWM:")][0]
print(count, int(peak.split()[1]) // 1024)
"""


def peak_memory(path: Path, importer: str, mode: str) -> tuple[int, int]:
    """Events read from ``path`` and the peak RSS (MB) of a fresh interpreter that reads
    them with ``importer`` ("module:Class", made with ``whole=`` mode == "whole"), its
    events taken one at a time as the intake does."""
    out = subprocess.run([sys.executable, "-c", _PEAK, str(path), mode, importer],
                         check=True, capture_output=True, text=True,
                         cwd=Path(__file__).parents[2]).stdout.split()
    return int(out[0]), int(out[1])
