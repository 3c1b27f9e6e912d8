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

# Stalking (belaging / harcèlement / Nachstellung) is prosecuted only on the victim's
# complaint: the dossier says explicitly that the victim asks for it. No article number:
# the Criminal Code of 1867 (whose art. 442bis this text used to cite) was replaced by the
# new Belgian Criminal Code, in force since 8 April 2026, and the article of the new code
# could not be checked against the official text (Belgisch Staatsblad / Moniteur belge)
# when this was written. A wrong article in a complaint is worse than none: the offence
# is named, the police and the prosecutor qualify it. Cite a number only once it has been
# checked against the published text.
PROSECUTION_REQUEST = N_(
    "I file a complaint for the facts described in this dossier, including stalking "
    "(harassment of a person), and I explicitly ask that the perpetrator(s) be prosecuted.")


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
        "glance": _("The case at a glance"),
        "account": _("What happened, in short"),
        "proven_in": _("Where it is proven"),
        "how_to_obtain": _("How it can still be obtained"),
        "annex": _("Annex: complete SHA-256 values"),
        "annex_note": _("The tables above show the first 12 digits of each SHA-256; here is "
                        "the complete value of every file."),
        "item": _("Item"),
        "calls": _("Calls"),
        "number": _("Number"),
        "direction": _("Direction"),
        "duration": _("Duration"),
        "page": _("page"),
    }

ITEM_KINDS = {"image": N_("image"), "audio": N_("audio recording"), "video": N_("video"),
              "pdf": N_("PDF document"), "document": N_("document"), "file": N_("file"),
              "capture": N_("web capture"), "email": N_("e-mail"),
              "conversation": N_("conversation"), "call-log": N_("call list"),
              "note": N_("note of the victim")}
ARTIFACT_ROLES = {"original": N_("original"), "screenshot": N_("screenshot"),
                  "mhtml": N_("web page (MHTML)"), "pdf": N_("PDF print"),
                  "wacz": N_("web archive (WACZ)"), "ocr-text": N_("text read (OCR)"),
                  "analysis": N_("analysis"), "timestamp-token": N_("time-stamp token"),
                  "attachment": N_("attachment"), "thumbnail": N_("thumbnail"),
                  "blurred-preview": N_("blurred preview"), "dom": N_("page structure (DOM)"),
                  "timestamp-certificates": N_("time-stamp certificates"),
                  "dossier-preview": N_("reduced picture for the dossier")}
IDENTIFIER_STATUS = {"confirmed": N_("confirmed"), "proposed": N_("proposed, not confirmed"),
                     "rejected": N_("rejected")}


def named(table: dict[str, str], key: str) -> str:
    """The translated name of a code; an unknown code is shown as it is stored."""
    return _(table[key]) if key in table else key


def short_hash(value: str) -> str:
    """A SHA-256 for a table: the first 12 hex digits; the annex has the full value."""
    return value[:12] + "…" if len(value) > 12 else value

CUSTODY_ACTIONS = {
    "vault.created": N_("vault created"), "case.created": N_("case created"),
    "item.added": N_("item added"), "artifact.sealed": N_("file sealed"),
    "events.added": N_("events read from an item"), "event.marked": N_("event marked"),
    "event.unmarked": N_("mark removed from an event"),
    "event.mark-removed": N_("mark removed from an event"),
    "party.added": N_("person added"), "party.updated": N_("person changed"),
    "party.removed": N_("person removed"), "identifier.added": N_("identifier added"),
    "identifier.updated": N_("identifier changed"),
    "finding.recorded": N_("remark recorded"), "dossier.created": N_("dossier made"),
    "export.original": N_("original exported"),
}

DIRECTIONS = {"in": N_("incoming"), "out": N_("outgoing"), "missed": N_("missed"),
              "rejected": N_("rejected"), "other": N_("other")}

# which part of the application read the item (names of products stay as they are)
IMPORTERS = {"file": N_("file"), "email": N_("e-mail"), "capture": N_("web capture"),
             "email-headers": N_("pasted e-mail headers"), "call-log-csv": N_("call list (CSV)"),
             "typed-call": N_("call typed by the victim"), "whatsapp": "WhatsApp",
             "telegram": "Telegram", "meta-messages": "Messenger / Instagram",
             "messenger-e2ee": "Messenger", "sms-backup-restore": "SMS Backup & Restore",
             "discord-package": "Discord", "discord-chat-exporter": "DiscordChatExporter"}


def importer_name(code: str) -> str:
    name = IMPORTERS.get(code)
    if name is None:
        return code
    return _(name) if name[:1].islower() else name
