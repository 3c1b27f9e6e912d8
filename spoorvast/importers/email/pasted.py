"""Pasted header text: stored exactly as typed, analysed, labelled "copy, not original".

Headers copied out of a mail client are a transcription: they show what the user
copied, and nothing proves they are the message's own. The item says so (a Finding and
``"copy": true`` in the analysis JSON); the analysis is the same as for an .eml.
"""

from __future__ import annotations

from spoorvast.analysis.email.analyse import Options
from spoorvast.findings import register_codes
from spoorvast.i18n import N_
from spoorvast.importers.base import ImportContext, ItemDraft
from spoorvast.importers.email.common import MessageInput, message_draft
from spoorvast.model.records import Artifact, Location, Problem, Severity

IMPORTER = "email-headers"
NAME = "pasted-headers.txt"
TITLE = N_("Pasted e-mail headers (copy, not original)")

register_codes({
    "email.pasted-copy": N_(
        "These headers were pasted or typed: a copy, not the original message. They are "
        "stored exactly as given; for proof, also add the message itself (.eml, .msg)."),
})


def pasted_draft(context: ImportContext, data: bytes, original: Artifact,
                 title: str) -> ItemDraft:
    notice = Problem(Severity.INFO, "email.pasted-copy", (),
                     Location(artifact_sha256=original.sha256))
    message = MessageInput(data, original, title, IMPORTER, extra={"copy": True},
                           problems=[notice], mime=False)
    options = Options(context.case_zone, verify_signatures=False, pasted=True)
    return message_draft(context, message, options)
