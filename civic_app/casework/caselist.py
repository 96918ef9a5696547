"""The case team's list of cases: the open ones seen most recently, or a search by name."""

from sqlalchemy import func, or_
from sqlalchemy.orm import contains_eager

from civic_app.casework.models import Intake, IntakeStatus
from civic_app.core.accounts import User
from civic_app.extensions import db

#: How many cases the list shows at once (a search narrows it).
LIST_SIZE = 30


def recent_cases(municipality_id: int, *, include_closed: bool = False) -> list[Intake]:
    """The municipality's cases, the most recently seen first (open ones only by default)."""
    query = (
        db.select(Intake)
        .join(User, User.id == Intake.person_id)
        .where(Intake.municipality_id == municipality_id, User.erased_at.is_(None))
        .options(contains_eager(Intake.person))
        .order_by(Intake.last_seen_on.desc(), Intake.id.desc())
        .limit(LIST_SIZE)
    )
    if not include_closed:
        query = query.where(Intake.status == IntakeStatus.OPEN)
    return list(db.session.scalars(query))


def search_cases(municipality_id: int, text: str) -> list[Intake]:
    """Cases whose person's first name, last name or phone contains `text` (any case)."""
    needle = text.strip().lower()
    digits = "".join(ch for ch in needle if ch.isdigit())
    matches = [
        func.lower(User.first_name).contains(needle, autoescape=True),
        func.lower(User.last_name).contains(needle, autoescape=True),
    ]
    if len(digits) >= 4:
        matches.append(User.phone.contains(digits, autoescape=True))
    query = (
        db.select(Intake)
        .join(User, User.id == Intake.person_id)
        .where(Intake.municipality_id == municipality_id, User.erased_at.is_(None), or_(*matches))
        .options(contains_eager(Intake.person))
        .order_by(Intake.last_seen_on.desc(), Intake.id.desc())
        .limit(LIST_SIZE)
    )
    return list(db.session.scalars(query))
