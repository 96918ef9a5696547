"""Demo casework for `flask seed demo`: in Roma, Milano and Palermo the one-stop shop and
the mobile unit, the directory of care services, the case team, people taken in charge,
their referrals (every status, each step dated) and a few case notes.

Deterministic (seeded), every time relative to the seed's `now`. The people are
fictitious; people and services have numbers in the reserved demo range
(+39 347 000 03xx services, 04xx people). Rows are written with the models only.
"""

import random
from datetime import datetime, time, timedelta
from types import SimpleNamespace as NS

from civic_app.casework.models import (
    NEEDS,
    CareService,
    CaseNote,
    ConsentMethod,
    Intake,
    IntakeStatus,
    Referral,
    ReferralChange,
    Sensitivity,
    Unit,
    UnitKind,
)
from civic_app.casework.models import ReferralStatus as S
from civic_app.casework.models import ServiceKind as K
from civic_app.core.accounts import User
from civic_app.core.consent import give_consent
from civic_app.core.permissions import Role
from civic_app.core.timeutil import local_to_utc, to_local
from civic_app.extensions import db
from civic_app.people.operations import set_password

#: slug, first name, last name, email, profession: they log in at /login with the demo password.
DEMO_CASEWORKERS = [
    ("roma", "Elena", "Marino", "operatore.roma@demo.civic.local", "caseworker"),
    ("roma", "Francesca", "Conti", "psicologa.roma@demo.civic.local", "psychologist"),
    ("milano", "Davide", "Colombo", "operatore.milano@demo.civic.local", "caseworker"),
    ("palermo", "Rosalia", "Lombardo", "operatore.palermo@demo.civic.local", "caseworker"),
]

#: slug: one-stop shop and its zone, mobile unit and its zone, streets the mobile unit
#: works, the street of the directory's addresses.
CITIES = {
    "roma": ("Sportello unico Esquilino", "Esquilino", "Unità mobile Roma Est",
             "Termini – Tiburtina", ["Piazza dei Cinquecento", "Stazione Tiburtina",
             "Via Marsala", "Pigneto"], "Via Giolitti"),
    "milano": ("Sportello unico Via Padova", "NoLo – Via Padova", "Unità mobile Centrale",
               "Centrale – Loreto", ["Piazza Duca d'Aosta", "Parco Trotter", "Viale Monza",
               "Piazzale Loreto"], "Via Padova"),
    "palermo": ("Sportello unico Ballarò", "Albergheria – Ballarò", "Unità mobile Porto",
                "Porto – Borgo Vecchio", ["Stazione Centrale", "Via Maqueda", "Borgo Vecchio",
                "Molo Santa Lucia"], "Via Maqueda"),
}  # fmt: skip
SHOP_HOURS = "lun–ven 9–13; mar e gio 15–18"
MOBILE_HOURS = "mar, gio e sab 19–23"

#: kind, name, languages, opening hours, notes: the same directory in each city.
SERVICES = [
    (K.LEGAL_AID, "Sportello legale per stranieri", ",it,ar,en,", "mar e gio 9–13",
     "Permessi di soggiorno, protezione internazionale, ricongiungimenti."),
    (K.HEALTH, "Ambulatorio solidale", ",it,en,fr,", "lun–ven 14–18",
     "Visite anche senza tessera sanitaria (codice STP)."),
    (K.MENTAL_HEALTH, "Servizio di salute mentale per migranti", ",it,en,fr,ar,",
     "su appuntamento", "Colloqui con psicologi, anche con una mediatrice culturale."),
    (K.HOUSING_OFFICE, "Ufficio casa del Comune", ",it,en,", "lun e mer 9–12",
     "Domande di alloggio e posti di emergenza."),
    (K.EMPLOYMENT_CENTRE, "Centro per l'impiego", ",it,en,fr,", "lun–ven 8:30–12:30",
     "Iscrizione, orientamento, tirocini."),
    (K.LANGUAGE_SCHOOL, "Scuola di italiano (CPIA)", ",it,en,fr,ar,uk,", "lun–gio 17–19",
     "Corsi gratuiti di ogni livello."),
    (K.FOOD_BANK, "Banco alimentare di quartiere", ",it,", "sab 9–12",
     "Pacchi viveri ogni due settimane."),
    (K.SHELTER, "Accoglienza notturna", ",it,en,fr,ar,", "ogni sera dalle 19",
     "Posti per uomini e per donne; si entra entro le 22."),
    (K.CIVIC_ENGAGEMENT, "Programma di impegno civico", ",it,en,fr,ar,", "",
     "Progetti nel verde, nella cura e nella sicurezza del quartiere."),
]  # fmt: skip
#: The network-wide entry, kept by Roma: name, phone, hours, notes.
HELPLINE = ("Numero verde antitratta (demo)", "+393470000300", "24 ore su 24",
            "Numero nazionale gratuito e anonimo, in molte lingue.")  # fmt: skip

