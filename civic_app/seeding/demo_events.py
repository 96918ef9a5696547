"""A demo series of community events for `flask seed demo`."""

from datetime import datetime, time, timedelta

from civic_app.core.accounts import User
from civic_app.core.permissions import Role
from civic_app.core.timeutil import to_local
from civic_app.events.models import CommunityEvent, EventSeries
from civic_app.events.operations import answer, create_series
from civic_app.extensions import db
from civic_app.projects.operations import build_rrule
from civic_app.projects.venues import save_venue


def seed_demo_events(municipalities: dict, now: datetime) -> int:
    """A weekly language café in Roma, once, with answers to the first one. Flushes."""
    if db.session.scalar(db.select(EventSeries.id).limit(1)) is not None:
        return 0
    roma = municipalities["roma"]
    venue = save_venue(
        None, roma.id,
        {"name": "Casa di quartiere Pigneto", "address": "Via del Pigneto 22, Roma",
         "capacity": 60, "latitude": 41.8885, "longitude": 12.5304},
    )  # fmt: skip
    today = to_local(now).date()
    series = create_series(
        roma.id,
        {"title": "Caffè linguistico", "description": "Si chiacchiera in italiano, con calma.",
         "event_type": "meeting", "capacity": 40, "languages": ["it", "ar", "fr", "en"],
         "audience": "public", "audience_projects": [], "audience_language": None,
         "translations": {
             "en": {"title": "Language café", "description": "We chat in Italian, slowly."},
             "fr": {"title": "Café linguistique",
                    "description": "On bavarde en italien, tranquillement."},
             "ar": {"title": "مقهى اللغة", "description": "نتحدث بالإيطالية، بهدوء."},
         }},
        venue=venue,
        rule=build_rrule([2], today + timedelta(days=120)),
        first_start=datetime.combine(today + timedelta(days=1), time(18)),
        minutes=90,
        today=today,
    )  # fmt: skip
    _answers(series, now)
    return 1 if series else 0


def _answers(series: EventSeries, now: datetime) -> None:
    """Roma's demo participants answer the first café: most are coming, one is not."""
    first = db.session.scalar(
        db.select(CommunityEvent)
        .where(CommunityEvent.series_id == series.id)
        .order_by(CommunityEvent.starts_at)
        .limit(1)
    )
    people = db.session.scalars(
        db.select(User)
        .where(User.municipality_id == series.municipality_id, User.role == Role.PARTICIPANT)
        .order_by(User.id)
    ).all()
    for n, person in enumerate(people[:4]):
        answer(first, person, n != 3, now, "web")
