"""Finding codes of the size caps on hostile chat files (issue 22, W9): a line, an XML
token or a CSV row too long to read whole. The original stays sealed whole; the finding
names the place."""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_

register_codes({
    "chat.line-cut": N_("{where} is {size} long; only its first {limit} were read into "
                        "the message. The original is sealed whole."),
    "chat.xml-token-too-long": N_("At byte {offset} the XML holds one tag or text longer "
                                  "than {limit}; the backup was not read further (the "
                                  "records before it were). The original is sealed "
                                  "whole."),
    "chat.csv-row-too-long": N_("{where} is longer than {limit}; the file was not read "
                                "further (the rows before it were). The original is "
                                "sealed whole."),
})
