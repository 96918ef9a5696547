"""Casework in one municipality for `flask seed scale` (see seeding/scale.py): its case
team, a one-stop shop and a mobile unit, about ten care services, and its share of the
3000 × factor intakes (shared out like the participants), each with one or two
referrals, their steps (1 to 3) and about one case note.

About one intake in five is a participant's: the people who signed up assisted were met
by a unit first, referred to the municipality's civic-engagement programme and accepted
(about 600 of the 3000 at factor 1, beside the 600 plans); their sign-up names that
unit as the referral source. The others are people in care (role in_care), 60 % with a
phone (+39 349 …). Everything is drawn from the municipality's own casework `rng`, so
the rest of the data set is the same with or without it.
"""

from datetime import datetime, time, timedelta

from civic_app.casework.models import NEEDS, ConsentMethod, IntakeStatus, Sensitivity, UnitKind
from civic_app.casework.models import ReferralStatus as S
from civic_app.casework.models import ServiceKind as K
from civic_app.core.consent import CONSENT_VERSION
from civic_app.core.permissions import Role
from civic_app.seeding.bulk import (
    CITIZENSHIPS,
    EMAIL_DOMAIN,
    FIRST_NAMES,
    LANGUAGES,
    LAST_NAMES,
    by_threshold,
    stamp,
    user_row,
)
from civic_app.seeding.demo_casework import (
    HELPLINE,
    MOBILE_HOURS,
    OUTCOMES,
    REASONS,
    SERVICES,
    SHOP_HOURS,
)

#: What factor 1 means: the programme's target of people taken in charge.
INTAKES = 3000
#: People in care get +39 349 0000001, … (participants have +39 348).
CARE_PHONE_PREFIX = "+39349"
SOCIAL = (K.SOCIAL_SERVICES, "Servizi sociali del Municipio", ",it,en,", "lun–ven 9–12", "")
KINDS_FOR_NEED = {
    "housing": [K.HOUSING_OFFICE, K.SHELTER],
    "health": [K.HEALTH],
    "mental_health": [K.MENTAL_HEALTH],
    "legal": [K.LEGAL_AID],
    "work": [K.EMPLOYMENT_CENTRE],
    "language_course": [K.LANGUAGE_SCHOOL],
    "basic_needs": [K.FOOD_BANK, K.SOCIAL_SERVICES],
    "other": [K.SOCIAL_SERVICES],
}
REASON_OF = REASONS | {K.SOCIAL_SERVICES: "Presa in carico dei servizi sociali"}
#: The steps to each status (a step may skip ahead, as the referral form allows).
PATHS = {
    S.PROPOSED: [S.PROPOSED],
    S.SENT: [S.PROPOSED, S.SENT],
    S.ACCEPTED: [S.PROPOSED, S.SENT, S.ACCEPTED],
    S.ATTENDED: [S.PROPOSED, S.ACCEPTED, S.ATTENDED],
    S.CLOSED: [S.PROPOSED, S.ATTENDED, S.CLOSED],
    S.REFUSED: [S.PROPOSED, S.SENT, S.REFUSED],
    S.NO_SHOW: [S.PROPOSED, S.ACCEPTED, S.NO_SHOW],
}
ENDED = frozenset({S.ATTENDED, S.CLOSED, S.REFUSED, S.NO_SHOW})
INTERPRETERS = ["Mediatrice culturale", "Interprete al telefono", "Un amico, come interprete"]
ZONES = ["Stazione", "Centro storico", "Quartiere nord", "Quartiere sud", "Mercato", "Porto"]
TEAM_NOTES = [
    "Primo colloquio allo sportello: porta i documenti la prossima volta.",
    "Incontro con l'unità mobile; dato l'indirizzo dell'accoglienza notturna.",
    "Telefonato per ricordare l'appuntamento: conferma.",
    "Chiede un corso di italiano la sera: di giorno lavora.",
    "Passato/a per un saluto: sta meglio e ha un lavoro part-time.",
    "Servizio sollecitato per avere notizie dell'invio.",
]
HEALTH_NOTES = [
    "Colloquio di sostegno: dorme poco; nuovo incontro tra due settimane.",
    "Secondo colloquio: va meglio; continua il percorso con il servizio.",
]


