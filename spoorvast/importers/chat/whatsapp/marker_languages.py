"""WhatsApp's "media omitted" marker in the languages beyond the full table of
:mod:`markers`, as data, with where each string was found and whether anyone here has
seen it in a real export (``verified``: none has).

Nothing here was guessed: each string is listed in a public chat-export parser
(mlomb/chat-analytics, ``pipeline/parse/parsers/WhatsApp.ts``, which keeps two forms per
Android locale code: ``in`` is Indonesian, ``iw`` Hebrew, ``tl`` Filipino, ``zh`` the
Chinese locales). Where a language's marker is not known, or WhatsApp writes another
form, the reader does not guess either: a body with a marker's *shape* (``<…>`` alone,
a short line after iOS's direction mark, ``null``) is kept as the sender's message and
flagged with ``chat.possible-marker`` (see :mod:`parse`).
"""

from __future__ import annotations

from dataclasses import dataclass

CHAT_ANALYTICS = "mlomb/chat-analytics pipeline/parse/parsers/WhatsApp.ts"
EXPORTS_QUOTED = "exports quoted in public chat-export parsers (the first table)"


@dataclass(frozen=True, slots=True)
class Provenance:
    source: str
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

# forms the same parser lists for languages of the first table, beside those there
MORE_FOR_TABLE: dict[str, tuple[str, ...]] = {
    "fr": ("<Fichier omis>",),
    "it": ("<Media omesso>",),
}

# the languages WhatsApp offers with no marker string found: read by shape only
SHAPE_ONLY = ("ga",)

PROVENANCE: dict[str, Provenance] = {
    **{language: Provenance(EXPORTS_QUOTED) for language in (
        "en", "nl", "fr", "de", "es", "it", "pt", "ru", "tr", "ar", "pl")},
    **{language: Provenance(CHAT_ANALYTICS) for language in MEDIA_OMITTED},
    **{language: Provenance("none found; read by shape only") for language in SHAPE_ONLY},
}