#: first name (or the alias given), last name, sex, year of birth, citizenship, language,
#: has a phone, vulnerability. The n-th person of each city lives the n-th SCRIPT line.
PEOPLE = {
    "roma": [
        ("Mamadou", "Diop", "male", 1994, "SN", "fr", True, ""),
        ("Nusrat", "Jahan", "female", 1997, "BD", "bn", True, ""),
        ("Chinedu", "Okeke", "male", 1996, "NG", "en", True, ""),
        ("Baba", None, "male", 1972, "ML", "fr", False, ""),
        ("Kateryna", "Melnyk", "female", 1983, "UA", "uk", True, ""),
        ("Blessing", None, "female", 2000, "NG", "en", False, "trafficking_victim"),
        ("Youssef", "El Amrani", "male", 2001, "MA", "ar", True, ""),
        ("Rashid", "Ahmed", "male", 1991, "BD", "bn", True, ""),
        ("Imran", "Qureshi", "male", 1985, "PK", "ur", True, ""),
        ("Abu Karim", None, "male", 1968, "SD", "ar", False, ""),
        ("Aïssatou", "Barry", "female", 1999, "GN", "fr", True, "single_parent"),
        ("Rosa", "Huamán", "female", 1978, "PE", "es", True, ""),
    ],
    "milano": [
        ("Andriy", "Bondarenko", "male", 1986, "UA", "uk", True, ""),
        ("Luz", "Quispe", "female", 1993, "PE", "es", True, ""),
        ("Kwame", "Asante", "male", 1995, "GH", "en", True, ""),
        ("José", None, "male", 1998, "SV", "es", False, ""),
        ("Olha", "Shevchenko", "female", 1990, "UA", "uk", True, "single_parent"),
        ("Fatou", None, "female", 2002, "GM", "en", False, "trafficking_victim"),
        ("Hamza", "Ben Salah", "male", 1997, "TN", "ar", True, ""),
        ("Tariq", "Mahmood", "male", 1984, "PK", "ur", True, ""),
        ("Ayesha", None, "female", 1992, "PK", "ur", False, ""),
        ("Rubel", None, "male", 1990, "BD", "bn", False, ""),
        ("Carlos", "Mamani", "male", 1989, "PE", "es", True, ""),
    ],
    "palermo": [
        ("Moussa", "Coulibaly", "male", 1999, "ML", "fr", True, ""),
        ("Mariama", "Bah", "female", 1996, "GN", "fr", True, "single_parent"),
        ("Ibrahim", "Adam", "male", 1987, "SD", "ar", True, ""),
        ("Ousman", None, "male", 2004, "GM", "en", False, "unaccompanied_minor_adult"),
        ("Precious", "Obi", "female", 1998, "NG", "en", True, ""),
        ("Nour", None, "female", 1994, "TN", "ar", False, "trafficking_victim"),
        ("Mohamed", "Ali", "male", 1980, "EG", "ar", True, ""),
        ("Adama", "Konaté", "male", 2003, "CI", "fr", True, "unaccompanied_minor_adult"),
        ("Sabbir", "Hossain", "male", 1993, "BD", "bn", True, "disability"),
        ("Yaw", None, "male", 2000, "GH", "en", False, ""),
    ],
}
#: Days ago each person was met, by their place in the city's list.
DAYS_AGO = [82, 76, 68, 40, 55, 35, 26, 18, 12, 6, 3, 1]
#: The n-th person's first referral: service kind, the status it reached, its timing.
SCRIPT = [
    (K.CIVIC_ENGAGEMENT, S.ACCEPTED, "joined"),  # now a participant
    (K.LEGAL_AID, S.CLOSED, None),  # and the case closed
    (K.HEALTH, S.NO_SHOW, None),  # and not seen since
    (K.HOUSING_OFFICE, S.SENT, "stale"),  # no news for 20 days
    (K.MENTAL_HEALTH, S.ATTENDED, None),
    (K.SHELTER, S.REFUSED, None),
    (K.LEGAL_AID, S.ACCEPTED, "tomorrow"),  # an appointment tomorrow
    (K.EMPLOYMENT_CENTRE, S.ACCEPTED, "today"),  # an appointment today
    (K.LANGUAGE_SCHOOL, S.SENT, None),
    (K.FOOD_BANK, S.PROPOSED, None),
    (K.SHELTER, S.PROPOSED, None),
    (K.HEALTH, S.PROPOSED, None),
]
#: Second referrals, by person.
EXTRA = {
    0: (K.LEGAL_AID, S.CLOSED),
    1: (K.FOOD_BANK, S.CLOSED),
    4: (K.HEALTH, S.CLOSED),
    5: (K.OTHER, S.ATTENDED),  # the network-wide helpline
    7: (K.LANGUAGE_SCHOOL, S.ACCEPTED),
    10: (K.SHELTER, S.ATTENDED),
}
#: Each status as reached step by step.
PATHS = {
    S.PROPOSED: [S.PROPOSED],
    S.SENT: [S.PROPOSED, S.SENT],
    S.ACCEPTED: [S.PROPOSED, S.SENT, S.ACCEPTED],
    S.ATTENDED: [S.PROPOSED, S.SENT, S.ACCEPTED, S.ATTENDED],
    S.CLOSED: [S.PROPOSED, S.SENT, S.ACCEPTED, S.ATTENDED, S.CLOSED],
    S.REFUSED: [S.PROPOSED, S.SENT, S.REFUSED],
    S.NO_SHOW: [S.PROPOSED, S.SENT, S.ACCEPTED, S.NO_SHOW],
}
#: Days from the referral to its last step; the others end shortly before `now`.
DURATION = {S.CLOSED: 21, S.NO_SHOW: 14, S.ATTENDED: 12, S.REFUSED: 6}
#: Days before `now` of the last step, by timing (then by status).
LAST_NEWS = {"joined": 6, "stale": 20, "tomorrow": 2, "today": 3, S.SENT: 2, S.ACCEPTED: 1}
NEED_OF = {
    K.LEGAL_AID: "legal", K.HEALTH: "health", K.MENTAL_HEALTH: "mental_health",
    K.HOUSING_OFFICE: "housing", K.SHELTER: "housing", K.EMPLOYMENT_CENTRE: "work",
    K.LANGUAGE_SCHOOL: "language_course", K.FOOD_BANK: "basic_needs", K.OTHER: "other",
    K.CIVIC_ENGAGEMENT: "work",
}  # fmt: skip
REASONS = {
    K.LEGAL_AID: "Rinnovo del permesso di soggiorno", K.HEALTH: "Visita medica di base",
    K.MENTAL_HEALTH: "Colloquio di sostegno psicologico",
    K.HOUSING_OFFICE: "Domanda per un alloggio di emergenza",
    K.EMPLOYMENT_CENTRE: "Iscrizione e orientamento al lavoro",
    K.LANGUAGE_SCHOOL: "Corso di italiano, livello A1", K.FOOD_BANK: "Pacco viveri",
    K.SHELTER: "Un posto letto per la notte",
    K.CIVIC_ENGAGEMENT: "Vuole rendersi utile nel quartiere", K.OTHER: "Protezione e orientamento",
}  # fmt: skip
#: What the last step says, by status (closed: by kind, then any).
OUTCOMES = {
    K.LEGAL_AID: "Permesso rinnovato e ritirato in questura.",
    K.FOOD_BANK: "Riceve il pacco ogni due settimane.",
    K.HEALTH: "Visita fatta; le cure continuano dal medico di base.",
    S.CLOSED: "Fatto quello che serviva.",
    S.REFUSED: "Nessun posto libero fino a fine mese.",
    S.NO_SHOW: "Non si sa: il telefono risulta spento.",
}
LANGUAGE_NAMES = {"ar": "arabo", "fr": "francese", "en": "inglese", "bn": "bengalese",
                  "ur": "urdu", "uk": "ucraino", "es": "spagnolo"}  # fmt: skip
