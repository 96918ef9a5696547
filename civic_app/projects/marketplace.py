"""The public marketplace: published projects, filtered, searched and paginated."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import exists, func, or_
from sqlalchemy.orm import selectinload

from civic_app.core.models import Municipality
from civic_app.core.timeutil import local_day_bounds
from civic_app.core.types import as_utc
from civic_app.extensions import db
from civic_app.projects.forms import TRANSLATED_LANGUAGES
from civic_app.projects.models import (
    HOLDS_A_PLACE,
    Enrolment,
    Project,
    ProjectSession,
    ProjectStatus,
    SessionStatus,
)
from civic_app.projects.operations import places_taken
from civic_app.sms.templates import SMS_LANGUAGES

PER_PAGE = 12


@dataclass
class Filters:
    municipality: str | None = None
    sector: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    weekday: int | None = None
    language: str | None = None
    places_left: bool = False
    q: str = ""
    page: int = 1


@dataclass
class Card:
    project: Project
    places_left: int
    next_session: datetime | None


@dataclass
class Page:
    cards: list[Card] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0


def _taken_subquery():
    return (
        db.select(func.count(Enrolment.id))
        .where(Enrolment.project_id == Project.id, Enrolment.status.in_(HOLDS_A_PLACE))
        .correlate(Project)
        .scalar_subquery()
    )


#: The languages of the translations the text search reads: those staff write in the
#: project form and every other language the programme speaks (SMS), for projects made
#: by other means (templates of the network, imports).
SEARCHED_LANGUAGES = tuple(
    code for code in dict.fromkeys((*TRANSLATED_LANGUAGES, *SMS_LANGUAGES)) if code != "it"
)


def text_matches(q: str):
    """A project whose title or description contains `q`, in Italian or in a translation.

    Without case (as far as the database's lower() knows letters), and `%` and `_` mean
    themselves (autoescape). Each translation is read as text from the JSON column
    (JSON_EXTRACT on SQLite, #>> on PostgreSQL: its Arabic letters, not their \\u
    escapes, and never the JSON's keys); a missing one is NULL and matches nothing.
    """
    needle = q.lower()
    texts = [Project.title, Project.description] + [
        Project.translations[(language, part)].as_string()
        for language in SEARCHED_LANGUAGES
        for part in ("title", "description")
    ]
    return or_(*(func.lower(text).contains(needle, autoescape=True) for text in texts))


def search(filters: Filters, now: datetime, per_page: int = PER_PAGE) -> Page:
    """One page of published projects matching `filters`, in six queries whatever the size."""
    query = db.select(Project).where(Project.status == ProjectStatus.PUBLISHED)
    if filters.municipality:
        query = query.join(Municipality, Municipality.id == Project.municipality_id).where(
            Municipality.slug == filters.municipality
        )
    if filters.sector:
        query = query.where(Project.sector == filters.sector)
    if filters.language:
        query = query.where(Project.languages.like(f"%,{filters.language},%"))
    if filters.places_left:
        query = query.where(Project.capacity > _taken_subquery())
    if filters.q:
        query = query.where(text_matches(filters.q))
    if filters.date_from or filters.date_to or filters.weekday is not None:
        sessions = db.select(ProjectSession.id).where(
            ProjectSession.project_id == Project.id,
            ProjectSession.status == SessionStatus.SCHEDULED,
        )
        start = local_day_bounds(filters.date_from)[0] if filters.date_from else now
        sessions = sessions.where(ProjectSession.starts_at >= start)
        if filters.date_to:
            sessions = sessions.where(
                ProjectSession.starts_at < local_day_bounds(filters.date_to)[1]
            )
        if filters.weekday is not None:
            sessions = sessions.where(ProjectSession.local_weekday == filters.weekday)
        query = query.where(exists(sessions.correlate(Project)))

    total = db.session.scalar(db.select(func.count()).select_from(query.subquery()))
    pages = math.ceil(total / per_page) if total else 0
    page = min(max(filters.page, 1), max(pages, 1))
    projects = db.session.scalars(
        query.options(selectinload(Project.municipality), selectinload(Project.venue))
        .order_by(Project.start_date, Project.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    ids = [p.id for p in projects]
    taken = places_taken(ids)
    next_starts = (
        dict(
            db.session.execute(
                db.select(ProjectSession.project_id, func.min(ProjectSession.starts_at))
                .where(
                    ProjectSession.project_id.in_(ids),
                    ProjectSession.status == SessionStatus.SCHEDULED,
                    ProjectSession.starts_at >= now,
                )
                .group_by(ProjectSession.project_id)
            ).all()
        )
        if ids
        else {}
    )
    cards = [
        Card(p, max(p.capacity - taken.get(p.id, 0), 0), as_utc(next_starts.get(p.id)))
        for p in projects
    ]
    return Page(cards=cards, total=total, page=page, pages=pages)
