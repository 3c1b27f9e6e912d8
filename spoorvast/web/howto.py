"""The checklist's "How to get it" in the browser: what to do, in words, and a link to
the page whose form does it. No terminal command: the CLI has its own wording
(:data:`spoorvast.guidance.HOWTO`)."""

from __future__ import annotations

from dataclasses import dataclass

from spoorvast.i18n import N_


@dataclass(frozen=True, slots=True)
class HowTo:
    text: str  # marked with N_, translated where shown
    page: str  # path under /c/<case id>/
    link: str  # the link's words (N_)


CAPTURE, ADD, PEOPLE = "capture", "add", "parties"
CAPTURE_LINK, ADD_LINK = N_("Capture a page"), N_("Add files")
PEOPLE_LINK = N_("Add it on the People page")

HOWTO = {
    "url": HowTo(N_("Open the page in your browser and copy the whole address from the "
                    "address bar. Easiest: capture the page here; the address, the page and "
                    "a screenshot are kept together."), CAPTURE, CAPTURE_LINK),
    "account-id": HowTo(N_("Names can change; the number behind an account does not. "
                           "Capture the profile page: the ID is read from the page when it "
                           "is there. Or add the account and its ID to the suspect on the "
                           "People page."), PEOPLE, PEOPLE_LINK),
    "screenshot": HowTo(N_("Take a screenshot where the address, the date and time and the "
                           "sender are visible, and add it. Capturing a page makes one "
                           "automatically."), ADD, ADD_LINK),
    "victim-email": HowTo(N_("Add yourself as the victim on the People page, then your own "
                             "e-mail address."), PEOPLE, PEOPLE_LINK),
    "observed-at": HowTo(N_("Write down what you saw and when, as soon as possible: a note "
                            "of the kind \"Observation\"."), "notes", N_("Write a note")),
    "traces": HowTo(N_("Photograph what the stalker left (messages, objects, damage) and "
                       "add the photos. Keep the original photo files."), ADD, ADD_LINK),
    "conversations": HowTo(N_("Export the chat instead of photographing it. WhatsApp: open "
                              "the chat, ⋮ or the name › More › Export chat › Include media, "
                              "save the .zip and add it. Telegram Desktop: ⋮ › Export chat "
                              "history › JSON. Instagram/Facebook: Accounts Center › Your "
                              "information and permissions › Download your information › "
                              "JSON."), ADD, ADD_LINK),
    "emails": HowTo(N_("Forwarding destroys the header. Save the message itself (Gmail: ⋮ › "
                       "Download message; Outlook: File › Save As; Apple Mail: File › Save "
                       "As › Raw Message Source) and add the file. If you can only copy the "
                       "header (Gmail: ⋮ › Show original; Outlook: File › Properties › "
                       "Internet headers), paste it."), "headers", N_("Paste e-mail headers")),
    "actions": HowTo(N_("Describe what you did at the suspect's request: what, when, money "
                        "or pictures sent, to which account, the amount and the currency. "
                        "Choose \"Something the suspect made me do\" as the kind of note."),
                     "notes", N_("Write a note")),
    "suspect-emails": HowTo(N_("Add every address the suspect used. Addresses found in "
                               "added e-mails are proposed to you on the People page."),
                            PEOPLE, PEOPLE_LINK),
    "suspect-profile": HowTo(N_("Capture the suspect's profile pages, then link the accounts "
                                "to the suspect on the People page."), CAPTURE, CAPTURE_LINK),
    "suspect-phones": HowTo(N_("Add the suspect's numbers. Numbers in added chats and call "
                               "logs are proposed to you on the People page."),
                            PEOPLE, PEOPLE_LINK),
    "called-number": HowTo(N_("Write down the call with its time, tick \"number hidden\" if "
                              "it was, and give your own number that was called. The police "
                              "can ask the operator who called at that time."),
                           "calls", N_("Add a call")),
    "recordings": HowTo(N_("If you recorded calls or voice messages, add the audio files. "
                           "Keep the original files unchanged."), ADD, ADD_LINK),
    "calls": HowTo(N_("Add your call log (Android: an app such as SMS Backup & Restore "
                      "saves the calls as .xml; iPhone: screenshots of Recents with the "
                      "dates visible), or write down each call."), "calls", N_("Add a call")),
}
