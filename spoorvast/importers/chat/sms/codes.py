"""Finding codes of the SMS Backup & Restore XML reader.
Messages hold no evidence content (places, counts, zone names, names of rules);
the code strings are stored in vaults, so none may be renamed."""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_

register_codes({
    "chat.xml-refused": N_("The XML declares a DTD or entities ({reason}); it was not "
                           "read, to guard against entity-expansion attacks. The original "
                           "is kept."),
    "chat.xml-invalid": N_("The XML is not well-formed at line {line}, column {column}; "
                           "the records before that point were read, the rest is kept in "
                           "the original."),
    "chat.xml-token-too-long": N_("At byte {offset} the XML holds one tag or text longer "
                                  "than {limit}; the backup was not read further (the "
                                  "records before it were). The original is sealed "
                                  "whole."),
    "chat.phone-offset": N_("The phone's own local dates (readable_date) agree with "
                            "{zone} for {agree} records and differ for {differ} (UTC "
                            "offsets seen: {offsets}); the UTC times were used."),
    "chat.mms-sender-unknown": N_("{where}: a received group MMS without its list of "
                                  "addresses names {count} numbers; which of them sent "
                                  "it is not known, so it has no sender."),
    "chat.attachment-undecodable": N_("{where}: an attachment could not be decoded; it is "
                                      "kept in the original."),
})
