"""Finding codes of the call-log CSV reader.
Messages hold no evidence content (places, counts, zone names, names of rules);
the code strings are stored in vaults, so none may be renamed."""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_

register_codes({
    "chat.csv-row-too-long": N_("{where} is longer than {limit}; the file was not read "
                                "further (the rows before it were). The original is "
                                "sealed whole."),
    "chat.csv-record-spans-lines": N_("The record that starts at {where} runs over {lines} "
                                      "lines (a quote that is never closed?); they were "
                                      "read as one record. The original is sealed "
                                      "whole."),
})
