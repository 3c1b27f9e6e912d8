"""WhatsApp's "media omitted" and "deleted" markers in the languages beyond the full
table of :mod:`markers`, as data, with where each string was found and whether anyone
here has seen it in a real export (``verified``: none has).

Nothing here was guessed: each string is listed in a public chat-export parser. Media
omitted: mlomb/chat-analytics, ``pipeline/parse/parsers/WhatsApp.ts`` (two forms per
Android locale code: ``in`` is Indonesian, ``iw`` Hebrew, ``tl`` Filipino, ``zh`` the
Chinese locales). Deleted ("This message was deleted", "You deleted this message"): a
Dart export parser's ``WhatsAppPatterns`` (``message_parser.dart``), which lists the
strings of WhatsApp's own keys ``revoked_msg_incoming`` / ``revoked_msg_outgoing``
(Android) and their iOS twins without naming languages; the language of each was
read here from its words and script.

Where a language's marker is not known, or WhatsApp writes another form, the reader
does not guess either: a body with a marker's *shape* (``<…>`` alone,
a short line after iOS's direction mark, ``null``) is kept as the sender's message and
flagged with ``chat.possible-marker`` (see :mod:`parse`). Edited markers beyond the
first table and the other notices (calls, polls, locations, view once) were not found
for these languages: they are read by shape only.
"""

from __future__ import annotations

from dataclasses import dataclass

CHAT_ANALYTICS = "mlomb/chat-analytics pipeline/parse/parsers/WhatsApp.ts (media)"
DART_PATTERNS = "Dart export parser WhatsAppPatterns, message_parser.dart (deleted)"
EXPORTS_QUOTED = "exports quoted in public chat-export parsers (the first table)"


@dataclass(frozen=True, slots=True)
class Provenance:
    sources: tuple[str, ...]
    verified: bool = False  # seen by us in a real export of that language


# Android's "<Media omitted>" by language (BCP 47), as the parser lists them
MEDIA_OMITTED: dict[str, tuple[str, ...]] = {
    "af": ("<media weggelaat>",),
    "az": ("<media buraxıldı>", "<Media çıxarılmışdır>"),
    "bg": ("<Без файл>",),
    "bn": ("<মিডিয়া বাদ দেওয়া হয়েছে>",),
    "ca": ("<fitxers multimèdia omesos>", "<Mitjans omesos>"),
    "cs": ("<média vynechány>", "< Média vynechána >"),
    "da": ("<medier udeladt>", "<Mediefil udeladt>"),
    "el": ("<αρχείο παραλήφθηκε>", "<Εξαίρεση πολυμέσων>"),
    "et": ("<meedia välja jäetud>", "<Meedia ära jäetud>"),
    "fa": ("<رسانه حذف شد>", "< پيوست نما/آهنگ حذف شد >"),
    "fi": ("<media jätettiin pois>", "<Media jätetty pois>"),
    "fil": ("<ınalis ang media>", "<Walang kalakip na media>"),
    "gu": ("<મિડિયા છોડી મૂકાયું>", "<મીડિયા અવગણવામાં આવ્યા>"),
    "he": ("<המדיה לא נכללה>", "<מדיה הושמטה>"),
    "hi": ("<मीडिया के बिना>",),
    "hr": ("<medijski zapis izostavljen>",),
    "hu": ("<média elhagyva>", "<Hiányzó médiafájl>"),
    "id": ("<media tidak disertakan>",),
    "ja": ("<メディアなし>", "<メディアは含まれていません>"),
    "kk": ("<файлдар қосылмаған>", "<Файл қосылған жоқ>"),
    "kn": ("<ಮಾಧ್ಯಮ ಕೈಬಿಡಲಾಗಿದೆ>",),
    "ko": ("<미디어 파일 제외됨>", "<미디어 파일을 생략한 대화내용>"),
    "lo": ("<ບໍ່ລວມມີເດຍ>",),
    "lt": ("<medija praleista>", "<Praleistas medijos turinys>"),
    "lv": ("<nav iekļauta multivide>", "<Bez multivides>"),
    "mk": ("<без фајлови>", "<Без фајл>"),
    "ml": ("<മീഡിയ ഒഴിവാക്കി>",),
    "mr": ("<मीडिया वगळण्यात आला>", "<मीडिया वगळले>"),
    "ms": ("<media dikecualikan>", "<Media disingkirkan>"),
    "nb": ("<media utelatt>", "<Uten vedlegg>"),
    "pa": ("<ਮੀਡੀਆ ਛੱਡਿਆ>", "<ਮੀਡੀਆ ਛਡਿਆ ਗਿਆ>"),
    "ro": ("<conținut media omis>",),
    "sk": ("<Médiá vynechané>",),
    "sl": ("<datoteke izpuščene>", "<Medij izpuščen>"),
    "sq": ("<media u hoq>", "<Media hequr>"),
    "sr": ("<медији су изостављени>",),
    "sv": ("<media utelämnat>", "<Media har utelämnats>"),
    "sw": ("<media hazijajumuishwa>", "<Media imerukwa>"),
    "ta": ("<கோப்புகள் விடப்பட்டன>", "< ஊடகங்கள் நீக்கப்பட்டது >"),
    "te": ("<మీడియా విస్మరించబడింది>", "<మాధ్యమం విస్మరించబడింది>"),
    "th": ("<ไฟล์สื่อถูกลบ>", "<สื่อถูกลบ>"),
    "uk": ("<медіа пропущено>",),
    "ur": ("<میڈیا چھوڑ دیا گیا>", "<میڈیا ہٹا دیا گیا>"),
    "uz": ("<fayl o\u2018tkazib yuborildi>",),
    "vi": ("<bỏ qua tệp phương tiện>", "<Bỏ qua Media>"),
    "zh-Hant": ("<忽略多媒體檔>",),  # zh-TW, zh-HK
    "zh-Hans": ("<省略多媒体文件>",),  # zh-CN
}