def intake_total(factor: float, municipalities: int) -> int:
    """Intakes for `factor`: 3000 at factor 1, at least ten per municipality."""
    return max(municipalities * 10, round(INTAKES * factor))


def seed_casework(ctx, rng, m, count: int) -> None:
    """The casework rows of municipality `m` (seed_municipality's), into `ctx.rows`."""
    c = ctx.casework
    c.setdefault("network", [])
    c.setdefault("phones", 0)
    since = ctx.utc(ctx.today - timedelta(days=350), time(9))
    m.caseworker, m.psychologist = (
        ctx.rows.add("user", user_row(
            ctx, Role.CASEWORKER, m.id, "Operatore", f"{n} {m.name}", at=since,
            email=f"caseworker{n}.{m.slug}@{EMAIL_DOMAIN}", profession=profession,
        ))
        for n, profession in ((1, "caseworker"), (2, "psychologist"))
    )  # fmt: skip
    m.units = [
        (ctx.rows.add("unit", stamp({
            "municipality_id": m.id, "name": name, "kind": kind, "zone": zone,
            "opening_hours": hours, "is_active": True}, since)), kind)
        for name, kind, zone, hours in (
            (f"Sportello unico {m.name}", UnitKind.ONE_STOP_SHOP, "Centro", SHOP_HOURS),
            (f"Unità mobile {m.name}", UnitKind.MOBILE_UNIT, "Stazione e centro", MOBILE_HOURS),
        )
    ]  # fmt: skip
    m.services = {}
    for n, (kind, name, languages, hours, notes) in enumerate([*SERVICES, SOCIAL]):
        m.services[kind] = _service(ctx, m, since, name, kind, languages, hours, notes, n)
    if not c["network"]:
        name, phone, hours, notes = HELPLINE
        c["network"].append(
            _service(ctx, m, since, name, K.OTHER, ",it,en,fr,ar,", hours, notes, 0, phone)
        )
    assisted = [
        row
        for row in ctx.rows.tables.get("user", ())
        if row["role"] == Role.PARTICIPANT
        and row["municipality_id"] == m.id
        and row["signed_up_via"] == "assisted"
    ][:count]
    for row in assisted:
        _case(ctx, rng, m, row)
    for _n in range(count - len(assisted)):
        _case(ctx, rng, m, None)


def _service(ctx, m, since, name, kind, languages, hours, notes, n, phone="") -> int:
    row = {
        "municipality_id": m.id, "name": name, "kind": kind,
        "address": f"Via {LAST_NAMES[n % len(LAST_NAMES)]} {n + 5}, {m.name}"
        if kind != K.CIVIC_ENGAGEMENT else "",
        "phone": phone, "opening_hours": hours, "languages": languages, "notes": notes,
        "network_wide": bool(phone), "retired_at": None,
    }  # fmt: skip
    return ctx.rows.add("care_service", stamp(row, since))


def _person(ctx, rng, m, at) -> tuple[int, str, bool]:
    """A new person in care: (id, language, takes SMS)."""
    phone, sms = None, False
    if rng.random() < 0.6:
        ctx.casework["phones"] += 1
        phone, sms = f"{CARE_PHONE_PREFIX}{ctx.casework['phones']:07d}", rng.random() < 0.7
    language = rng.choice(LANGUAGES)
    row = user_row(
        ctx, Role.IN_CARE, m.id, FIRST_NAMES[rng.randrange(len(FIRST_NAMES))],
        LAST_NAMES[rng.randrange(len(LAST_NAMES))] if rng.random() < 0.75 else None,
        at=at, phone=phone, preferred_language=language,
        sex=rng.choice(["female", "male", "male", "other", None]),
        birth_year=rng.randint(1960, 2007) if rng.random() < 0.85 else None,
        citizenship=rng.choice(CITIZENSHIPS) if rng.random() < 0.9 else None,
        vulnerabilities=rng.choice(["", "", "", "", ",trafficking_victim,", ",disability,",
                                    ",single_parent,", ",unaccompanied_minor_adult,"]),
    )  # fmt: skip
    person = ctx.rows.add("user", row)
    if sms:
        _consent(ctx, person, "sms", language, "sms_code", at, None)
    return person, language, phone is not None


