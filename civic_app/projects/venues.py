"""Venues and their bookings: a place holds one session or community event at a time."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from civic_app.core.errors import DomainError
from civic_app.core.hooks import Hook
from civic_app.extensions import db
from civic_app.projects.models import (
    ProjectSession,
    SessionStatus,
    Venue,
)


@dataclass(frozen=True)
class Clash:
    starts_at: datetime
    title: str


#: Other bookings of a venue than sessions, registered by the features that make them
#: (community events): each is called as `(venue_id, starts_at, ends_at, exclude_event_id)`
#: and returns a Clash or None.
venue_bookings = Hook("venue_bookings")


def venue_conflict(
    venue_id: int | None,
    starts_at: datetime,
    ends_at: datetime,
    exclude_id: int | None = None,
    exclude_event_id: int | None = None,
) -> Clash | None:
    """A scheduled session, or another booking (a community event), at the venue
    overlapping [starts_at, ends_at)."""
    if venue_id is None:
        return None
    query = db.select(ProjectSession).where(
        ProjectSession.venue_id == venue_id,
        ProjectSession.status == SessionStatus.SCHEDULED,
        ProjectSession.starts_at < ends_at,
        ProjectSession.ends_at > starts_at,
    )
    if exclude_id is not None:
        query = query.where(ProjectSession.id != exclude_id)
    session = db.session.scalar(query.limit(1))
    if session is not None:
        return Clash(session.starts_at, session.project.title)
    for booking in venue_bookings:
        clash = booking(venue_id, starts_at, ends_at, exclude_event_id)
        if clash is not None:
            return clash
    return None


def conflict_error(field: str, clash: Clash) -> DomainError:
    return DomainError(
        field,
        _l(
            "Il luogo è già occupato il %(when)s da «%(title)s».",
            when=format_datetime(clash.starts_at, "short"),
            title=clash.title,
        ),
    )


def save_venue(venue: Venue | None, municipality_id: int, data: dict) -> Venue:
    if data.get("capacity") is not None and not 1 <= data["capacity"] <= 10_000:
        raise DomainError("capacity", _l("La capienza deve essere tra 1 e 10000."))
    if venue is None:
        venue = Venue(municipality_id=municipality_id)
        db.session.add(venue)
    for field in ("name", "address", "capacity", "latitude", "longitude"):
        setattr(venue, field, data.get(field))
    db.session.flush()
    return venue