# "This message was deleted" and "You deleted this message" (both read as deleted), as
# the Dart parser lists them (a final full stop, 。 or । is dropped when matching)
DELETED: dict[str, tuple[str, ...]] = {
    "af": ("Hierdie boodskap was uitgevee", "Jy het boodskap uitgevee"),
    "az": ("Bu ismarıc silindi", "Siz bu ismarıcı sildiniz"),
    "bg": ("Съобщението беше изтрито", "Изтрихте това съобщение"),
    "bn": ("এই মেসেজটি বাদ দেওয়া হয়েছে", "এই বার্তাটি মুছে ফেলা হয়েছে",
           "আপনি এই মেসেজটি বাদ দিয়েছেন", "আপনি এই বার্তাটি মুছে ফেলেছেন"),
    "ca": ("Aquest missatge s'ha suprimit", "Aquest missatge està esborrat",
           "Has suprimit aquest missatge", "Has esborrat aquest missatge"),
    "cs": ("Tato zpráva byla smazána", "Tato zpráva byla odstraněna",
           "Tuto zprávu jste smazal/a", "Tuto zprávu jste odstranil/a"),
    "da": ("Denne besked er blevet slettet", "Denne besked blev slettet",
           "Du har slettet denne besked", "Du slettede denne besked"),
    "el": ("Αυτό το μήνυμα διαγράφηκε", "Διαγράψατε αυτό το μήνυμα",
           "Διαγράψατε το μήνυμα"),
    "et": ("See sõnum on kustutatud", "Kustutasid selle sõnumi"),
    "fa": ("این پیام حذف شده است", "این پیام حذف شد", "شما این پیام را حذف کردید"),
    "fi": ("Tämä viesti poistettiin", "Poistit tämän viestin"),
    "fil": ("Itong mensahe ay binura na", "Binura mo itong mensahe"),
    "ga": ("Scriosadh an teachtaireacht seo", "Scrios tú an teachtaireacht seo"),
    "gu": ("આ મેસેજ ડિલીટ કરાયો", "આ સંદેશ રદ્દ કરાયો", "તમે આ મેસેજ ડિલીટ કર્યો",
           "તમે આ સંદેશને રદ્દ કર્યો"),
    "he": ("הודעה זו נמחקה", "מחקת את ההודעה הזו", "מחקת הודעה זו"),
    "hi": ("यह मैसेज डिलीट कर दिया गया है", "यह संदेश मिटाया गया",
           "आपने यह मैसेज डिलीट किया", "आपने यह संदेश मिटाया"),
    "hr": ("Ova je poruka izbrisana", "Ova poruka je izbrisana", "Izbrisali ste ovu poruku"),
    "hu": ("Ez az üzenet törlésre került", "Ezt az üzenetet törölted",
           "Törölted ezt az üzenetet"),
    "id": ("Pesan ini dihapus", "Pesan ini telah dihapus", "Anda menghapus pesan ini",
           "Anda telah menghapus pesan ini"),
    "ja": ("このメッセージは削除されました", "このメッセージを削除しました"),
    "kk": ("Бұл хат жойылды", "Сіз бұл хатты жойдыңыз"),
    "kn": ("ಈ ಸಂದೇಶವು ಅಳಿಸಲ್ಪಟ್ಟಿದೆ", "ನೀವು ಈ ಸಂದೇಶವನ್ನು ಅಳಿಸಿದ್ದೀರಿ"),
    "ko": ("이 메시지는 삭제되었습니다", "삭제한 메시지입니다", "이 메시지를 삭제했습니다"),
    "lt": ("Ši žinutė buvo ištrinta", "Jūs ištrynėte šią žinutę"),
    "lv": ("Šī ziņa tika izdzēsta", "Jūs izdzēsāt šo ziņu"),
    "mk": ("Оваа порака беше избришана", "Ја избриша оваа порака"),
    "ml": ("ഈ സന്ദേശം ഇല്ലാതാക്കിയതാണ്", "ഈ സന്ദേശം നിങ്ങൾ ഇല്ലാതാക്കി"),
    "mr": ("हा मेसेज हटवण्यात आला", "हा संदेश हटविण्यात आला होता", "तुम्ही हा मेसेज हटवला",
           "आपण हा संदेश हटविलात"),
    "ms": ("Mesej ini telah dipadam", "Anda telah memadamkan mesej ini"),
    "nb": ("Denne meldingen ble slettet", "Du slettet denne meldingen"),
    "pa": ("ਇਸ ਸੁਨੇਹੇ ਨੂੰ ਹਟਾਇਆ ਗਿਆ", "ਤੁਸੀਂ ਇਹ ਸੁਨੇਹਾ ਹਟਾਇਆ"),
    "ro": ("Acest mesaj a fost șters", "Ați șters acest mesaj"),
    "sk": ("Táto správa bola odstránená", "Túto správu ste odstránili"),
    "sl": ("To sporočilo je bilo izbrisano", "To sporočilo ste izbrisali"),
    "sr": ("Ова порука је обрисана", "Обрисао/ла си ову поруку"),
    "sv": ("Det här meddelandet raderades", "Detta meddelande raderades",
           "Du har tagit bort meddelandet", "Du raderade det här meddelandet",
           "Du raderade detta meddelande"),
    "sw": ("Ujumbe huu ulifutwa", "Umefuta ujumbe huu"),
    "ta": ("இத்தகவல் திரும்பப்பெறப்பட்டது", "இத்தகவலை தாங்கள் அழித்தீர்கள்"),
    "th": ("ข้อความนี้ถูกลบแล้ว", "ข้อความนี้ได้ถูกลบ", "คุณได้ลบข้อความนี้", "คุณลบข้อความนี้"),
    "uk": ("Це повідомлення було видалено", "Ви видалили це повідомлення"),
    "ur": ("یہ میسج حذف کر دیا گیا ہے", "یہ پیغام حذف کیا گیا", "آپ نے یہ میسج حذف کر دیا ہے",
           "آپ نے اس پیغام کو حذف کیا"),
    "uz": ("Ushbu xabar o\u2018chirildi", "Siz ushbu xabarni o\u2018chirdingiz"),
    "vi": ("Tin nhắn này đã bị xóa", "Tin nhắn này đã bị xoá", "Bạn đã xóa tin nhắn này",
           "Bạn đã xoá tin nhắn này"),
    "zh-Hant": ("此訊息已刪除", "您已刪除此訊息"),
    "zh-Hans": ("这条消息已被删除", "信息已删除", "您已删除这条消息", "您删除这个信息"),
}