#: person, sensitivity, days after the intake, text (health notes: Roma's psychologist).
NOTES = [
    (0, Sensitivity.TEAM, 0, "Incontro con l'unità mobile, con la mediatrice. Chiede come "
     "rinnovare il permesso di soggiorno e vorrebbe rendersi utile nel quartiere."),
    (0, Sensitivity.TEAM, 76.5, "Ha accettato il programma di impegno civico: preferisce "
     "attività all'aperto, la mattina."),
    (2, Sensitivity.TEAM, 15, "Assente all'appuntamento in ambulatorio; il telefono risulta "
     "spento. Riproviamo al prossimo giro dell'unità mobile."),
    (3, Sensitivity.TEAM, 21, "L'ufficio casa non ha ancora risposto: da sollecitare."),
    (4, Sensitivity.HEALTH, 13, "Colloquio di sostegno con la mediatrice. Riferisce "
     "difficoltà a dormire e molta stanchezza; concordato un nuovo incontro tra due settimane."),
    (4, Sensitivity.HEALTH, 27, "Secondo colloquio: dorme meglio. Continua il percorso al "
     "servizio di salute mentale."),
    (6, Sensitivity.TEAM, 23, "Appuntamento allo sportello legale confermato. Portare il "
     "passaporto e la ricevuta della questura."),
    (7, Sensitivity.TEAM, 1, "Preferisce le telefonate dopo le 18: di giorno lavora."),
]  # fmt: skip


