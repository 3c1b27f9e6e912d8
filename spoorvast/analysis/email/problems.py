"""Finding codes of the e-mail analysis and importers, and Problem helpers.

Parameters hold places (line, byte range, header name, counts), never content.
"""

from __future__ import annotations

from spoorvast.analysis.email.headers import HeaderBlock, RawHeader
from spoorvast.analysis.email.words import decode_words
from spoorvast.findings import register_codes
from spoorvast.i18n import N_
from spoorvast.model.records import Location, Problem, Severity

register_codes({
    "email.header-not-a-field": N_(
        "Header line {line} is not a header field; a standard e-mail parser would have "
        "moved it and every later header into the body. It was kept and skipped."),
    "email.header-continuation-first": N_(
        "Header line {line} is a continuation line without a header before it."),
    "email.no-body-separator": N_(
        "The header has no empty line after it: there is no body, or the text was cut."),
    "email.header-8bit": N_(
        "The {field} header (line {line}) holds raw 8-bit bytes, which the standard does "
        "not allow; they are shown as UTF-8 (or Latin-1 if they are not UTF-8)."),
    "email.header-encoding-bad": N_(
        "The {field} header (line {line}) has an encoded part that cannot be decoded; "
        "it is shown as written."),
    "email.date-missing": N_("The message has no Date header."),
    "email.date-unparsable": N_("The {field} header (line {line}) is not a date we can read."),
    "email.date-invalid": N_(
        "The {field} header (line {line}) names a date that does not exist."),
    "email.date-no-zone": N_(
        "The {field} header (line {line}) has no time zone; the case time zone was "
        "assumed."),
    "email.date-unknown-zone": N_(
        "The {field} header (line {line}) has a time zone that is unknown or ambiguous; "
        "it was read as UTC, as the e-mail standard (RFC 5322) says, so the sender's own "
        "time zone is not known."),
    "email.date-zone-unknown-utc": N_(
        "The {field} header (line {line}) is in UTC with “-0000”: the sender's own time "
        "zone is not known."),
    "email.received-unparsed": N_(
        "Received header {hop} (line {line}) could not be understood; it is kept as "
        "written."),
    "email.received-no-date": N_(
        "Received header {hop} (line {line}) has no readable date; its delay is unknown."),
    "email.address-odd": N_(
        "The {field} header (line {line}) holds an address that is malformed or "
        "ambiguous; the real mailbox is shown next to the display name."),
    "email.from-missing": N_("The message has no From header."),
    "email.no-received": N_(
        "There are no Received headers: this is not a message as delivered (a draft, a "
        "sent item, a forward or copied headers), so the sending server cannot be read "
        "from it."),
    "email.pasted-chrome": N_(
        "Line {line} of the pasted text is not part of the header (page text copied with "
        "it); it was skipped."),
    "email.folding-restored": N_(
        "Line {line} of the pasted text lost its indentation; it was read as the "
        "continuation of the header field above it."),
    "email.mime-defect": N_("The MIME structure has a defect ({defect}); it was read as far "
                            "as possible."),
    "email.part-undecodable": N_("Part {part} of the message ({type}) could not be "
                                 "decoded from its transfer encoding; it is kept as written "
                                 "in the original message only."),
})

_HEADER_DEFECTS = {"not-a-field": "email.header-not-a-field",
                   "continuation-first": "email.header-continuation-first",
                   "no-body-separator": "email.no-body-separator",
                   "pasted-chrome": "email.pasted-chrome",
                   "folding-restored": "email.folding-restored"}
_INFO_DEFECTS = ("no-body-separator", "pasted-chrome", "folding-restored")


def problem(severity: Severity, code: str, sha: str, field: RawHeader | None = None,
            where: tuple[int, int, int] | None = None,
            params: tuple[tuple[str, str], ...] = ()) -> Problem:
    if field is not None:
        where = (field.line, field.start, field.end)
        params = (("field", field.name), *params)
    if where is None:
        return Problem(severity, code, params, Location(artifact_sha256=sha))
    line, start, end = where
    location = Location(artifact_sha256=sha, line=line, byte_start=start, byte_end=end,
                        field=field.name if field else None)
    return Problem(severity, code, (*params, ("line", str(line))), location)


def header_problems(block: HeaderBlock, sha: str) -> list[Problem]:
    found = []
    for defect in block.defects:
        severity = Severity.INFO if defect.code in _INFO_DEFECTS else Severity.WARNING
        found.append(problem(severity, _HEADER_DEFECTS[defect.code], sha, None,
                             (defect.line, defect.start, defect.end)))
    for field in block.fields:
        if field.eight_bit:
            found.append(problem(Severity.INFO, "email.header-8bit", sha, field))
        if b"=?" in field.raw and decode_words(field.value).bad:
            found.append(problem(Severity.INFO, "email.header-encoding-bad", sha, field))
    if not block.all("Received") and block.fields:
        found.append(problem(Severity.INFO, "email.no-received", sha))
    return found
