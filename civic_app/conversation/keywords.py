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
        "ہاں", "جی", "جی ہاں", "haan",
        "так",
    },
    "no": {
        "no", "n", "non", "2", "لا",
        "না",
        "نہیں", "nahi", "nahin",
        "ні",
    },
    "projects": {
        "progetti", "progetto", "projects", "project", "projets", "projet",
        "مشاريع", "مشروع", "المشاريع",
        "proyectos", "proyecto",
        "প্রকল্প", "প্রজেক্ট",
        "پروجیکٹ", "پروجیکٹس", "منصوبے",
        "проєкти", "проєкт", "проекти", "проекты",
    },
    #: The next page of a list (PROJECTS).
    "more": {
        "altri", "altro", "more", "plus", "suite", "mas", "المزيد", "مزيد",
        "আরও", "আরো", "مزید", "ще", "більше",
    },
    # The channel a person wants texts by (WhatsApp, SMS, a call): conversation/channels.py.
    "whatsapp": {
        "whatsapp", "واتساب", "واتس اب", "হোয়াটসঅ্যাপ", "واٹس ایپ", "واٹس اپ", "вотсап",
        "ватсап",
    },
    "sms": {"sms", "texto", "رسائل", "এসএমএস", "ایس ایم ایس", "смс"},
    "call": {
        "chiamata", "chiamami", "telefonata", "call", "call me", "appel", "appelez moi",
        "llamada", "llamame", "اتصال", "مكالمة", "কল", "ফোন কল", "کال", "فون کال", "дзвінок",
        "дзвоніть",
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
    """The keyword a message is, if the whole message is one (case, accents and
    punctuation forgiven: "Stop!", "sì."). A sentence is never a keyword: "Cancel my
    shift tomorrow" opts nobody out, "No problem, I will come" answers nothing."""
    return _LOOKUP.get(normalize(text))


#: The language each keyword is written in, where only one language has it: a message
#: from a number we do not know yet is answered in the language it was written in.
KEYWORD_LANGUAGES = {
    "it": {"aiuto", "altri", "altro", "annulla", "chiamami", "chiamata", "inizia", "iscrivi",
           "iscrivimi", "iscrizione", "ore", "progetti", "progetto", "prossimo", "riprendi",
           "salta", "telefonata"},
    "en": {"call", "call me", "cancel", "end", "help", "hours", "join", "more", "next",
           "project", "projects", "quit", "signup", "skip", "unstop", "unsubscribe", "yes"},
    "fr": {"aide", "appel", "appelez moi", "arret", "arreter", "demarrer", "heures",
           "inscription", "inscrire", "non", "oui", "passe", "passer", "prochain", "projet",
           "projets", "reprendre", "suite"},
    "ar": {"ابدا", "اتصال", "اشترك", "التالي", "الغاء", "الغاء الاشتراك", "المزيد", "المشاريع",
           "تخطى", "تخطي", "تسجيل", "توقف", "رسائل", "ساعات", "لا", "مزيد", "مساعدة", "مساعده",
           "مشاريع", "مشروع", "مكالمة", "نعم", "واتس اب", "واتساب"},
    "es": {"apuntarme", "ayuda", "baja", "empezar", "horas", "inscribir", "inscribirme",
           "llamada", "llamame", "mas", "omitir", "parar", "proyecto", "proyectos", "próximo",
           "reanudar", "saltar", "siguiente", "texto", "unirme"},
    "bn": {"আরও", "আরো", "এসএমএস", "কল", "ঘণ্টা", "ঘন্টা", "চালু", "জি", "থামুন", "না",
           "নিবন্ধন", "পরবর্তী", "পরের", "প্রকল্প", "প্রজেক্ট", "ফোন কল", "বন্ধ", "বাদ", "যোগ",
           "যোগদান", "শুরু", "সহায়তা", "সাহায্য", "হাঁ", "হোয়াটসঅ্যাপ", "হ্যা", "হ্যাঁ"},
    "ur": {"haan", "nahi", "nahin", "اگلا", "اگلی", "ایس ایم ایس", "بند", "جی", "جی ہاں",
           "رجسٹر", "روکیں", "رکو", "شامل", "شروع", "فون کال", "مدد", "مزید", "منصوبے", "نہیں",
           "واٹس اپ", "واٹس ایپ", "پروجیکٹ", "پروجیکٹس", "چھوڑ", "چھوڑیں", "کال", "گھنٹے",
           "ہاں"},
    "uk": {"більше", "ватсап", "вотсап", "відписатися", "годин", "години", "далі", "дзвоніть",
           "дзвінок", "довідка", "допомога", "запис", "записатися", "наступна", "наступний",
           "ні", "почати", "приєднатися", "проекти", "проекты", "пропуск", "пропустити",
           "проєкт", "проєкти", "смс", "старт", "стоп", "так", "ще"},
}  # fmt: skip

_LANGUAGE_OF = {
    normalize(word): code for code, words in KEYWORD_LANGUAGES.items() for word in words
}


def keyword_language(text: str) -> str | None:
    """The language of the keyword a message is, when only one language has that word."""
    return _LANGUAGE_OF.get(normalize(text))


#: What people answer to the sign-up's language menu besides its number: the language's
#: own name, and its name in Italian, English and French.
LANGUAGE_NAMES = {
    "it": {"italiano", "italian", "italien"},
    "en": {"english", "inglese", "anglais"},
    "fr": {"francais", "french", "francese"},
    "ar": {"عربي", "العربية", "عربية", "arabic", "arabo", "arabe"},
    "es": {"espanol", "spanish", "spagnolo", "espagnol"},
    "bn": {"বাংলা", "bangla", "bengali", "bengalese"},
    "ur": {"اردو", "urdu"},
    "uk": {"українська", "украинский", "ukrainian", "ucraino", "ukrainien"},
}  # fmt: skip

_LANGUAGE_NAMED = {
    normalize(name): code for code, names in LANGUAGE_NAMES.items() for name in names
}


def language_named(text: str) -> str | None:
    """The language a sign-up menu answer names ("English", "عربي"), if it names one."""
    return _LANGUAGE_NAMED.get(normalize(text))