def seed_demo_casework(municipalities: dict, now: datetime, password: str) -> int:
    """The case team, units, directory and cases of Roma, Milano and Palermo, once.

    Returns the number of intakes made (0 when any unit exists). Flushes.
    """
    if db.session.scalar(db.select(Unit.id).limit(1)) is not None:
        return 0
    rng = random.Random(2026)  # noqa: S311 (demo data, not security)
    team = _team(municipalities, password)
    world = NS(rng=rng, now=now, today=to_local(now).date(), phones=iter(range(401, 500)))
    made, helpline = 0, None
    for c, (slug, people) in enumerate(PEOPLE.items()):
        m = municipalities[slug]
        shop, shop_zone, mobile, mobile_zone, streets, street = CITIES[slug]
        since = now - timedelta(days=120)
        units = [
            Unit(municipality_id=m.id, name=shop, kind=UnitKind.ONE_STOP_SHOP, zone=shop_zone,
                 opening_hours=SHOP_HOURS, created_at=since, updated_at=since),
            Unit(municipality_id=m.id, name=mobile, kind=UnitKind.MOBILE_UNIT, zone=mobile_zone,
                 opening_hours=MOBILE_HOURS, created_at=since, updated_at=since),
        ]  # fmt: skip
        services = {
            kind: CareService(
                municipality_id=m.id, name=name, kind=kind, languages=languages,
                address=f"{street} {10 + 7 * n}, {m.name}" if kind != K.CIVIC_ENGAGEMENT else "",
                phone=f"+39347000{310 + 10 * c + n:04d}" if n % 3 == 0 else "",
                opening_hours=hours, notes=notes, created_at=since, updated_at=since,
            )
            for n, (kind, name, languages, hours, notes) in enumerate(SERVICES)
        }  # fmt: skip
        if helpline is None:
            name, phone, hours, notes = HELPLINE
            helpline = CareService(
                municipality_id=m.id, name=name, kind=K.OTHER, phone=phone,
                opening_hours=hours, notes=notes, languages=",it,en,fr,ar,es,uk,",
                network_wide=True, created_at=since, updated_at=since,
            )  # fmt: skip
            db.session.add(helpline)
        services[K.OTHER] = helpline
        db.session.add_all([*units, *services.values()])
        db.session.flush()
        city = NS(
            m=m, units=units, services=services, streets=streets,
            worker=team[slug, "caseworker"], psychologist=team.get((slug, "psychologist")),
        )  # fmt: skip
        for n, spec in enumerate(people):
            _case(world, city, n, spec)
            made += 1
    db.session.flush()
    return made


