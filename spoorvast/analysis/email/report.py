"""The analysis as a JSON document: stored as an ANALYSIS artifact next to the original.

It carries the SHA-256 of the bytes it describes, the pinned Public Suffix List version,
the structured analysis and the plain-language verdict in every language.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from spoorvast import __version__
from spoorvast.analysis.email.analyse import EmailAnalysis
from spoorvast.analysis.email.psl import psl_version
from spoorvast.analysis.email.verdict import verdicts

FORMAT = "spoorvast.email-analysis/1"


def report(analysis: EmailAnalysis, zone: str,
           extra: Mapping[str, object] | None = None) -> dict[str, object]:
    """The document; the analysis dataclasses are serialised by orjson as they are."""
    return {
        "format": FORMAT, "tool": f"spoorvast {__version__}",
        "source_sha256": analysis.sha256, "case_zone": zone,
        "public_suffix_list": psl_version(), **(extra or {}),
        "analysis": analysis, "verdict": verdicts(analysis, zone),
    }


def report_bytes(analysis: EmailAnalysis, zone: str,
                 extra: Mapping[str, object] | None = None) -> bytes:
    return orjson.dumps(report(analysis, zone, extra), option=orjson.OPT_INDENT_2)
