"""Finding codes of web capture (messages translated when shown)."""

from __future__ import annotations

from spoorvast.findings import register_codes
from spoorvast.i18n import N_

register_codes({
    "capture.removed": N_(
        "The page answered {status}: it is not (or no longer) there. This answer was "
        "captured; it can show that the content was taken down."),
    "capture.http-error": N_(
        "The server answered {status} instead of the page. This answer was captured as "
        "it was."),
    "capture.load-timeout": N_(
        "The page did not finish loading within {seconds} seconds; what had arrived by "
        "then was captured."),
    "capture.navigated-away": N_(
        "During the capture the page went to another address by itself ({url}); some "
        "stored files may show that other page. The capture record lists every address."),
    "capture.height-capped": N_(
        "The page is {height} pixels tall; the full-page screenshot stops at {cap} pixels "
        "(the other files hold the whole page)."),
    "capture.step-failed": N_(
        "The {step} of the page could not be made ({error}); the rest of the capture "
        "was kept."),
    "capture.blocked": N_(
        "The page asked for content from {count} local or private network address(es) "
        "({hosts}); spoorvast refused to connect there, for your safety. That content is "
        "missing from the capture."),
    "capture.refused": N_(
        "The capture was stopped: the page sent the browser on to {url}, and {host} "
        "(port {port}) is the local or private network address {address}. spoorvast "
        "refused to connect there, for your safety. Only what arrived before that (such "
        "as the redirect answers) was kept; nothing from that address."),
    "capture.unguarded": N_(
        "The capture was stopped: an answer came from {address}, a local or private "
        "network address the browser should not have reached. None of the page's files "
        "were kept, only this record and the answers from allowed addresses."),
    "capture.too-large": N_(
        "The page sent more than {limit} MB, the limit of one capture; the capture was cut "
        "off there. The files made before that were kept; the page may be incomplete."),
    "capture.document-too-large": N_(
        "A document of the page ({url}) is larger than {limit} MB, the limit for what the "
        "browser must read as text; the capture was cut off there. The files made before "
        "that were kept; the page may be incomplete."),
    "capture.crashed": N_(
        "The browser's page process crashed during the capture (the page may use too "
        "much memory). The files made before the crash were kept; the others are missing."),
    "capture.deadline": N_(
        "The capture reached its time limit of {seconds} seconds and was stopped. The "
        "files made before then were kept; the others are missing."),
    "capture.timestamp-failed": N_(
        "No trusted timestamp: the time-stamp authority could not be reached or refused "
        "({error}). The capture itself was kept."),
    "capture.wacz-invalid": N_(
        "The web archive (WACZ) of this capture failed its own check ({detail})."),
    "capture.unsettled-requests": N_(
        "The page may not have finished loading: {count} of its requests were still open "
        "when its files were taken (after waiting {seconds} seconds). Check the "
        "screenshot; capture it again if content is missing."),
    "capture.unsettled-content": N_(
        "The page may not have finished loading: its content was still changing when its "
        "files were taken (after waiting {seconds} seconds). Check the screenshot; "
        "capture it again if content is missing."),
    "capture.changed-while-taken": N_(
        "The page's content changed while its files were being taken, so they may not all "
        "show the same moment. The capture record gives the time each file was made."),
    "capture.changed-after-taken": N_(
        "The page's content changed just after its files were taken (at {time}, "
        "within {seconds} seconds of watching): what appeared then is not in them. "
        "Capture it again if content is missing."),
    "capture.video-too-large": N_(
        "A video of the page ({url}) is larger than the {limit} MB still free for videos "
        "in this capture; it was not saved. Its address is in the capture record."),
    "capture.video-cut": N_(
        "A video of the page ({url}) was saved only in part: {saved} of its {total} "
        "parts ({reason}). The capture record lists the parts that were saved."),
    "capture.video-failed": N_(
        "A video of the page ({url}) could not be saved ({error})."),
    "capture.video-encrypted": N_(
        "A video of the page ({url}) is encrypted; its files were saved as they were "
        "sent, but they cannot be played without the key."),
    "capture.steps-skipped": N_(
        "These files of the page were not made because the capture had been stopped: "
        "{steps}."),
    "capture.wall-login": N_(
        "This is not the page asked for ({requested}): the site showed a login page "
        "instead ({url}). The capture shows that login page, not the content. Capture it "
        "again while logged in (spoorvast browser login)."),
    "capture.wall-consent": N_(
        "This is not the page asked for ({requested}): the site showed a cookie or "
        "consent page instead ({url}). The capture shows that page, not the content."),
    "capture.wall-checkpoint": N_(
        "This is not the page asked for ({requested}): the site showed a security check "
        "instead ({url}). The capture shows that check, not the content."),
    "capture.password-form": N_(
        "The page shows a password form as its main content: it may be a login page "
        "rather than the content asked for."),
    "capture.unavailable": N_(
        "The page says the content is not available, removed or suspended (\"{phrase}\"), "
        "although the server answered that all was well (status 200). The capture can "
        "show that it was taken down; check before naming the account."),
    "capture.overlay": N_(
        "A layer over the page (often a cookie or login dialog) covers {share}% of the "
        "screen in the screenshots; the content behind it may be hidden there. The page "
        "itself (DOM, web archive) was kept whole."),
})