def _team(municipalities: dict, password: str) -> dict:
    """The demo case team by (slug, profession), made if missing (one password hash)."""
    team, account = {}, NS()
    set_password(account, password)
    for slug, first, last, email, profession in DEMO_CASEWORKERS:
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is None:
            user = User(role=Role.CASEWORKER, municipality=municipalities[slug], first_name=first,
                        last_name=last, email=email, profession=profession,
                        preferred_language="it", password_hash=account.password_hash)  # fmt: skip
            db.session.add(user)
        team[slug, profession] = user
    db.session.flush()
    return team


def _case(world, city, n: int, spec) -> None:
    rng, now, today = world.rng, world.now, world.today
    first, last, sex, year, country, language, has_phone, vulnerability = spec
    met_on = today - timedelta(days=DAYS_AGO[n])
    at = min(local_to_utc(met_on, time(rng.randint(9, 12), rng.choice([0, 15, 30, 45]))),
             now - timedelta(hours=2))  # fmt: skip
    unit = city.units[1] if n == 0 else rng.choice(city.units)
    mobile = unit.kind == UnitKind.MOBILE_UNIT
    joined = SCRIPT[n][2] == "joined"
    person = User(
        role=Role.PARTICIPANT if joined else Role.IN_CARE, municipality_id=city.m.id,
        first_name=first, last_name=last, preferred_language=language, sex=sex,
        birth_year=year, citizenship=country,
        phone=f"+39347000{next(world.phones):04d}" if has_phone else None,
        vulnerabilities=f",{vulnerability}," if vulnerability else "",
        signed_up_via="assisted" if joined else None,
        referral_source="mobile_unit" if joined else None,
        created_at=at, updated_at=at,
    )  # fmt: skip
    db.session.add(person)
    db.session.flush()
    method = rng.choice(
        [ConsentMethod.SMS_CODE, ConsentMethod.WRITTEN, ConsentMethod.VERBAL]
        if has_phone else [ConsentMethod.VERBAL, ConsentMethod.VERBAL, ConsentMethod.WRITTEN]
    )  # fmt: skip
    interpreter = None
    if method == ConsentMethod.VERBAL and (language not in ("en", "fr") or rng.random() < 0.5):
        who = rng.choice(["Mediatrice culturale", "Interprete al telefono"])
        interpreter = f"{who} ({LANGUAGE_NAMES[language]})"
    worker = city.worker
    give_consent(person, "casework", language=language, method=method.value, now=at,
                 recorded_by=worker)  # fmt: skip
    if has_phone and n % 4 != 3:
        give_consent(person, "sms", language=language, method="sms_code", now=at)
    plan = [SCRIPT[n]] + ([(*EXTRA[n], None)] if n in EXTRA else [])
    needs = {NEED_OF[kind] for kind, _status, _timing in plan}
    needs.add(rng.choice(["housing", "legal", "basic_needs", "language_course"]))
    intake = Intake(
        municipality_id=city.m.id, person_id=person.id, unit_id=unit.id,
        zone=rng.choice(city.streets) if mobile else unit.zone, met_on=met_on,
        needs="," + ",".join(code for code in NEEDS if code in needs) + ",",
        consent_method=method, interpreter=interpreter, recorded_by_id=worker.id,
        last_seen_on=met_on, created_at=at, updated_at=at,
    )  # fmt: skip
    db.session.add(intake)
    db.session.flush()
    seen = [at]
    for kind, status, timing in plan:
        seen.append(_referral(world, city, intake, kind, status, timing, at))
        if timing == "joined":
            give_consent(person, "programme", language=language, method="verbal",
                         now=seen[-1], recorded_by=worker)  # fmt: skip
    for who, sensitivity, days, body in NOTES:
        author = city.psychologist if sensitivity == Sensitivity.HEALTH else worker
        if who != n or author is None:
            continue
        written = min(at + timedelta(days=days), now - timedelta(minutes=30))
        db.session.add(
            CaseNote(municipality_id=city.m.id, intake_id=intake.id, author_id=author.id,
                     author_profession=author.profession, sensitivity=sensitivity,
                     body=body, written_at=written)
        )  # fmt: skip
        seen.append(written)
    if SCRIPT[n][1] != S.NO_SHOW:  # the person missed the appointment: not seen since
        intake.last_seen_on = max(to_local(moment).date() for moment in seen)
    if SCRIPT[n][1] == S.CLOSED:
        intake.status = IntakeStatus.CLOSED
        intake.closed_at = min(max(seen) + timedelta(days=2), now - timedelta(hours=1))
        intake.closed_reason = "needs_met"
    intake.updated_at = max(seen)


