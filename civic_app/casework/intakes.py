"""Taking a person in charge: recording an intake, offering a known person as a match
instead of a duplicate, and merging two records of the same person. These flush; the
caller commits.

A person may give nothing but an alias: every fact but the first name (or alias) and the
consent is optional. An intake recorded offline carries the `client_key` its phone made,
so that sending it twice records it once.
"""

import re
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from civic_app.casework.models import NEEDS, ConsentMethod, Intake, Unit
from civic_app.core.accounts import Consent, User
from civic_app.core.audit import record
from civic_app.core.consent import active_consent, give_consent
from civic_app.core.demographics import (
    SEXES,
    birth_year_bounds,
    configured_vulnerabilities,
    country_codes,
    vulnerability_codes,
)
from civic_app.core.errors import DomainError
from civic_app.core.forms import MIN_YEAR
from civic_app.core.permissions import Role
from civic_app.core.phones import normalize_phone
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.sms.models import Message
from civic_app.sms.templates import SMS_LANGUAGES

#: The people a caseworker may meet again: the team's own accounts never match.
MATCHABLE_ROLES = (Role.IN_CARE, Role.PARTICIPANT)
#: At most this many known people are offered as matches.
MAX_MATCHES = 10
#: Longest values kept (the columns' sizes).
LIMITS = {"first_name": 80, "last_name": 80, "zone": 80, "interpreter": 120}
#: What a phone may send as its key: random letters, digits, "-" and "_".
CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def intake_by_key(municipality_id: int, client_key: str | None) -> Intake | None:
    """The intake of `municipality_id` already recorded with `client_key`, if any."""
    if not client_key:
        return None
    return db.session.scalar(
        db.select(Intake).where(
            Intake.client_key == client_key, Intake.municipality_id == municipality_id
        )
    )


def _matchable(municipality_id: int):
    return db.select(User).where(
        User.municipality_id == municipality_id,
        User.role.in_(MATCHABLE_ROLES),
        User.erased_at.is_(None),
    )


