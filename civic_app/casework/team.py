"""The case team's accounts, kept by staff, and the counts staff see of the casework.

Caseworkers log in with email and password as staff and tutors do; staff give a new
account its first password (at least as long as `flask users create` asks). A staff
member joins the case team through the "casework" grant, given by a colleague (staff
without it see counts only: never a name, a need or a note); staff and caseworkers
manage dwellings and housing measures through the "housing" grant, given the same way.
These operations flush; the view commits.
"""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from werkzeug.security import generate_password_hash

from civic_app.casework.models import (
    PROFESSIONS,
    Intake,
    IntakeStatus,
    Referral,
    ReferralStatus,
    Unit,
)
from civic_app.core.accounts import User
from civic_app.core.errors import DomainError
from civic_app.core.permissions import Role
from civic_app.extensions import db

CASEWORK = "casework"
HOUSING = "housing"
PASSWORD_MIN = 12


def _set_password(user: User, password: str) -> None:
    # The same hashing as people.operations.set_password (casework may not import people).
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    user.password_hash = generate_password_hash(password, method=method)


def _profession(code: str | None) -> str:
    if code not in PROFESSIONS:
        raise DomainError("profession", _l("Scegli la professione dall'elenco."))
    return code


def create_caseworker(municipality_id: int, data: dict) -> User:
    """A caseworker account of `municipality_id` from `data` (first_name, last_name,
    email, profession, password). Flushes.

    :raise DomainError: for a missing name, an email already used by an account, an
        unknown profession or a password too short.
    """
    first = (data.get("first_name") or "").strip()
    last = (data.get("last_name") or "").strip()
    if not first:
        raise DomainError("first_name", _l("Scrivi il nome."))
    if not last:
        raise DomainError("last_name", _l("Scrivi il cognome."))
    email = (data.get("email") or "").strip().lower()
    if "@" not in email:
        raise DomainError("email", _l("Scrivi un indirizzo email valido."))
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        raise DomainError("email", _l("Esiste già un account con questa email."))
    profession = _profession(data.get("profession"))
    password = data.get("password") or ""
    if len(password) < PASSWORD_MIN:
        raise DomainError(
            "password", _l("Usa una password di almeno %(n)s caratteri.", n=PASSWORD_MIN)
        )
    user = User(
        role=Role.CASEWORKER,
        municipality_id=municipality_id,
        first_name=first,
        last_name=last,
        email=email,
        profession=profession,
        preferred_language=current_app.config["BABEL_DEFAULT_LOCALE"],
    )
    _set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def change_profession(user: User, profession: str) -> bool:
    """True when it changed. What the caseworker may read changes with it (health notes
    follow the profession). Flushes.

    :raise DomainError: for an unknown profession.
    """
    profession = _profession(profession)
    if user.profession == profession:
        return False
    user.profession = profession
    db.session.flush()
    return True


def set_account_active(user: User, active: bool) -> bool:
    """Disable or enable an account; disabling ends its sessions everywhere (the
    session token turns, core.accounts). True when it changed. Flushes."""
    if user.is_active_account == active:
        return False
    user.is_active_account = active
    db.session.flush()
    return True


def set_casework_grant(user: User, granted: bool, *, by: User) -> bool:
    """Put a staff member on the case team, or take them off. True when it changed.
    Flushes.

    :raise DomainError: for an account that is not staff, or staff granting it to
        themselves (a colleague must: reading cases is need-to-know).
    """
    if user.role != Role.STAFF:
        raise DomainError(None, _l("Solo il personale del Comune riceve l'accesso ai casi."))
    if granted and user.id == by.id:
        raise DomainError(None, _l("L'accesso ai casi te lo deve dare un collega."))
    return _put_grant(user, CASEWORK, granted)


