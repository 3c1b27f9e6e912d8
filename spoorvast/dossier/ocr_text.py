"""The text read from a picture (OCR) for the PDF: the chat messages the reading found,
with their side, the time and day as printed on the screenshot and the region of the
picture they came from; otherwise the plain text. The stored OCR document is an
external format here (see :mod:`spoorvast.analysis.ocr.document`): every field is
optional. The picture is the evidence; the PDF says the text was read by a machine.
"""

from __future__ import annotations

from typing import Any

from spoorvast.dossier.model import InfoSection
from spoorvast.dossier.pdf_text import short
from spoorvast.dossier.sections import load_json
from spoorvast.i18n import N_, _
from spoorvast.model.records import Artifact, ArtifactRole
from spoorvast.storage.vault import Vault

TEXT_LIMIT = 8000
MESSAGE_LIMIT = 1500
MAX_MESSAGES = 400
SIDES = {"left": N_("received (left)"), "right": N_("sent (right)")}


def _region(value: object) -> str:
    if isinstance(value, list) and len(value) == 4 and all(isinstance(v, int) for v in value):
        x, y, w, h = value
        return _("region x {x}, y {y}, {w} × {h} px").format(x=x, y=y, w=w, h=h)
    return ""


def _raw(value: object) -> str:
    return str(value.get("raw") or "") if isinstance(value, dict) else ""


def _message(entry: Any) -> str:
    if not isinstance(entry, dict):
        return ""
    side = str(entry.get("side") or "")
    when = " ".join(x for x in (_raw(entry.get("day")), _raw(entry.get("time"))) if x)
    head = " · ".join(x for x in (_(SIDES[side]) if side in SIDES else "",
                                  _("time on the screenshot: {time}").format(time=when)
                                  if when else _("no time on the screenshot"),
                                  _region(entry.get("region"))) if x)
    return f"{head}: {short(str(entry.get('text') or ''), MESSAGE_LIMIT)}"


def ocr_section(data: Any) -> InfoSection | None:
    if not isinstance(data, dict):
        return None
    engine = str(data.get("engine") or "OCR")
    intro = _("Read by a machine ({engine}); reading errors are possible. The picture is "
              "the evidence.").format(engine=engine)
    messages = data.get("messages")
    if isinstance(messages, list) and messages:
        lines = [m for m in (_message(e) for e in messages[:MAX_MESSAGES]) if m]
        if len(messages) > MAX_MESSAGES:
            lines.append(_("{n} more messages are in the OCR file in the bundle.").format(
                n=len(messages) - MAX_MESSAGES))
        return InfoSection(_("Messages read from the picture (OCR)"), (), (intro, *lines))
    text = str(data.get("text") or "").strip()
    if not text:
        return None
    shown = text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + "…"
    return InfoSection(_("Text read from the picture (OCR)"), (), (intro, shown))


def ocr_sections(vault: Vault, artifacts: tuple[Artifact, ...]) -> tuple[InfoSection, ...]:
    """The latest OCR reading of the item's picture, if any."""
    readings = [a for a in artifacts if a.role is ArtifactRole.OCR_TEXT]
    if not readings:
        return ()
    section = ocr_section(load_json(vault, readings[-1]))
    return (section,) if section is not None else ()