# forms the same parsers list for languages of the first table, beside those there
DELETED_MORE_FOR_TABLE: dict[str, tuple[str, ...]] = {
    "pt": ("Apagou esta mensagem", "Esta mensagem foi apagada pelo remetente"),
    "ar": ("لقد حذَفت هذه الرسالة", "أنت حذفت هذه الرسالة"),
    "pl": ("Usunąłeś(-ęłaś) tę wiadomość", "Usunąłeś(aś) tę wiadomość"),
}

# forms the same parser lists for languages of the first table, beside those there
MORE_FOR_TABLE: dict[str, tuple[str, ...]] = {
    "fr": ("<Fichier omis>",),
    "it": ("<Media omesso>",),
}

# languages WhatsApp offers whose media marker was found nowhere: read by shape only
SHAPE_ONLY_MEDIA = ("ga",)
# and whose deleted markers were found nowhere
SHAPE_ONLY_DELETED = ("lo", "sq", "te")


def _sources(language: str) -> tuple[str, ...]:
    found = [EXPORTS_QUOTED] if language in _FIRST_TABLE else []
    found += [CHAT_ANALYTICS] if language in MEDIA_OMITTED else []
    found += [DART_PATTERNS] if language in DELETED or language in (
        DELETED_MORE_FOR_TABLE) else []
    return tuple(found)


_FIRST_TABLE = ("en", "nl", "fr", "de", "es", "it", "pt", "ru", "tr", "ar", "pl")
PROVENANCE: dict[str, Provenance] = {
    language: Provenance(_sources(language))
    for language in (*_FIRST_TABLE, *MEDIA_OMITTED, *DELETED)}
