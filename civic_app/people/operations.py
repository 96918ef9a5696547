"""Accounts and logging in. These flush; the caller commits."""

import secrets
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from civic_app.attendance.walk_ins import WALK_IN
from civic_app.core.accounts import User
from civic_app.core.demographics import (
    SEXES,
    birth_year_bounds,
    configured_vulnerabilities,
    country_codes,
)
from civic_app.core.errors import DomainError
from civic_app.core.permissions import Role
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.sms.codes import check_code, issue_code, send_code
from civic_app.sms.templates import SMS_LANGUAGES

# Compared against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))


def set_password(user: User, password: str) -> None:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    user.password_hash = generate_password_hash(password, method=method)


def authenticate_password(email: str, password: str) -> User | None:
    """The active staff, tutor or coordinator account with this email and password, or None."""
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active_account:
        return None
    return user


def request_login_code(phone: str, *, now: datetime, ip: str | None = None, language: str = "it"):
    """Text `phone` a code: to log in if a participant has it, to sign up otherwise.

    Returns the queued Message, or None when nothing is sent (the number belongs to
    a disabled account, or to staff): the caller answers the same in every case.

    :raise TooManyCodes: past the per-number limits.
    """
    owner = db.session.scalar(db.select(User).where(User.phone == phone))
    participant = (
        owner
        if owner is not None and owner.role == Role.PARTICIPANT and owner.is_active_account
        else None
    )
    purpose = "login" if participant else "signup"
    login_code, code = issue_code(phone, purpose=purpose, now=now, ip=ip, user=participant)
    if owner is not None and participant is None:
        return None
    return send_code(
        login_code,
        code,
        phone=phone,
        language=participant.preferred_language if participant else language,
        now=now,
        user=participant,
    )


def verify_login_code(phone: str, code: str, *, now: datetime) -> User | None:
    """The participant logging in, or None when the code proves a new number for sign-up.

    :raise DomainError: on a bad code, or an account disabled meanwhile.
    """
    login_code = check_code(phone, code, now=now, purposes=("login", "signup"))
    if login_code.purpose == "signup":
        return None
    user = db.session.get(User, login_code.user_id)
    if user is None or not user.is_active_account:
        raise DomainError("code", _l("Codice sbagliato. Controlla l'SMS e riprova."))
    user.last_login_at = now
    db.session.flush()
    return user


#: Languages a participant can choose: SMS speak them all; pages show those they have
#: (config LANGUAGES) and another one otherwise (core.i18n.select_locale).
PARTICIPANT_LANGUAGES = SMS_LANGUAGES


def sign_up_participant(
    *,
    phone: str | None,
    first_name: str,
    last_name: str | None,
    language: str,
    municipality,
    sectors: list[str],
    programme_consent: bool,
    sms_consent: bool,
    via: str,
    consent_method: str,
    now: datetime,
    referral_source: str | None = None,
    recorded_by=None,
    sex: str | None = None,
    birth_year: int | None = None,
    citizenship: str | None = None,
    vulnerabilities: list[str] | tuple[str, ...] = (),
) -> User:
    """Register a participant with their consents and the optional facts. Flushes.

    A minor (by the year of birth) cannot consent alone: the account is made without
    consents and waits for staff (`pending_review`), who record the consent a parent or
    guardian signs (`consent.record_guardian_consent`).

    :raise DomainError: for a number already registered, a missing name or consent, a
        language or municipality we do not have, or a fact outside its list.
    """
    from civic_app.core.accounts import REFERRAL_SOURCES
    from civic_app.core.consent import give_consent
    from civic_app.core.demographics import is_minor
    from civic_app.projects.models import Sector

    first_name = (first_name or "").strip()
    if not first_name:
        raise DomainError("first_name", _l("Scrivi il tuo nome."))
    if municipality is None:
        raise DomainError("municipality", _l("Scegli il tuo Comune."))
    if language not in PARTICIPANT_LANGUAGES:
        raise DomainError("language", _l("Scegli una lingua dell'elenco."))
    year = to_local(now).year
    facts = clean_facts(sex=sex, birth_year=birth_year, citizenship=citizenship, year=year)
    minor = is_minor(facts["birth_year"], year)
    if not programme_consent and not minor:
        raise DomainError("programme_consent", _l("Per partecipare serve il tuo consenso."))
    if referral_source is not None and referral_source not in REFERRAL_SOURCES:
        raise DomainError("referral_source", _l("Scegli una voce dell'elenco."))
    if phone and db.session.scalar(db.select(User.id).where(User.phone == phone)) is not None:
        raise DomainError("phone", _l("Questo numero è già registrato."))
    sectors = sorted(set(sectors) & {s.value for s in Sector})
    user = User(
        role=Role.PARTICIPANT,
        municipality_id=municipality.id,
        first_name=first_name[:80],
        last_name=(last_name or "").strip()[:80] or None,
        phone=phone or None,
        preferred_language=language,
        sectors_of_interest="," + ",".join(sectors) + "," if sectors else "",
        signed_up_via=via,
        referral_source=referral_source,
        created_at=now,
        last_login_at=now if via == "web" else None,
        **facts,
    )
    db.session.add(user)
    db.session.flush()
    set_vulnerabilities(user, vulnerabilities)
    if minor:
        user.pending_review = True
        user.sms_opt_out_at = now
        db.session.flush()
        return user
    give_consent(
        user, "programme", language=language, method=consent_method, now=now,
        recorded_by=recorded_by,
    )  # fmt: skip
    if sms_consent and phone:
        give_consent(
            user, "sms", language=language, method=consent_method, now=now,
            recorded_by=recorded_by,
        )  # fmt: skip
    else:
        user.sms_opt_out_at = now
    db.session.flush()
    return user


