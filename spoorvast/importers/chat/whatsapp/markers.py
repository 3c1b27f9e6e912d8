"""WhatsApp's localised markers, as data: media omitted, deleted and edited in full for
en, nl, fr, de, es, it, pt, ru, tr, ar, pl; media omitted and deleted for the other
languages of :mod:`marker_languages` (each with its sources and whether it was
verified).
Matched after stripping direction marks and a final full stop, case-insensitively;
shapes (``<… : name>``, ``name (…)``) are matched by regular expressions in
``lines``. The strings are WhatsApp's own, as its exports write them (taken
from exports quoted in public chat-export parsers; each language has a test). A
marker in a language not listed is never read as the sender's words silently: its
shape is flagged (``parse``)."""

from __future__ import annotations

from spoorvast.importers.chat.whatsapp import marker_languages

# per language: Android's "<Media omitted>", iOS's "image omitted" and kin
_MEDIA = {
    "en": ("<Media omitted>", "image omitted", "video omitted", "audio omitted",
           "sticker omitted", "GIF omitted", "document omitted", "Contact card omitted"),
    "nl": ("<Media weggelaten>", "afbeelding weggelaten", "video weggelaten",
           "audio weggelaten", "sticker weggelaten", "GIF weggelaten", "document weggelaten",
           "contactkaart weggelaten"),
    "fr": ("<Médias omis>", "image absente", "vidéo absente", "audio omis", "sticker omis",
           "GIF retiré", "document omis", "image omise", "vidéo omise"),
    "de": ("<Medien ausgeschlossen>", "<Medien weggelassen>", "Bild weggelassen",
           "Video weggelassen", "Audio weggelassen", "Sticker weggelassen", "GIF weggelassen",
           "Dokument weggelassen", "Kontaktkarte weggelassen"),
    "es": ("<Multimedia omitido>", "<Archivo omitido>", "imagen omitida", "video omitido",
           "audio omitido", "sticker omitido", "GIF omitido", "documento omitido",
           "tarjeta de contacto omitida"),
    "it": ("<Media omessi>", "<Multimedia omesso>", "immagine omessa", "video omesso",
           "audio omesso", "sticker omesso", "GIF esclusa", "GIF omessa", "documento omesso",
           "scheda contatto omessa"),
    "pt": ("<Mídia oculta>", "<Arquivo de mídia oculto>", "<Mídia omitida>",
           "<Multimédia omitido>", "<Ficheiro não revelado>", "imagem ocultada",
           "vídeo omitido", "áudio ocultado", "figurinha omitida", "GIF omitido",
           "documento omitido", "cartão de contato omitido"),
    "ru": ("<Без медиафайлов>", "<Медиафайл отсутствует>", "<Файл пропущен>",
           "изображение отсутствует", "видео отсутствует", "аудиофайл отсутствует",
           "стикер отсутствует", "GIF отсутствует", "документ отсутствует",
           "изображение не сохранено"),
    "tr": ("<Medya dahil edilmedi>", "<Medya atlanmış>", "<Medya çıkarıldı>",
           "görüntü dahil edilmedi", "video dahil edilmedi", "ses dahil edilmedi",
           "Çıkartma dahil edilmedi", "GIF dahil edilmedi", "belge dahil edilmedi"),
    "ar": ("<تم استبعاد الوسائط>", "تم استبعاد الصورة", "تم استبعاد الفيديو",
           "تم استبعاد الصوت", "تم استبعاد الملصق", "تم استبعاد المستند",
           "تم استبعاد جهة الاتصال"),
    "pl": ("<Pominięto multimedia>", "<pliki pominięto>", "obraz pominięty",
           "wideo pominięte", "audio pominięte", "naklejka pominięta", "GIF pominięty",
           "dokument pominięty"),
}
_DELETED = {
    "en": ("This message was deleted", "You deleted this message"),
    "nl": ("Dit bericht is verwijderd", "Je hebt dit bericht verwijderd",
           "U hebt dit bericht verwijderd"),
    "fr": ("Ce message a été supprimé", "Vous avez supprimé ce message"),
    "de": ("Diese Nachricht wurde gelöscht", "Du hast diese Nachricht gelöscht"),
    "es": ("Se eliminó este mensaje", "Este mensaje fue eliminado",
           "Eliminaste este mensaje"),
    "it": ("Questo messaggio è stato eliminato", "Hai eliminato questo messaggio"),
    "pt": ("Mensagem apagada", "Esta mensagem foi apagada", "Você apagou esta mensagem",
           "Esta mensagem foi eliminada", "Eliminou esta mensagem"),
    "ru": ("Данное сообщение удалено", "Это сообщение удалено",
           "Вы удалили данное сообщение", "Вы удалили это сообщение"),
    "tr": ("Bu mesaj silindi", "Bu mesajı sildiniz"),
    "ar": ("تم حذف هذه الرسالة", "لقد حذفت هذه الرسالة", "لقد حذفت أنت هذه الرسالة"),
    "pl": ("Ta wiadomość została usunięta", "Usunięto tę wiadomość",
           "Usunąłeś tę wiadomość"),
}
_EDITED = {
    "en": ("<This message was edited>",), "nl": ("<Dit bericht is bewerkt>",),
    "fr": ("<Ce message a été modifié>",), "de": ("<Diese Nachricht wurde bearbeitet>",),
    "es": ("<Se editó este mensaje.>", "<Se editó este mensaje>"),
    "it": ("<Questo messaggio è stato modificato>",), "pt": ("<Mensagem editada>",),
    "ru": ("<Сообщение изменено>",), "tr": ("<Bu mesaj düzenlendi>",),
    "ar": ("<تم تعديل هذه الرسالة>",),
    "pl": ("<Ta wiadomość została zmieniona>", "<Ta wiadomość została edytowana>"),
}
for _language, _more in marker_languages.MORE_FOR_TABLE.items():
    _MEDIA[_language] += _more