def _same_name(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.strip().casefold() == b.strip().casefold()


def find_matches(
    municipality_id: int,
    phone: str | None,
    first_name: str | None,
    birth_year: int | None,
    citizenship: str | None,
) -> list[User]:
    """The people of `municipality_id` who may be this person: the same phone (E.164),
    or the same first name (case and spaces aside), year of birth and citizenship.
    Those with the same phone come first."""
    found: list[User] = []
    if phone:
        found += db.session.scalars(_matchable(municipality_id).where(User.phone == phone))
    if first_name and first_name.strip() and birth_year and citizenship:
        # The name is compared here: SQL's lower() knows only ASCII on SQLite.
        candidates = db.session.scalars(
            _matchable(municipality_id)
            .where(User.birth_year == birth_year, User.citizenship == citizenship.upper())
            .order_by(User.id)
        )
        found += [u for u in candidates if _same_name(u.first_name, first_name)]
    unique = list({user.id: user for user in found}.values())
    return unique[:MAX_MATCHES]


def last_seen(people: list[User]) -> dict[int, date]:
    """The last day the team saw each of `people` (over all their intakes)."""
    if not people:
        return {}
    rows = db.session.execute(
        db.select(Intake.person_id, func.max(Intake.last_seen_on))
        .where(Intake.person_id.in_([p.id for p in people]))
        .group_by(Intake.person_id)
    )
    return {person_id: day for person_id, day in rows}


def _text(data: dict, name: str, *, required: bool = False) -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        raise DomainError(name, _l("Scrivi almeno il nome o un soprannome."))
    if len(value) > LIMITS[name]:
        raise DomainError(name, _l("Al massimo %(n)s caratteri.", n=LIMITS[name]))
    return value


def birth_year_message(year: int):
    low, high = birth_year_bounds(year)
    return _l("Scrivi l'anno di nascita con 4 cifre, tra %(low)s e %(high)s.", low=low, high=high)


def _facts(data: dict, today: date) -> dict:
    """sex, birth_year, citizenship, preferred_language, vulnerabilities, checked."""
    sex = data.get("sex") or None
    if sex is not None and sex not in SEXES:
        raise DomainError("sex", _l("Scegli una voce dell'elenco."))
    birth_year = data.get("birth_year")
    if birth_year is not None:
        low, high = birth_year_bounds(today.year)
        if isinstance(birth_year, bool) or not isinstance(birth_year, int):
            birth_year = -1
        if not low <= birth_year <= high:
            raise DomainError("birth_year", birth_year_message(today.year))
    citizenship = (data.get("citizenship") or "").strip().upper() or None
    if citizenship is not None and citizenship not in country_codes():
        raise DomainError("citizenship", _l("Scegli un paese dell'elenco."))
    language = data.get("preferred_language") or "it"
    if language not in SMS_LANGUAGES:
        raise DomainError("language", _l("Scegli una lingua dell'elenco."))
    allowed = configured_vulnerabilities()
    wanted = set(data.get("vulnerabilities") or ())
    if wanted - set(allowed):
        raise DomainError("vulnerabilities", _l("Scegli una voce dell'elenco."))
    return {
        "sex": sex,
        "birth_year": birth_year,
        "citizenship": citizenship,
        "preferred_language": language,
        "vulnerabilities": [code for code in allowed if code in wanted],
    }


def _codes(values: list[str]) -> str:
    return "," + ",".join(values) + "," if values else ""


def _unit(municipality_id: int, unit_id) -> Unit | None:
    if unit_id in (None, ""):
        return None
    unit = db.session.get(Unit, unit_id) if isinstance(unit_id, int) else None
    if unit is None or unit.municipality_id != municipality_id or not unit.is_active:
        raise DomainError("unit", _l("Scegli un'unità dell'elenco."))
    return unit


def _met_on(value, today: date) -> date:
    if not isinstance(value, date):
        raise DomainError("met_on", _l("Scrivi la data in cui hai incontrato la persona."))
    if value > today:
        raise DomainError("met_on", _l("La data dell'incontro non può essere nel futuro."))
    if value.year < MIN_YEAR:
        raise DomainError("met_on", _l("Scegli una data dal %(first)s in poi.", first=MIN_YEAR))
    return value


def _consent(data: dict, phone: str | None) -> tuple[ConsentMethod, str | None]:
    try:
        method = ConsentMethod(data.get("consent_method") or "")
    except ValueError:
        raise DomainError("consent_method", _l("Scegli come la persona dà il consenso.")) from None
    if method == ConsentMethod.SMS_CODE and not phone:
        raise DomainError("consent_method", _l("Senza telefono il consenso è scritto o a voce."))
    # Only a consent said aloud has an interpreter; "" records that there was none.
    interpreter = _text(data, "interpreter") if method == ConsentMethod.VERBAL else None
    return method, interpreter


def _phone_owner(phone: str | None) -> User | None:
    return db.session.scalar(db.select(User).where(User.phone == phone)) if phone else None


def _person(municipality_id: int, data: dict, phone: str | None, facts: dict) -> User:
    """The chosen known person (their empty facts filled in), or a new person in care."""
    owner = _phone_owner(phone)
    person_id = data.get("person_id")
    if person_id is not None:
        person = (
            db.session.scalar(_matchable(municipality_id).where(User.id == person_id))
            if isinstance(person_id, int)
            else None
        )
        if person is None:
            raise DomainError("person", _l("Scegli una persona dell'elenco o una persona nuova."))
    else:
        person = None
    if owner is not None and owner is not person:
        if owner.municipality_id == municipality_id and owner.role in MATCHABLE_ROLES:
            message = _l(
                "Questo numero è di una persona già registrata: scegli quella persona "
                "o togli il numero."
            )
        else:
            message = _l("Questo numero non si può usare qui: controllalo o lascialo vuoto.")
        raise DomainError("phone", message)
    if person is None:
        person = User(
            role=Role.IN_CARE,
            municipality_id=municipality_id,
            first_name=data["first_name"],
            last_name=data["last_name"] or None,
            phone=phone,
            preferred_language=facts["preferred_language"],
            sex=facts["sex"],
            birth_year=facts["birth_year"],
            citizenship=facts["citizenship"],
            vulnerabilities=_codes(facts["vulnerabilities"]),
        )
        db.session.add(person)
        db.session.flush()
        return person
    fill = {"last_name": data["last_name"] or None, "phone": phone} | facts
    for name in ("last_name", "phone", "sex", "birth_year", "citizenship"):
        if getattr(person, name) in (None, "") and fill[name] is not None:
            setattr(person, name, fill[name])
    known = vulnerability_codes(person.vulnerabilities)
    both = [
        code for code in configured_vulnerabilities() if code in {*known, *facts["vulnerabilities"]}
    ]
    person.vulnerabilities = _codes(both + [c for c in known if c not in both])
    return person


def record_intake(municipality_id: int, recorded_by: User, data: dict, now: datetime) -> Intake:
    """Record the intake described by `data` (and its person, and the casework consent).

    `data`: first_name (or an alias), last_name, phone, sex, birth_year, citizenship,
    preferred_language, vulnerabilities, unit_id, zone, met_on, needs, consent_method,
    interpreter, client_key, and person_id when the caseworker chose a known person.
    With a `client_key` already recorded, the intake it made is returned unchanged.

    :raise DomainError: for a value out of its list or range, an unknown unit, a phone
        that belongs to someone else, or a text too long.
    """
    client_key = data.get("client_key") or None
    if client_key is not None and not CLIENT_KEY.fullmatch(client_key):
        raise DomainError(None, _l("Il modulo è scaduto: ricarica la pagina e riprova."))
    existing = intake_by_key(municipality_id, client_key)
    if existing is not None:
        return existing
    today = to_local(now).date()
    data = data | {
        "first_name": _text(data, "first_name", required=True),
        "last_name": _text(data, "last_name"),
    }
    zone = _text(data, "zone")
    phone = normalize_phone(data["phone"]) if data.get("phone") else None
    facts = _facts(data, today)
    unit = _unit(municipality_id, data.get("unit_id"))
    met_on = _met_on(data.get("met_on"), today)
    needs = set(data.get("needs") or ())
    if needs - set(NEEDS):
        raise DomainError("needs", _l("Scegli una voce dell'elenco."))
    method, interpreter = _consent(data, phone)
    try:
        # A second send of the same key may race this one: the unique key decides.
        with db.session.begin_nested():
            person = _person(municipality_id, data, phone, facts)
            intake = Intake(
                municipality_id=municipality_id,
                person_id=person.id,
                unit_id=unit.id if unit else None,
                zone=zone,
                met_on=met_on,
                needs=_codes([code for code in NEEDS if code in needs]),
                consent_method=method,
                interpreter=interpreter,
                recorded_by_id=recorded_by.id,
                last_seen_on=met_on,
                client_key=client_key,
            )
            db.session.add(intake)
            db.session.flush()
    except IntegrityError:
        existing = intake_by_key(municipality_id, client_key)
        if existing is None:  # not a key taken by the other send (e.g. a phone just taken)
            raise DomainError(None, _l("I dati sono cambiati nel frattempo: riprova.")) from None
        return existing
    give_consent(
        person,
        "casework",
        language=person.preferred_language,
        method=method.value,
        now=now,
        recorded_by=recorded_by,
    )
    if data.get("sms") and person.phone and active_consent(person, "sms") is None:
        # Appointments and their reminders go by SMS only with this consent.
        give_consent(
            person,
            "sms",
            language=person.preferred_language,
            method=method.value,
            now=now,
            recorded_by=recorded_by,
        )
    return intake


def _erase_merged(person: User, now: datetime) -> None:
    """The merged record keeps its id (and nothing points at it any more)."""
    person.first_name = f"#{person.id}"
    person.last_name = None
    person.phone = None
    person.email = None
    person.sex = None
    person.birth_year = None
    person.citizenship = None
    person.vulnerabilities = ""
    person.is_active_account = False
    person.erased_at = now
    person.rotate_session_token()


def merge_people(keep: User, merge: User, by: User, now: datetime) -> User:
    """Staff: `merge` is the same person as `keep`. Their intakes (with the referrals
    and notes on them), consents and messages move to `keep`, whose empty facts are
    filled from `merge`; `merge` is erased (its id kept). Audited, ids only.

    :raise DomainError: for two records that are the same, of another municipality,
        erased, not people in care or participants, or when `merge` is a participant
        (a participant's enrolments and plan stay on their record: keep them instead).
    """
    if keep.id == merge.id:
        raise DomainError("merge", _l("Scegli due persone diverse."))
    for person in (keep, merge):
        if (
            person.municipality_id != by.municipality_id
            or person.role not in MATCHABLE_ROLES
            or person.erased_at is not None
        ):
            raise DomainError("merge", _l("Scegli persone dell'elenco."))
    if merge.role != Role.IN_CARE:
        raise DomainError(
            "merge", _l("Una persona che partecipa al programma si tiene: unisci l'altra a lei.")
        )
    moved = {}
    for model, column in (
        (Intake, Intake.person_id),
        (Consent, Consent.user_id),
        (Message, Message.user_id),
    ):
        result = db.session.execute(
            db.update(model)
            .where(column == merge.id)
            .values({column.key: keep.id})
            .execution_options(synchronize_session=False)
        )
        moved[model.__tablename__] = result.rowcount
    phone, opted_out = merge.phone, merge.sms_opt_out_at
    facts = {
        name: getattr(merge, name) for name in ("last_name", "sex", "birth_year", "citizenship")
    }
    vulnerabilities = vulnerability_codes(merge.vulnerabilities)
    _erase_merged(merge, now)
    db.session.flush()  # the phone is free before it moves
    for name, value in facts.items():
        if getattr(keep, name) in (None, "") and value not in (None, ""):
            setattr(keep, name, value)
    if keep.phone is None and phone:
        keep.phone = phone
        keep.sms_opt_out_at = keep.sms_opt_out_at or opted_out
    known = vulnerability_codes(keep.vulnerabilities)
    keep.vulnerabilities = _codes(known + [c for c in vulnerabilities if c not in known])
    db.session.flush()
    db.session.expire_all()
    record(
        "case.people_merged",
        keep,
        actor=by,
        details={
            "kept_id": keep.id,
            "merged_id": merge.id,
            "intakes": moved["intake"],
            "consents": moved["consent"],
        },
    )
    return keep
