"""The fixed texts of the PDF, translated into the dossier language when called."""

from __future__ import annotations

from spoorvast.i18n import N_, _

ROLE_NAMES = {"victim": N_("victim"), "suspect": N_("suspect"), "witness": N_("witness"),
              "other": N_("other person")}
STATUS_NAMES = {"present": N_("present"), "missing": N_("missing"),
                "not-applicable": N_("not applicable")}
KIND_NAMES = {"email": N_("e-mail address"), "phone": N_("phone number"),
              "account": N_("account"), "ip": N_("IP address"), "name": N_("name"),
              "url": N_("address (URL)")}

# Stalking (belaging, art. 442bis of the Belgian criminal code) is prosecuted only on
# the victim's complaint: the dossier says explicitly that the victim asks for it.
PROSECUTION_REQUEST = N_(
    "I file a complaint for the facts described in this dossier, including stalking "
    "(belaging / harcèlement, art. 442bis of the Criminal Code), and I explicitly ask "
    "that the perpetrator(s) be prosecuted.")


def labels() -> dict[str, str]:
    return {
        "cover_title": _("Complaint dossier"),
        "complainant": _("Complainant"),
        "case": _("Case"),
        "generated_utc": _("Generated (UTC)"),
        "generated_local": _("Generated (local time)"),
        "tool": _("Made with"),
        "bundle_sha": _("Bundle SHA-256"),
        "contents": _("Contents"),
        "statement": _("Complaint statement"),
        "earlier_reports": _("Earlier reports"),
        "requested_actions": _("What the suspect made me do"),
        "impact": _("Impact on me"),
        "observations": _("Observations"),
        "checklist": _("Checklist of the police guidance"),
        "still_missing": _("Still missing"),
        "element": _("Element"),
        "status": _("Status"),
        "satisfied_by": _("Satisfied by"),
        "parties": _("Suspects and other people"),
        "identifier": _("Identifier"),
        "kind": _("Kind"),
        "source": _("Where it comes from"),
        "timeline": _("Timeline of marked events"),
        "when": _("When (local time, offset)"),
        "ref": _("Reference"),
        "who": _("Who"),
        "what": _("What"),
        "patterns": _("Patterns of contact"),
        "items": _("The evidence, item by item"),
        "item_index": _("Index of items"),
        "acquired": _("Acquired"),
        "sha256": _("SHA-256"),
        "size": _("Size"),
        "role": _("Role"),
        "bundle_path": _("File in the bundle"),
        "findings": _("Remarks"),
        "marked_messages": _("Marked messages, with context"),
        "marked_note": _("Marked messages are shaded; the lines around them are context."),
        "custody": _("Custody log"),
        "chain": _("Chain"),
        "entries": _("Entries"),
        "first": _("First entry"),
        "last": _("Last entry"),
        "verify": _("How to verify this dossier"),
        "disclosure": _("What this PDF leaves out"),
        "no_preview": _("No preview: the complete file is in the bundle."),
        "cropped": _("Top part shown; the complete screenshot is in the bundle."),
        "none": _("none"),
        "page": _("page"),
    }
