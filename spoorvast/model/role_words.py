"""The words for a stored file's role (``ArtifactRole``), as a person reads them: the CLI's
verify, the web app and the dossier say "E-0002 (screenshot)" in the reader's language,
while JSON and the custody log keep the code."""

from __future__ import annotations

from spoorvast.i18n import N_

ROLE_WORDS = {
    "original": N_("original"), "screenshot": N_("screenshot"), "mhtml": N_("web archive (MHTML)"),
    "pdf": N_("PDF print"), "wacz": N_("web archive (WACZ)"),
    "ocr-text": N_("text read from the picture"), "analysis": N_("analysis"),
    "timestamp-token": N_("trusted timestamp"), "attachment": N_("attachment"),
    "thumbnail": N_("small picture"), "blurred-preview": N_("blurred picture"),
    "dom": N_("page source (DOM)"), "timestamp-certificates": N_("timestamp certificates"),
    "dossier-preview": N_("reduced picture for the dossier"),
}