_MEDIA.update(marker_languages.MEDIA_OMITTED)
for _language, _more in marker_languages.DELETED_MORE_FOR_TABLE.items():
    _DELETED[_language] += _more
_DELETED.update(marker_languages.DELETED)
_MEDIA.update((language, ()) for language in marker_languages.SHAPE_ONLY_MEDIA)
LANGUAGES = tuple(_MEDIA)
PROVENANCE = marker_languages.PROVENANCE
FINAL_STOPS = ".\u3002\u0964"  # dropped at the end before matching: . 。 ।
MEDIA_OMITTED = frozenset(s.casefold() for words in _MEDIA.values() for s in words)
DELETED = frozenset(s.rstrip(FINAL_STOPS).casefold() for words in _DELETED.values()
                    for s in words)
EDITED = tuple(s.casefold() for words in _EDITED.values() for s in words)


def markers_of(language: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(media omitted, deleted, edited) markers of one language, as WhatsApp writes them
    (for the tests: one per language); () where none is known."""
    return _MEDIA[language], _DELETED.get(language, ()), _EDITED.get(language, ())


# system line starts (lower case) -> typed subtype
SYSTEM_PREFIXES: tuple[tuple[str, str], ...] = tuple((p.casefold(), t) for p, t in (
    ("Messages and calls are end-to-end encrypted", "encryption-notice"),
    ("Messages to this group are now secured", "encryption-notice"),
    ("Berichten en oproepen worden end-to-end versleuteld", "encryption-notice"),
    ("Berichten en gesprekken worden end-to-end versleuteld", "encryption-notice"),
    ("Les messages et les appels sont chiffrés de bout en bout", "encryption-notice"),
    ("Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt", "encryption-notice"),
    ("Los mensajes y las llamadas están cifrados de extremo a extremo",
     "encryption-notice"),
    ("I messaggi e le chiamate sono crittografati end-to-end", "encryption-notice"),
    ("As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta",
     "encryption-notice"),
    ("Сообщения и звонки защищены сквозным шифрованием", "encryption-notice"),
    ("Mesajlar ve aramalar uçtan uca şifrelidir", "encryption-notice"),
    ("الرسائل والمكالمات مشفرة تماماً بين الطرفين", "encryption-notice"),
    ("Wiadomości i połączenia są szyfrowane end-to-end", "encryption-notice"),
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
    ("Llamada de voz perdida", "voice"), ("Videollamada perdida", "video"),
    ("Chiamata vocale persa", "voice"), ("Videochiamata persa", "video"),
    ("Chamada de voz perdida", "voice"), ("Chamada de vídeo perdida", "video"),
    ("Пропущенный аудиозвонок", "voice"), ("Пропущенный видеозвонок", "video"),
    ("Cevapsız sesli arama", "voice"), ("Cevapsız görüntülü arama", "video"),
    ("مكالمة صوتية فائتة", "voice"), ("مكالمة فيديو فائتة", "video"),
    ("Nieodebrane połączenie głosowe", "voice"), ("Nieodebrane połączenie wideo", "video"),
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
