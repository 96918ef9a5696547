"""Keywords people text us, in every language we speak; matched without case or accents."""

import re
import unicodedata

KEYWORDS = {
    "stop": {"stop", "stopp", "annulla", "arret", "arreter", "unsubscribe", "cancel", "end",
             "quit", "توقف", "الغاء", "الغاء الاشتراك"},
    "start": {"start", "unstop", "riprendi", "inizia", "demarrer", "reprendre", "ابدا"},
    "help": {"help", "aiuto", "info", "aide", "مساعده", "مساعدة"},
    "join": {"iscrivi", "iscrivimi", "iscrizione", "join", "signup", "inscrire", "inscription",
             "اشترك", "تسجيل"},
    "next": {"prossimo", "next", "prochain", "التالي"},
    "hours": {"ore", "hours", "heures", "ساعات"},
    "yes": {"si", "yes", "y", "oui", "1", "ok", "نعم"},
    "no": {"no", "n", "non", "2", "لا"},
    "skip": {"salta", "skip", "passer", "passe", "تخطي", "تخطى"},
}  # fmt: skip

_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def normalize(text: str) -> str:
    """Lower case, without accents, punctuation or Arabic diacritics; spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("ـ", "")  # Arabic tatweel
    return " ".join(_NON_WORD.sub(" ", bare.casefold()).split())


_LOOKUP = {normalize(word): name for name, words in KEYWORDS.items() for word in words}


def keyword(text: str) -> str | None:
    """The keyword a message is, if the whole message (or its first word) is one."""
    clean = normalize(text)
    if clean in _LOOKUP:
        return _LOOKUP[clean]
    first = clean.split(" ", 1)[0] if clean else ""
    return _LOOKUP.get(first)
