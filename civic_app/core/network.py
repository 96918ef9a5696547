"""The municipalities of the national network."""

from civic_app.core.models import Municipality
from civic_app.extensions import db

#: slug, name, region, ISTAT code
NETWORK = [
    ("agrigento", "Agrigento", "Sicilia", "084001"),
    ("bologna", "Bologna", "Emilia-Romagna", "037006"),
    ("bolzano", "Bolzano", "Trentino-Alto Adige", "021008"),
    ("caserta", "Caserta", "Campania", "061022"),
    ("catania", "Catania", "Sicilia", "087015"),
    ("firenze", "Firenze", "Toscana", "048017"),
    ("genova", "Genova", "Liguria", "010025"),
    ("latina", "Latina", "Lazio", "059011"),
    ("milano", "Milano", "Lombardia", "015146"),
    ("napoli", "Napoli", "Campania", "063049"),
    ("palermo", "Palermo", "Sicilia", "082053"),
    ("perugia", "Perugia", "Umbria", "054039"),
    ("potenza", "Potenza", "Basilicata", "076063"),
    ("roma", "Roma", "Lazio", "058091"),
    ("sassari", "Sassari", "Sardegna", "090064"),
    ("taranto", "Taranto", "Puglia", "073027"),
    ("torino", "Torino", "Piemonte", "001272"),
    ("trieste", "Trieste", "Friuli-Venezia Giulia", "032006"),
]


#: Each municipality's name in the participants' languages where it is not the Italian one:
#: the exonym (Rome, Rom, Roma ...) or the usual transliteration in another script.
#: Migration 0015_municipality_names wrote the same into existing databases.
NAMES: dict[str, dict[str, str]] = {
    "agrigento": {"fr": "Agrigente", "ar": "أغريجنتو", "bn": "আগ্রিজেন্তো", "ur": "اگریجنتو",
                  "uk": "Агрідженто"},
    "bologna": {"fr": "Bologne", "ar": "بولونيا", "es": "Bolonia", "bn": "বোলোনিয়া",
                "ur": "بولونیا", "uk": "Болонья"},
    "bolzano": {"ar": "بولزانو", "bn": "বোলজানো", "ur": "بولزانو", "uk": "Больцано"},
    "caserta": {"fr": "Caserte", "ar": "كازيرتا", "bn": "কাসের্তা", "ur": "کاسیرتا",
                "uk": "Казерта"},
    "catania": {"fr": "Catane", "ar": "كاتانيا", "bn": "কাতানিয়া", "ur": "کاتانیا",
                "uk": "Катанія"},
    "firenze": {"en": "Florence", "fr": "Florence", "ar": "فلورنسا", "es": "Florencia",
                "bn": "ফ্লোরেন্স", "ur": "فلورنس", "uk": "Флоренція"},
    "genova": {"en": "Genoa", "fr": "Gênes", "ar": "جنوة", "es": "Génova", "bn": "জেনোয়া",
               "ur": "جینوا", "uk": "Генуя"},
    "latina": {"ar": "لاتينا", "bn": "লাতিনা", "ur": "لاتینا", "uk": "Латина"},
    "milano": {"en": "Milan", "fr": "Milan", "ar": "ميلانو", "es": "Milán", "bn": "মিলান",
               "ur": "میلان", "uk": "Мілан"},
    "napoli": {"en": "Naples", "fr": "Naples", "ar": "نابولي", "es": "Nápoles",
               "bn": "নাপোলি", "ur": "نیپلز", "uk": "Неаполь"},
    "palermo": {"fr": "Palerme", "ar": "باليرمو", "bn": "পালের্মো", "ur": "پالیرمو",
                "uk": "Палермо"},
    "perugia": {"fr": "Pérouse", "ar": "بيروجيا", "bn": "পেরুজা", "ur": "پیروجا",
                "uk": "Перуджа"},
    "potenza": {"ar": "بوتينزا", "bn": "পোতেনৎসা", "ur": "پوتینزا", "uk": "Потенца"},
    "roma": {"en": "Rome", "fr": "Rome", "ar": "روما", "bn": "রোম", "ur": "روم",
             "uk": "Рим"},
    "sassari": {"ar": "ساساري", "bn": "সাসারি", "ur": "ساساری", "uk": "Сассарі"},
    "taranto": {"fr": "Tarente", "ar": "تارانتو", "es": "Tarento", "bn": "তারান্তো",
                "ur": "تارانتو", "uk": "Таранто"},
    "torino": {"en": "Turin", "fr": "Turin", "ar": "تورينو", "es": "Turín", "bn": "তুরিন",
               "ur": "تورین", "uk": "Турин"},
    "trieste": {"ar": "تريستي", "bn": "ত্রিয়েস্তে", "ur": "تریست", "uk": "Трієст"},
}  # fmt: skip


def ensure_network() -> dict[str, Municipality]:
    """Create the network's municipalities that are missing, give each its names in other
    languages when it has none yet; return all by slug. Flushes."""
    existing = {m.slug: m for m in db.session.scalars(db.select(Municipality))}
    for slug, name, region, istat in NETWORK:
        if slug not in existing:
            existing[slug] = Municipality(slug=slug, name=name, region=region, istat_code=istat)
            db.session.add(existing[slug])
        if not existing[slug].names:
            existing[slug].names = dict(NAMES.get(slug, {}))
    db.session.flush()
    return existing


def known_names(municipality: Municipality) -> list[str]:
    """Every name the municipality is known by: the Italian one first, then its names in
    other languages and its slug, each once (compared without case). What a person may
    write to name it, e.g. in an SMS: ["Milano", "Milan", "Milán", "ميلانو", ...]."""
    names, seen = [], set()
    for value in (municipality.name, *(municipality.names or {}).values(), municipality.slug):
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            names.append(value)
    return names
