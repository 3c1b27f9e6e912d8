"""Finding codes of the JSON, XML and CSV conversation importers (Telegram, Instagram /
Facebook, Discord, SMS Backup & Restore, call-log CSV). Messages hold no evidence
content: offsets, counts, zone names and pointers only."""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_

register_codes({
    "chat.layout-unknown": N_("The file is named like a WhatsApp export, but none of its "
                              "first lines has the shape of a message; it is kept "
                              "unchanged as a plain file. Its first lines: {lines}"),
    "chat.json-invalid": N_("The JSON is not valid at byte {offset}; the records before "
                            "that point were read, the rest is kept in the original."),
    "chat.not-an-export": N_("The file does not have the shape of a {format} export "
                             "({reason}); it is kept unchanged."),
    "chat.xml-refused": N_("The XML declares a DTD or entities ({reason}); it was not "
                           "read, to guard against entity-expansion attacks. The original "
                           "is kept."),
    "chat.xml-invalid": N_("The XML is not well-formed at line {line}, column {column}; "
                           "the records before that point were read, the rest is kept in "
                           "the original."),
    "chat.phone-offset": N_("The phone's own local dates (readable_date) agree with "
                            "{zone} for {agree} records and differ for {differ} (UTC "
                            "offsets seen: {offsets}); the UTC times were used."),
    "chat.mms-sender-unknown": N_("{where}: a received group MMS without its list of "
                                  "addresses names {count} numbers; which of them sent "
                                  "it is not known, so it has no sender."),
    "chat.attachment-undecodable": N_("{where}: an attachment could not be decoded; it is "
                                      "kept in the original."),
    "chat.utc-assumed": N_("The export's times carry no offset; they were read as UTC, "
                           "as this platform writes them."),
    "chat.newest-first": N_("The export lists messages newest first; they were stored in "
                            "time order, each pointing at its place in the file."),
    "chat.times-without-epoch": N_("{count} records have no Unix time; their local time "
                                   "was read in the case's time zone {zone}."),
})
