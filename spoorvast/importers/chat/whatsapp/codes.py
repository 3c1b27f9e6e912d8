"""Finding codes of the WhatsApp export reader: the file's layout, its day/month
order, header lines of another shape, the export's own size limit.
Messages hold no evidence content (places, counts, zone names, names of rules);
the code strings are stored in vaults, so none may be renamed."""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_

register_codes({
    "chat.layout-unknown": N_("The file is named like a WhatsApp export, but none of its "
                              "first lines has the shape of a message; it is kept "
                              "unchanged as a plain file. Its first lines: {lines}"),
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
    "chat.truncated": N_("This export holds {count} messages; WhatsApp exports at most "
                         "about {limit} ({media}), keeping the most recent ones, so older "
                         "messages may be missing. Export again in parts, or keep the "
                         "phone's backup."),
    "chat.possible-marker": N_("{count} messages (the first at {where}) have the shape of "
                               "a text WhatsApp writes itself (a media, deleted or edited "
                               "marker, a notice) in a language its table does not hold; each was "
                               "kept as its sender's message and marked as a possible "
                               "marker. Check them against the phone before reading them "
                               "as the sender's words."),
    "chat.attachment-unreferenced": N_("The file {name} in the export is named by no "
                                       "message; it was stored as an attachment."),
})
