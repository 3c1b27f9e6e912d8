"""For the PDF: how a missing checklist element can still be obtained, in words for an
officer (the application's own how-to texts name terminal commands, which mean
nothing in a document for the police)."""

from __future__ import annotations

from spoorvast.i18n import N_

OBTAIN = {
    "url": N_("The victim can open the page and copy its full address; the platform can "
              "confirm it."),
    "account-id": N_("The platform can give the account's numeric ID, which does not "
                     "change when the name does; the victim can also save the profile "
                     "page, whose source often contains it."),
    "screenshot": N_("The victim can take a screenshot showing the address, the date and "
                     "time and the sender."),
    "victim-email": N_("Ask the victim for the e-mail address on which the messages were "
                       "received."),
    "observed-at": N_("Ask the victim to write down what was seen and when, as precisely as "
                      "possible."),
    "traces": N_("The victim can photograph what the stalker left (messages, objects, "
                 "damage) and keep the original photo files."),
    "conversations": N_("The victim can export the chat from the app (with dates and times) "
                        "instead of photographing it."),
    "emails": N_("The victim can save the suspect's e-mails as files with their full "
                 "header (for example .eml); a forwarded e-mail loses it."),
    "actions": N_("Ask the victim what was done at the suspect's request: what, when, "
                  "money or images sent, to which account."),
    "suspect-emails": N_("Ask the victim which e-mail addresses the suspect used."),
    "suspect-profile": N_("The suspect's profile pages can be saved, and the platform can be "
                          "asked for the account data."),
    "suspect-phones": N_("Ask the victim which phone numbers the suspect used; the operator "
                         "can be asked who holds them."),
    "called-number": N_("For a call from a hidden number: note the time of the call and the "
                        "victim's number that was called; the operator can say who called "
                        "at that time."),
    "recordings": N_("If the victim recorded calls or voice messages, the original audio "
                     "files can be added unchanged."),
    "calls": N_("The victim can export the phone's call list, or show it; the operator can "
                "give the list of incoming calls."),
}