def set_housing_grant(user: User, granted: bool, *, by: User) -> bool:
    """Let a staff member or a caseworker manage dwellings and housing measures, or stop
    them. True when it changed. Flushes.

    :raise DomainError: for an account that is neither staff nor a caseworker, or anyone
        granting it to themselves (a colleague must: placements are personal data).
    """
    if user.role not in (Role.STAFF, Role.CASEWORKER):
        raise DomainError(None, _l("Solo il personale e gli operatori gestiscono gli alloggi."))
    if granted and user.id == by.id:
        raise DomainError(None, _l("L'accesso agli alloggi te lo deve dare un collega."))
    return _put_grant(user, HOUSING, granted)


def _put_grant(user: User, code: str, granted: bool) -> bool:
    """Add or take away one grant, keeping the others. True when it changed. Flushes."""
    if user.has_grant(code) == granted:
        return False
    codes = [other for other in (user.grants or "").split(",") if other and other != code]
    if granted:
        codes.append(code)
    user.grants = f",{','.join(sorted(codes))}," if codes else ""
    db.session.flush()
    return True


def case_team(municipality_id: int) -> list[User]:
    """The municipality's caseworker accounts, active first, by name."""
    return db.session.scalars(
        db.select(User)
        .where(
            User.municipality_id == municipality_id,
            User.role == Role.CASEWORKER,
            User.erased_at.is_(None),
        )
        .order_by(User.is_active_account.desc(), User.first_name, User.last_name, User.id)
    ).all()


def staff_colleagues(municipality_id: int) -> list[User]:
    """The municipality's active staff accounts, by name (for the casework grant)."""
    return db.session.scalars(
        db.select(User)
        .where(
            User.municipality_id == municipality_id,
            User.role == Role.STAFF,
            User.is_active_account.is_(True),
            User.erased_at.is_(None),
        )
        .order_by(User.first_name, User.last_name, User.id)
    ).all()


@dataclass(frozen=True)
class UnitCount:
    #: None: people met outside any unit (on the street, before the units were set up).
    unit: Unit | None
    open: int
    closed: int


@dataclass(frozen=True)
class CaseCounts:
    units: list[UnitCount]
    open: int
    closed: int
    referrals: dict[ReferralStatus, int]
    intakes_this_month: int


def case_counts(municipality_id: int, today: date) -> CaseCounts:
    """How many cases, open and closed, each unit holds; referrals by status; intakes met
    this month (up to `today`, a local date). Numbers only: erased people still count."""
    by_unit: dict[int | None, dict[IntakeStatus, int]] = {}
    rows = db.session.execute(
        db.select(Intake.unit_id, Intake.status, func.count(Intake.id))
        .where(Intake.municipality_id == municipality_id)
        .group_by(Intake.unit_id, Intake.status)
    )
    for unit_id, status, n in rows:
        by_unit.setdefault(unit_id, {})[IntakeStatus(status)] = n
    units = db.session.scalars(
        db.select(Unit)
        .where(Unit.municipality_id == municipality_id)
        .order_by(Unit.is_active.desc(), Unit.name, Unit.id)
    ).all()

    def count(unit_id, status) -> int:
        return by_unit.get(unit_id, {}).get(status, 0)

    lines = [
        UnitCount(u, count(u.id, IntakeStatus.OPEN), count(u.id, IntakeStatus.CLOSED))
        for u in units
    ]
    if None in by_unit:
        lines.append(
            UnitCount(None, count(None, IntakeStatus.OPEN), count(None, IntakeStatus.CLOSED))
        )
    referrals = dict.fromkeys(ReferralStatus, 0)
    for status, n in db.session.execute(
        db.select(Referral.status, func.count(Referral.id))
        .where(Referral.municipality_id == municipality_id)
        .group_by(Referral.status)
    ):
        referrals[ReferralStatus(status)] = n
    this_month = db.session.scalar(
        db.select(func.count(Intake.id)).where(
            Intake.municipality_id == municipality_id,
            Intake.met_on >= today.replace(day=1),
            Intake.met_on <= today,
        )
    )
    return CaseCounts(
        units=lines,
        open=sum(line.open for line in lines),
        closed=sum(line.closed for line in lines),
        referrals=referrals,
        intakes_this_month=this_month or 0,
    )
