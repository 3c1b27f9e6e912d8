"""Finding codes of the conversation importers (messages hold no evidence content:
line numbers, JSON pointers, counts and names of rules only)."""

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
    "chat.date-order": N_("Dates were read as {order} ({rule})."),
    "chat.date-order-ambiguous": N_("No date in the export tells whether it is "
                                    "day/month or month/day; {order} was assumed. Check "
                                    "a few messages against the phone; if it is wrong, "
                                    "read the export again with spoorvast reread and "
                                    "--date-order."),
    "chat.date-order-zone": N_("{order} was assumed because dates are written that way "
                               "where the case's time zone {zone} is."),
    "chat.date-order-language": N_("{order} was assumed because the export's AM/PM words "
                                   "are those of a language that writes dates that way."),
    "chat.other-shape": N_("{count} lines (the first at {where}) start with a date and "
                           "time written differently from the export's messages; each was "
                           "read as part of the message before it. If some are messages of "
                           "their own, the export was edited or joined from two phones."),
    "chat.duplicate-id": N_("{where}: the message ID {id} was already read earlier in the "
                            "export; this record was kept as an event of its own too."),
    "chat.duplicate-id-more": N_("{count} more records repeat a message ID read earlier; "
                                 "each was kept as an event of its own."),
    "chat.truncated": N_("This export holds {count} messages; WhatsApp exports at most "
                         "about {limit} ({media}), keeping the most recent ones, so older "
                         "messages may be missing. Export again in parts, or keep the "
                         "phone's backup."),
    "chat.encoding": N_("Line or record {where} was not valid UTF-8; it was read as "
                        "{encoding}."),
    "chat.surrogates": N_("{where}: the text held invalid characters (lone surrogates); "
                          "they were replaced by U+FFFD in the event, the original is "
                          "unchanged."),
    "chat.attachment-missing": N_("{where}: the message names an attachment that is not "
                                  "in the export."),
    "chat.attachment-unreferenced": N_("The file {name} in the export is named by no "
                                       "message; it was stored as an attachment."),
    # without the name: findings stored before chat.zip-unsafe-entry
    "chat.zip-unsafe-name": N_("The archive holds an entry with an unsafe name (an "
                               "absolute path or '..'); it was not read."),
    "chat.zip-unsafe-entry": N_("The archive entry {name} has an unsafe name (an absolute "
                                "path or '..'); it was not read."),
    "chat.zip-too-big": N_("The archive entry {name} is too large or too highly "
                           "compressed (a possible zip bomb); it was not read."),
    "chat.escapes-repaired": N_("The JSON held {count} invalid \\x escapes (as some "
                                "exports do); they were read as \\u00XX."),
    "chat.json-truncated": N_("The JSON ends early (at byte {offset}); the messages "
                              "before that point were read."),
    "chat.mojibake-repaired": N_("{count} texts were stored as UTF-8 read as Latin-1 "
                                 "(mojibake) and were repaired; each event keeps the "
                                 "original string."),
    "chat.count-mismatch": N_("The export says it holds {expected} records, but "
                              "{found} were found."),
    "chat.own-messages-only": N_("This Discord data package holds only the account "
                                 "holder's own messages; the other side of the "
                                 "conversation is not in it."),
})