def _consent(ctx, person, purpose, language, method, at, by) -> None:
    ctx.rows.add("consent", {
        "user_id": person, "purpose": purpose, "version": CONSENT_VERSION,
        "language": language, "text": ctx.consent_texts[(purpose, language)],
        "method": method, "given_at": at, "withdrawn_at": None, "recorded_by_id": by,
    })  # fmt: skip


def _case(ctx, rng, m, participant: dict | None) -> None:
    """One intake: of `participant` (their pending user row), or of a new person."""
    cutoff = ctx.cutoff
    if participant is not None:
        joined = participant["created_at"]
        met_on = joined.astimezone(ctx.zone).date() - timedelta(days=rng.randint(3, 30))
    else:
        met_on = ctx.today - timedelta(days=rng.randint(1, 364))
    at = ctx.utc(met_on, time(rng.randint(9, 18), rng.choice([0, 15, 30, 45])))
    unit, unit_kind = rng.choice(m.units)
    if participant is not None:
        person, language = participant["id"], participant["preferred_language"]
        has_phone = True
        participant["referral_source"] = unit_kind.value  # who sent them: this unit
    else:
        person, language, has_phone = _person(ctx, rng, m, at)
    weights = [35, 35, 30] if has_phone else [0, 40, 60]
    method = rng.choices([ConsentMethod.SMS_CODE, ConsentMethod.WRITTEN, ConsentMethod.VERBAL],
                         weights)[0]  # fmt: skip
    interpreter = None
    if method == ConsentMethod.VERBAL and rng.random() < 0.6:
        interpreter = rng.choice(INTERPRETERS)
    _consent(ctx, person, "casework", language, method.value, at, m.caseworker)
    needs = set(rng.sample(NEEDS[:-1], rng.choices([1, 2, 3], [45, 40, 15])[0]))
    if rng.random() < 0.05:
        needs.add("other")
    row = {
        "municipality_id": m.id, "person_id": person, "unit_id": unit,
        "zone": rng.choice(ZONES) if unit_kind == UnitKind.MOBILE_UNIT else "Centro",
        "met_on": met_on, "needs": "," + ",".join(n for n in NEEDS if n in needs) + ",",
        "consent_method": method, "interpreter": interpreter, "recorded_by_id": m.caseworker,
        "status": IntakeStatus.OPEN, "closed_at": None, "closed_reason": None,
        "last_seen_on": met_on, "client_key": None,
    }  # fmt: skip
    intake = ctx.rows.add("intake", stamp(row, at))
    lasts, ended = [], True
    if participant is not None:
        start = min(at + timedelta(hours=rng.randint(1, 48)), joined - timedelta(days=2))
        steps = [(S.PROPOSED, start), (S.SENT, start + (joined - start) / 2),
                 (S.ACCEPTED, joined - timedelta(hours=1))]  # fmt: skip
        lasts.append(_referral(ctx, m, intake, m.services[K.CIVIC_ENGAGEMENT], K.CIVIC_ENGAGEMENT,
                               steps, None))  # fmt: skip
        ended = False
    for _n in range(1 + (rng.random() < 0.3) - (participant is not None)):
        status, last = _random_referral(ctx, rng, m, intake, needs, at, cutoff)
        lasts.append(last)
        ended = ended and status in ENDED
    last = max(lasts)
    for _n in range(rng.choices([0, 1, 2], [30, 40, 30])[0]):
        health = bool(needs & {"health", "mental_health"}) and rng.random() < 0.5
        span = max(last, at + timedelta(hours=1)) - at
        ctx.rows.add("case_note", {
            "municipality_id": m.id, "intake_id": intake,
            "author_id": m.psychologist if health else m.caseworker,
            "author_profession": "psychologist" if health else "caseworker",
            "sensitivity": Sensitivity.HEALTH if health else Sensitivity.TEAM,
            "body": rng.choice(HEALTH_NOTES if health else TEAM_NOTES),
            "written_at": min(at + span * rng.random(), cutoff - timedelta(minutes=1)),
        })  # fmt: skip
    row["last_seen_on"] = max(met_on, last.astimezone(ctx.zone).date())
    if ended and last < cutoff - timedelta(days=30) and rng.random() < 0.7:
        closed = min(last + timedelta(days=rng.randint(7, 30)), cutoff - timedelta(hours=1))
        row["status"], row["closed_at"] = IntakeStatus.CLOSED, closed
        row["closed_reason"] = by_threshold(
            rng.random(), [(0.55, "needs_met"), (0.80, "lost_contact"), (0.95, "moved_away")],
            "other",
        )  # fmt: skip
        row["last_seen_on"] = closed.astimezone(ctx.zone).date()
    row["updated_at"] = max(last, row["closed_at"] or last)