def welcome_by_sms(user: User, now: datetime):
    """The welcome SMS of a sign-up on the web, in the language the person just chose;
    only with their consent to SMS (a minor's account waits for staff and gets none).
    Returns the queued message, or None. Flushes."""
    from civic_app.sms.operations import queue_sms
    from civic_app.sms.templates import render_sms, sms_language

    if not user.phone or user.sms_opt_out_at is not None or user.pending_review:
        return None
    return queue_sms(
        phone=user.phone,
        body=render_sms("signup_done", sms_language(user.preferred_language), name=user.first_name),
        kind="signup_welcome",
        now=now,
        user=user,
        municipality_id=user.municipality_id,
        idempotency_key=f"signup-welcome:u{user.id}",
    )


def needs_consent(user: User) -> bool:
    """Someone a tutor registered on a roster (a walk-in) who has not consented yet: staff
    finish the sign-up with the consent signed on paper (`record_paper_consent`)."""
    from civic_app.core.consent import active_consent

    return (
        user.role == Role.PARTICIPANT
        and user.signed_up_via == WALK_IN
        and user.erased_at is None
        and active_consent(user, "programme") is None
    )


def record_paper_consent(user: User, *, staff, now: datetime, sms: bool = False) -> None:
    """Staff record the consent a walk-in signed on paper (the programme's, and SMS if
    ticked on the form), in the participant's language; the sign-up is then reviewed.

    :raise DomainError: when the person has consented already.
    """
    from civic_app.core.consent import give_consent

    if not needs_consent(user):
        raise DomainError(None, _l("Il consenso di questa persona è già registrato."))
    language = user.preferred_language
    give_consent(user, "programme", language=language, method="paper", now=now, recorded_by=staff)
    if sms and user.phone:
        give_consent(user, "sms", language=language, method="paper", now=now, recorded_by=staff)
    user.pending_review = False
    db.session.flush()


def birth_year_message(year: int):
    low, high = birth_year_bounds(year)
    return _l("Scrivi l'anno di nascita con 4 cifre, tra %(low)s e %(high)s.", low=low, high=high)


def clean_facts(*, sex, birth_year, citizenship, year: int) -> dict:
    """The optional facts (sex, year of birth, citizenship) checked; None = not stated.

    :raise DomainError: for a value outside its list, or a year of birth outside the
        last 100 years.
    """
    sex = sex or None
    if sex is not None and sex not in SEXES:
        raise DomainError("sex", _l("Scegli una voce dell'elenco."))
    if birth_year is not None:
        low, high = birth_year_bounds(year)
        if isinstance(birth_year, bool) or not isinstance(birth_year, int):
            raise DomainError("birth_year", birth_year_message(year))
        if not low <= birth_year <= high:
            raise DomainError("birth_year", birth_year_message(year))
    citizenship = (citizenship or "").strip().upper() or None
    if citizenship is not None and citizenship not in country_codes():
        raise DomainError("citizenship", _l("Scegli un paese dell'elenco."))
    return {"sex": sex, "birth_year": birth_year, "citizenship": citizenship}


def set_facts(user: User, *, sex, birth_year, citizenship, now: datetime) -> list[str]:
    """Set the optional facts; returns the names of those that changed. Flushes.

    :raise DomainError: see `clean_facts`.
    """
    facts = clean_facts(
        sex=sex, birth_year=birth_year, citizenship=citizenship, year=to_local(now).year
    )
    changed = [name for name, value in facts.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, facts[name])
    db.session.flush()
    return changed


def set_vulnerabilities(user: User, codes) -> bool:
    """Staff only: the programme's vulnerability categories of `user`; True if changed.

    Codes no longer configured are dropped when staff save (data minimisation).

    :raise DomainError: for a code that is not in VULNERABILITY_CATEGORIES.
    """
    allowed = configured_vulnerabilities()
    wanted = set(codes or ())
    if wanted - set(allowed):
        raise DomainError("vulnerabilities", _l("Scegli una voce dell'elenco."))
    ordered = [code for code in allowed if code in wanted]
    value = "," + ",".join(ordered) + "," if ordered else ""
    changed = value != (user.vulnerabilities or "")
    user.vulnerabilities = value
    db.session.flush()
    return changed


def update_own_profile(
    user: User, *, language: str, sex, birth_year, citizenship, now: datetime
) -> list[str]:
    """A participant changes their language and optional facts; returns what changed.

    A minor still waiting for a guardian's consent cannot change their year of birth
    (it would lift the check); staff can correct it.

    :raise DomainError: for a language or fact outside its list.
    """
    from civic_app.core.consent import needs_guardian_consent

    if language not in PARTICIPANT_LANGUAGES:
        raise DomainError("language", _l("Scegli una lingua dell'elenco."))
    if birth_year != user.birth_year and needs_guardian_consent(user, to_local(now).year):
        raise DomainError("birth_year", _l("Per correggere l'anno di nascita rivolgiti al Comune."))
    changed = set_facts(user, sex=sex, birth_year=birth_year, citizenship=citizenship, now=now)
    if language != user.preferred_language:
        user.preferred_language = language
        changed.append("language")
    db.session.flush()
    return changed
