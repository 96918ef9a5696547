"""Keywords people text us, in every language we speak; matched without case or accents.

Each word is normalised the same way as the message it is compared with, so the table
may be written as people type (accents, Arabic hamza, Bengali vowel signs and all).
`tests/sms/test_languages.py` checks that no word means two keywords.
"""

import unicodedata

KEYWORDS = {
    "stop": {
        "stop", "stopp", "annulla", "arret", "arreter", "unsubscribe", "cancel", "end", "quit",
        "توقف", "الغاء", "الغاء الاشتراك",
        "baja", "parar",  # es
        "বন্ধ", "থামুন",  # bn
        "بند", "رکو", "روکیں",  # ur
        "стоп", "відписатися",  # uk
    },
    "start": {
        "start", "unstop", "riprendi", "inizia", "demarrer", "reprendre", "ابدا",
        "empezar", "reanudar",
        "শুরু", "চালু",
        "شروع",
        "старт", "почати",
    },
    "help": {
        "help", "aiuto", "info", "aide", "مساعده", "مساعدة",
        "ayuda",
        "সাহায্য", "সহায়তা",
        "مدد",
        "допомога", "довідка",
    },
    "join": {
        "iscrivi", "iscrivimi", "iscrizione", "join", "signup", "inscrire", "inscription",
        "اشترك", "تسجيل",
        "unirme", "inscribir", "inscribirme", "apuntarme",
        "যোগ", "যোগদান", "নিবন্ধন",
        "شامل", "رجسٹر",
        "запис", "записатися", "приєднатися",
    },
    "next": {
        "prossimo", "next", "prochain", "التالي",
        "siguiente", "próximo",
        "পরবর্তী", "পরের",
        "اگلا", "اگلی",
        "далі", "наступна", "наступний",
    },
    "hours": {
        "ore", "hours", "heures", "ساعات",
        "horas",
        "ঘণ্টা", "ঘন্টা",
        "گھنٹے",
        "години", "годин",
    },
    "yes": {
        "si", "yes", "y", "oui", "1", "ok", "نعم",
        "হ্যাঁ", "হ্যা", "হাঁ", "জি",
        "ہاں", "جی", "haan",
        "так",
    },
    "no": {
        "no", "n", "non", "2", "لا",
        "না",
        "نہیں", "nahi", "nahin",
        "ні",
    },
    "skip": {
        "salta", "skip", "passer", "passe", "تخطي", "تخطى",
        "saltar", "omitir",
        "বাদ",
        "چھوڑیں", "چھوڑ",
        "пропустити", "пропуск",
    },
}  # fmt: skip

#: Marks that are letters of the word, not accents: the vowel signs, virama and nukta of
#: the Indic scripts (Bengali …). Everywhere else a combining mark is an accent (Latin,
#: Cyrillic) or a short vowel (Arabic harakat, also in Urdu) and people often omit it.
_KEPT_MARKS = range(0x0900, 0x0E00)

#: Arabic-script letters that Arabic and Urdu keyboards type differently: one form each.
_ARABIC_FOLD = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh -> Farsi/Urdu yeh
        "ى": "ی",  # alef maksura
        "ك": "ک",  # Arabic kaf -> keheh
        "ة": "ه",  # teh marbuta
        "ہ": "ه",  # Urdu heh goal
        "ۃ": "ه",
        "ھ": "ه",  # heh doachashmee (گھنٹے typed on an Arabic keyboard)
        "ں": "ن",  # noon ghunna
        "ـ": None,  # tatweel
    }
)


def normalize(text: str) -> str:
    """Lower case, without accents, Arabic diacritics or punctuation; digits of any script
    as 0-9 (a Bengali ১ is a 1); spaces collapsed. Bengali vowel signs are kept."""
    out = []
    for ch in unicodedata.normalize("NFKD", text or ""):
        category = unicodedata.category(ch)
        if category[0] == "M":
            if ord(ch) in _KEPT_MARKS:
                out.append(ch)
        elif category == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        elif category[0] in "LN":
            out.append(ch)
        elif category[0] in "PSZ" or ch.isspace():
            out.append(" ")
        # other (Cf: zero-width joiners, direction marks; Cc): dropped, they join nothing
    folded = unicodedata.normalize("NFC", "".join(out)).casefold().translate(_ARABIC_FOLD)
    return " ".join(folded.split())


_LOOKUP = {normalize(word): name for name, words in KEYWORDS.items() for word in words}


def keyword(text: str) -> str | None:
    """The keyword a message is, if the whole message (or its first word) is one."""
    clean = normalize(text)
    if clean in _LOOKUP:
        return _LOOKUP[clean]
    first = clean.split(" ", 1)[0] if clean else ""
    return _LOOKUP.get(first)