def _referral(world, city, intake, kind, status, timing, met_at) -> datetime:
    """One referral and the steps that brought it to `status`; returns its last step."""
    now, today = world.now, world.today
    start = met_at + timedelta(hours=2)
    if timing == "joined":
        start = now - timedelta(days=16)
    if status in DURATION:
        end = start + timedelta(days=DURATION[status])
    elif status == S.PROPOSED:
        end = start
    else:
        end = now - timedelta(days=LAST_NEWS.get(timing, LAST_NEWS.get(status, 1)))
    end = max(start, min(end, now - timedelta(hours=1)))
    path = PATHS[status]
    gap = (end - start) / max(1, len(path) - 1)
    steps = [(step, start + gap * i) for i, step in enumerate(path)]
    appointment = None
    if timing in ("today", "tomorrow"):
        day = today + timedelta(days=1 if timing == "tomorrow" else 0)
        appointment = local_to_utc(day, time(10) if timing == "tomorrow" else time(15, 30))
    elif status in (S.ATTENDED, S.CLOSED, S.NO_SHOW):
        appointment = steps[3][1]  # the day it was (or was to be) attended
    outcome = OUTCOMES.get(status, "")
    if status == S.CLOSED:
        outcome = OUTCOMES.get(kind, outcome)
    service = city.services[kind]
    referral = Referral(
        municipality_id=city.m.id, intake_id=intake.id, service_id=service.id,
        reason=REASONS[kind], appointment_at=appointment,
        appointment_place=(service.address or service.name) if appointment else "",
        status=status, outcome=outcome, status_changed_at=end, created_by_id=city.worker.id,
        created_at=start, updated_at=end,
    )  # fmt: skip
    db.session.add(referral)
    db.session.flush()
    for step, at in steps:
        note = outcome if step == status and outcome else ""
        db.session.add(
            ReferralChange(referral_id=referral.id, status=step, at=at, by_id=city.worker.id,
                           note=note)
        )  # fmt: skip
    return end