def _random_referral(ctx, rng, m, intake, needs, at, cutoff):
    """A referral for one of the needs; its steps planned, then cut at the seed's today
    (so recent referrals are earlier on their way). Returns (status, last step)."""
    kind = rng.choice(KINDS_FOR_NEED[rng.choice(sorted(needs))])
    service = m.services[kind]
    if rng.random() < 0.04:
        kind, service = K.OTHER, ctx.casework["network"][0]
    final = by_threshold(
        rng.random(),
        [(0.10, S.PROPOSED), (0.22, S.SENT), (0.40, S.ACCEPTED), (0.58, S.ATTENDED),
         (0.82, S.CLOSED), (0.92, S.REFUSED)],
        S.NO_SHOW,
    )  # fmt: skip
    moment = min(at + timedelta(hours=rng.randint(1, 72)), cutoff - timedelta(hours=1))
    planned = []
    for step in PATHS[final]:
        planned.append((step, moment))
        moment += timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 8))
    appointment = next((t for s, t in planned if s in (S.ATTENDED, S.NO_SHOW)), None)
    if appointment is None and final == S.ACCEPTED:
        appointment = moment  # still to come, or passed with no news
    steps = [(s, t) for s, t in planned if t < cutoff]
    _referral(ctx, m, intake, service, kind, steps, appointment)
    return steps[-1][0], steps[-1][1]


def _referral(ctx, m, intake, service, kind, steps, appointment) -> datetime:
    """The referral row and its steps; returns the last step's time."""
    status, last = steps[-1]
    outcome = OUTCOMES.get(status, "")
    if status == S.CLOSED:
        outcome = OUTCOMES.get(kind, outcome)
    if status in (S.PROPOSED, S.SENT, S.REFUSED):
        appointment = None
    referral = ctx.rows.add("referral", {
        "municipality_id": m.id, "intake_id": intake, "service_id": service,
        "reason": REASON_OF[kind], "appointment_at": appointment,
        "appointment_place": "" if appointment is None else "Alla sede del servizio",
        "status": status, "outcome": outcome, "status_changed_at": last,
        "created_by_id": m.caseworker, "created_at": steps[0][1], "updated_at": last,
    })  # fmt: skip
    for step, moment in steps:
        ctx.rows.add("referral_change", {
            "referral_id": referral, "status": step, "at": moment, "by_id": m.caseworker,
            "note": outcome if step == status else "",
        })  # fmt: skip
    return last
