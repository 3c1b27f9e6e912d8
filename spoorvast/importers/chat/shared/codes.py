"""Finding codes every conversation format shares: accounting, local times,
encodings, safe zips, the JSON and text readers, attachments read beside an export.
Messages hold no evidence content (places, counts, zone names, names of rules);
the code strings are stored in vaults, so none may be renamed."""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_

register_codes({
    "chat.counts": N_("Read {read} lines or records: {events} events ({system} system "
                      "messages), {continued} continuation lines, {problems} not turned "
                      "into an event (each has its own finding)."),
    "chat.unreadable": N_("Line or record {where} could not be read as a message "
                          "({reason}); it is kept in the original."),
    "chat.unreadable-more": N_("{count} more lines or records could not be read (the "
                               "first at {where}); they are kept in the original."),
    "chat.zone-assumed": N_("The export shows local times without an offset; they were "
                            "read in the case's time zone {zone}."),
    "chat.dst-gap": N_("{where}: the local time {time} does not exist in {zone} (clocks "
                       "moved forward); read with the offset before the change."),
    "chat.dst-overlap": N_("{where}: the local time {time} happened twice in {zone} "
                           "(clocks moved back); the {which} occurrence was chosen from "
                           "the order of the messages."),
    "chat.duplicate-id": N_("{where}: the message ID {id} was already read earlier in the "
                            "export; this record was kept as an event of its own too."),
    "chat.duplicate-id-more": N_("{count} more records repeat a message ID read earlier; "
                                 "each was kept as an event of its own."),
    "chat.encoding": N_("Line or record {where} was not valid UTF-8; it was read as "
                        "{encoding}."),
    "chat.surrogates": N_("{where}: the text held invalid characters (lone surrogates); "
                          "they were replaced by U+FFFD in the event, the original is "
                          "unchanged."),
    "chat.attachment-missing": N_("{where}: the message names an attachment that is not "
                                  "in the export."),
    # without the name: findings stored before chat.zip-unsafe-entry
    "chat.zip-unsafe-name": N_("The archive holds an entry with an unsafe name (an "
                               "absolute path or '..'); it was not read."),
    "chat.zip-unsafe-entry": N_("The archive entry {name} has an unsafe name (an absolute "
                                "path or '..'); it was not read."),
    "chat.zip-too-big": N_("The archive entry {name} is too large or too highly "
                           "compressed (a possible zip bomb); it was not read."),
    "chat.zip-entry-unreadable": N_("The archive entry {name} could not be read "
                                    "({reason}); it was not read. The archive is kept "
                                    "whole in the original."),
    "chat.zip-too-many-entries": N_("The archive holds {count} entries; only the first "
                                    "{limit} were looked at. The archive is kept whole in "
                                    "the original."),
    "chat.escapes-repaired": N_("The JSON held {count} invalid \\x escapes (as some "
                                "exports do); they were read as \\u00XX."),
    "chat.json-truncated": N_("The JSON ends early (at byte {offset}); the messages "
                              "before that point were read."),
    "chat.json-invalid": N_("The JSON is not valid at byte {offset}; the records before "
                            "that point were read, the rest is kept in the original."),
    "chat.json-read-whole": N_("The export was read whole, not in blocks: its layout is "
                               "not the indented one {program} writes. The events are the "
                               "same; a very large export in this layout needs much "
                               "memory."),
    "chat.not-an-export": N_("The file does not have the shape of a {format} export "
                             "({reason}); it is kept unchanged."),
    "chat.count-mismatch": N_("The export says it holds {expected} records, but "
                              "{found} were found."),
    "chat.line-cut": N_("{where} is {size} long; only its first {limit} were read into "
                        "the message. The original is sealed whole."),
    "chat.attachment-refused": N_("{where}: the file the message names was not read "
                                  "({reason}); only regular files inside the export's "
                                  "folder are read."),
    "chat.attachments-more": N_("{count} more attachments were missing or not read (the "
                                "first at {where}); each is still named on its message."),
    "chat.attachments-read": N_("{count} attachment files were read from the folder of "
                                "the export and stored in the vault."),
})
