"""The contact-pattern charts (``services.patterns.draw``), drawn by a child process
(``python -m spoorvast.dossier.charts``) so that matplotlib runs beside the preview
threads instead of competing with them for the interpreter lock.

The child reads only the counts, from a JSON file in the private scratch directory
(no evidence text), and writes the PNG and SVG files into the bundle's charts/ folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from spoorvast.services.patterns import Patterns

TIMEOUT_SECONDS = 120


def to_json(patterns: Patterns) -> dict[str, object]:
    return {"per_day": {d.isoformat(): dict(c) for d, c in patterns.per_day.items()},
            "heatmap": patterns.heatmap, "total": patterns.total,
            "first": patterns.first.isoformat() if patterns.first else None,
            "last": patterns.last.isoformat() if patterns.last else None}


def from_json(data: dict[str, object]) -> Patterns:
    per_day = data["per_day"]
    heatmap = data["heatmap"]
    assert isinstance(per_day, dict) and isinstance(heatmap, list)
    first, last = data.get("first"), data.get("last")
    return Patterns({date.fromisoformat(d): Counter(c) for d, c in per_day.items()},
                    heatmap, datetime.fromisoformat(str(first)) if first else None,
                    datetime.fromisoformat(str(last)) if last else None, int(str(data["total"])))


class Charts:
    """Start drawing now, collect the written paths later."""

    def __init__(self, patterns: Patterns | None, out: Path, title: str, language: str,
                 scratch: Path) -> None:
        self.out = out
        self._child: subprocess.Popen[bytes] | None = None
        if patterns is None or not patterns.total:
            return
        source = scratch / "patterns.json"
        source.write_text(json.dumps(to_json(patterns)), "utf-8")
        self._child = subprocess.Popen(
            [sys.executable, "-P", "-m", "spoorvast.dossier.charts", str(source), str(out), title,
             language], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def result(self) -> list[Path]:
        """The chart files, or none when drawing failed (the PDF then has no charts)."""
        if self._child is None:
            return []
        try:
            code = self._child.wait(TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            code = -1
        finally:
            self.close()
        return sorted(self.out.glob("*.*")) if code == 0 else []

    def close(self) -> None:
        if self._child is not None and self._child.poll() is None:
            self._child.kill()
            self._child.wait()
        self._child = None


def main(argv: list[str]) -> int:
    from spoorvast.i18n import set_language
    from spoorvast.services.patterns import draw

    source, out, title, language = argv
    set_language(language)
    draw(from_json(json.loads(Path(source).read_text("utf-8"))), Path(out), title)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
