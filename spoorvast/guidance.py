"""Guidance texts: what each checklist element means, how to get it, advice and help.

Everything here is marked for translation (``N_``) and shown with ``_()`` in the
reader's language. Help lines are only those published by an official source, with
that source named; phone numbers are free in Belgium unless said otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from spoorvast.i18n import N_

TITLES = {
    "url": N_("Exact internet address (URL) of the site, account or profile"),
    "account-id": N_("Unique ID of the account or profile (not only its name)"),
    "screenshot": N_("Screenshot of the page or post"),
    "victim-email": N_("Your own e-mail address"),
    "observed-at": N_("Exact date and time of each observation"),
    "traces": N_("Photos or screenshots of the traces the stalker left"),
    "conversations": N_("Date, time and time zone of the conversations with the suspect"),
    "emails": N_("The suspect's e-mails, with their full header"),
    "actions": N_("What you did because the suspect asked you to"),
    "suspect-emails": N_("E-mail addresses the suspect used"),
    "suspect-profile": N_("The suspect's profile data"),
    "suspect-phones": N_("Phone numbers the suspect used"),
    "called-number": N_("If the caller's number was hidden: the time, and your number that "
                        "was called"),
    "recordings": N_("Recordings of phone calls, if you have any"),
    "calls": N_("Date, time and number of each call you received"),
}

HOWTO = {
    "url": N_("Open the page in your browser, click the address bar and copy the whole "
              "address. Easiest: spoorvast capture URL keeps the address, the page and a "
              "screenshot together."),
    "account-id": N_("Names can change; the number behind an account does not. Capture the "
                     "profile page with spoorvast capture: the ID is read from the page when "
                     "it is there. Instagram and Facebook: the page source contains "
                     "\"profile_id\" or \"userID\"; X/Twitter: \"rest_id\"; TikTok: "
                     "\"authorId\"; Telegram and Discord: the numeric user ID in a data "
                     "export. Add it with spoorvast party id add."),
    "screenshot": N_("Take a screenshot where the address, the date and time and the sender "
                     "are visible, then add it with spoorvast add. A capture with "
                     "spoorvast capture makes one automatically."),
    "victim-email": N_("Add your own e-mail address to yourself as the victim: spoorvast "
                       "party add victim \"your name\" and spoorvast party id add … --email."),
    "observed-at": N_("Write down what you saw and when, as soon as possible: spoorvast note "
                      "add --kind observation --at \"2026-03-04 21:00\" \"what I saw\"."),
    "traces": N_("Photograph what the stalker left (messages, objects, damage) and add the "
                 "photos with spoorvast add. Keep the original photo files."),
    "conversations": N_("Export the chat instead of photographing it. WhatsApp: open the chat, "
                        "⋮ or the name › More › Export chat › Include media, save the .zip "
                        "and add it. Telegram Desktop: ⋮ › Export chat history › JSON. "
                        "Instagram/Facebook: Accounts Center › Your information and "
                        "permissions › Download your information › JSON."),
    "emails": N_("Forwarding destroys the header. Save the message itself: Gmail: ⋮ › "
                 "Download message (.eml). Outlook: File › Save As (.msg) or drag the mail "
                 "to a folder. Apple Mail: File › Save As › Raw Message Source. Then "
                 "spoorvast add the file. If you can only copy the header: Gmail ⋮ › Show "
                 "original; Outlook: File › Properties › Internet headers; then spoorvast "
                 "add-headers."),
    "actions": N_("Describe what you did at the suspect's request: what, when, money or "
                  "images sent, to which account, in which currency: spoorvast note add "
                  "--kind requested-action …"),
    "suspect-emails": N_("Add every address the suspect used: spoorvast party id add X "
                         "--email address. Addresses found in imported e-mails are proposed "
                         "to you automatically."),
    "suspect-profile": N_("Capture the suspect's profile pages (spoorvast capture URL) and "
                          "link the accounts to the suspect with spoorvast party id add."),
    "suspect-phones": N_("Add the suspect's numbers: spoorvast party id add X --phone "
                         "\"+32 470 12 34 56\". Numbers in imported chats and call logs are "
                         "proposed to you."),
    "called-number": N_("Note the time of the call and add your own number to yourself as "
                        "the victim (spoorvast party id add … --phone). The police can ask "
                        "the operator who called at that time."),
    "recordings": N_("If you recorded calls or voice messages, add the audio files with "
                     "spoorvast add. Keep the original files unchanged."),
    "calls": N_("Export your call log. Android: with an app such as SMS Backup & Restore "
                "(calls .xml). iPhone: take screenshots of Recents with the dates visible. "
                "Or type a call: spoorvast call add --number … --at …"),
}


@dataclass(frozen=True, slots=True)
class HelpLine:
    name: str
    number: str
    languages: tuple[str, ...]
    what: str
    source: str  # the official page that publishes it


HELP_LINES = (
    HelpLine(N_("Police / emergency"), "112", ("nl", "fr", "de", "en"),
             N_("Immediate danger: call the emergency number."), "https://www.112.be"),
    HelpLine(N_("Police"), "101", ("nl", "fr", "de", "en"),
             N_("Police assistance, or to make a complaint at your local police."),
             "https://www.police.be"),
    HelpLine("1712", "1712", ("nl",),
             N_("Help line for violence, abuse and child abuse (Flanders)."),
             "https://www.1712.be"),
    HelpLine("Écoute violences conjugales", "0800 30 030", ("fr",),
             N_("Help line for violence in couples (Wallonia and Brussels)."),
             "https://www.ecouteviolencesconjugales.be"),
    HelpLine("Tele-Onthaal", "106", ("nl",),
             N_("Someone to talk to, day and night, anonymous."), "https://www.tele-onthaal.be"),
    HelpLine("Télé-Accueil", "107", ("fr",),
             N_("Someone to talk to, day and night, anonymous."), "https://www.tele-accueil.be"),
    HelpLine("Telefonhilfe", "108", ("de",),
             N_("Someone to talk to, day and night, anonymous (East Belgium)."),
             "https://www.telefonhilfe.be"),
    HelpLine("Child Focus", "116 000", ("nl", "fr", "de", "en"),
             N_("For minors and their parents, also for online sexual exploitation."),
             "https://childfocus.be"),
)

ADVICE = {
    "not-alone": N_("Do not stay alone with this. Talk to someone you trust."),
    "no-reply": N_("Do not answer the stalker's messages. Keep them, do not delete them."),
    "privacy": N_("Check the privacy settings of what you publish: who can see your posts, "
                  "friends list, location and contact details."),
}

PRIVACY_SETTINGS = {
    "Facebook": N_("Settings › Privacy: who can see your future posts, your friends list, "
                   "look you up by e-mail or phone; turn off location."),
    "Instagram": N_("Settings › Account privacy: private account; hide story and live from "
                    "people; restrict or block accounts."),
    "TikTok": N_("Settings › Privacy: private account; who can send you messages, comment, "
                 "duet and see your following list."),
    "Snapchat": N_("Settings › Privacy controls: who can contact you, view your story, see "
                   "you in Quick Add; turn on Ghost Mode on the map."),
    "WhatsApp": N_("Settings › Privacy: last seen, profile photo, about and groups to "
                   "'My contacts'; block and report the number."),
    "X": N_("Settings › Privacy and safety: protect your posts; who can message and tag "
            "you; photo tagging off."),
}
