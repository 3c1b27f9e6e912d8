"""WhatsApp's localised markers, as data (en, nl, fr, de). Matched after stripping
direction marks and a final full stop, case-insensitively; shapes (``<… : name>``,
``name (…)``) are matched by regular expressions in ``whatsapp_lines``."""

from __future__ import annotations

MEDIA_OMITTED = frozenset(s.casefold() for s in (
    # Android
    "<Media omitted>", "<Media weggelaten>", "<Médias omis>", "<Medien ausgeschlossen>",
    "<Medien weggelassen>",
    # iOS
    "image omitted", "video omitted", "audio omitted", "sticker omitted", "GIF omitted",
    "document omitted", "Contact card omitted",
    "afbeelding weggelaten", "video weggelaten", "audio weggelaten", "sticker weggelaten",
    "GIF weggelaten", "document weggelaten", "contactkaart weggelaten",
    "image absente", "vidéo absente", "audio omis", "sticker omis", "GIF retiré",
    "document omis", "image omise", "vidéo omise",
    "Bild weggelassen", "Video weggelassen", "Audio weggelassen", "Sticker weggelassen",
    "GIF weggelassen", "Dokument weggelassen", "Kontaktkarte weggelassen",
))

DELETED = frozenset(s.casefold() for s in (
    "This message was deleted", "You deleted this message",
    "Dit bericht is verwijderd", "Je hebt dit bericht verwijderd",
    "U hebt dit bericht verwijderd",
    "Ce message a été supprimé", "Vous avez supprimé ce message",
    "Diese Nachricht wurde gelöscht", "Du hast diese Nachricht gelöscht",
))

EDITED = tuple(s.casefold() for s in (
    "<This message was edited>", "<Dit bericht is bewerkt>", "<Ce message a été modifié>",
    "<Diese Nachricht wurde bearbeitet>",
))

# system line starts (lower case) -> typed subtype
SYSTEM_PREFIXES: tuple[tuple[str, str], ...] = tuple((p.casefold(), t) for p, t in (
    ("Messages and calls are end-to-end encrypted", "encryption-notice"),
    ("Messages to this group are now secured", "encryption-notice"),
    ("Berichten en oproepen worden end-to-end versleuteld", "encryption-notice"),
    ("Berichten en gesprekken worden end-to-end versleuteld", "encryption-notice"),
    ("Les messages et les appels sont chiffrés de bout en bout", "encryption-notice"),
    ("Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt", "encryption-notice"),
    ("Your security code with", "security-code-changed"),
    ("Je beveiligingscode met", "security-code-changed"),
    ("Votre code de sécurité avec", "security-code-changed"),
    ("Deine Sicherheitsnummer für", "security-code-changed"),
    ("You blocked this contact", "blocked"), ("Je hebt dit contact geblokkeerd", "blocked"),
    ("Vous avez bloqué ce contact", "blocked"), ("Du hast diesen Kontakt blockiert", "blocked"),
    ("You unblocked this contact", "unblocked"),
    ("Je hebt dit contact gedeblokkeerd", "unblocked"),
    ("Vous avez débloqué ce contact", "unblocked"),
    ("Du hast diesen Kontakt freigegeben", "unblocked"),
    ("Disappearing messages", "disappearing-messages"),
    ("Verdwijnende berichten", "disappearing-messages"),
    ("Messages éphémères", "disappearing-messages"),
    ("Selbstlöschende Nachrichten", "disappearing-messages"),
))

# system line contents (lower case) anywhere in the line -> subtype
SYSTEM_INFIXES: tuple[tuple[str, str], ...] = tuple((p.casefold(), t) for p, t in (
    (" created group ", "group-created"), (" heeft groep ", "group-created"),
    (" a créé le groupe ", "group-created"), (" hat die Gruppe ", "group-created"),
    (" added ", "member-added"), (" heeft ", "member-changed"), (" a ajouté ", "member-added"),
    (" hat ", "member-changed"),
    (" left", "member-left"), (" is vertrokken", "member-left"), (" est parti", "member-left"),
    (" hat die Gruppe verlassen", "member-left"),
    (" removed ", "member-removed"), (" a retiré ", "member-removed"),
    (" changed their phone number", "number-changed"),
    (" changed to ", "number-changed"), (" is gewijzigd in ", "number-changed"),
    (" changed the subject", "subject-changed"), (" changed this group", "group-changed"),
))

MISSED_CALLS: dict[str, str] = {s.casefold(): t for s, t in (
    ("Missed voice call", "voice"), ("Missed video call", "video"),
    ("Gemiste spraakoproep", "voice"), ("Gemiste video-oproep", "video"),
    ("Appel vocal manqué", "voice"), ("Appel vidéo manqué", "video"),
    ("Verpasster Sprachanruf", "voice"), ("Verpasster Videoanruf", "video"),
)}

# the chat file's name inside an export archive
CHAT_FILE_NAMES = ("_chat.txt",)
CHAT_FILE_PREFIXES = tuple(s.casefold() for s in (
    "WhatsApp Chat with", "WhatsApp Chat -", "WhatsApp-chat met", "WhatsApp-Chat mit",
    "Discussion WhatsApp avec", "WhatsApp Chat mit", "Chat WhatsApp con", "WhatsApp",
))

# export limits (WhatsApp help centre): most recent messages kept
LIMIT_WITH_MEDIA = 10_000
LIMIT_WITHOUT_MEDIA = 40_000
