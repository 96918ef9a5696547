"""Rules for community events. These flush; callers commit."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from civic_app.core.accounts import User
from civic_app.core.errors import DomainError
from civic_app.core.permissions import Role
from civic_app.core.timeutil import local_to_utc, local_zone
from civic_app.core.types import as_utc
from civic_app.events.audience import invited_query, is_invited
from civic_app.events.models import (
    Audience,
    CommunityEvent,
    EventAttendance,
    EventRsvp,
    EventSeries,
)
from civic_app.events.reminders import tell_event_cancelled
from civic_app.extensions import db
from civic_app.projects.models import Enrolment, EnrolmentStatus, ProjectSession, SessionStatus
from civic_app.projects.month import Entry, calendar_entries
from civic_app.projects.recurrence import expand_rrule
from civic_app.projects.venues import Clash, conflict_error, venue_bookings, venue_conflict


@venue_bookings.register
def event_clash(venue_id: int, starts_at, ends_at, exclude_event_id: int | None) -> Clash | None:
    """A scheduled community event at the venue overlapping [starts_at, ends_at)."""
    events = db.select(CommunityEvent).where(
        CommunityEvent.venue_id == venue_id,
        CommunityEvent.status == "scheduled",
        CommunityEvent.starts_at < ends_at,
        CommunityEvent.ends_at > starts_at,
    )
    if exclude_event_id is not None:
        events = events.where(CommunityEvent.id != exclude_event_id)
    event = db.session.scalar(events.limit(1))
    return Clash(event.starts_at, event.title) if event is not None else None


log = logging.getLogger(__name__)

MAX_EVENT_CAPACITY = 1000
#: How far ahead series are materialised into events.
SERIES_HORIZON = timedelta(weeks=6)


def check_event(data: dict, venue, municipality_id: int) -> None:
    """:raise DomainError: for a venue of another municipality, capacity or audience."""
    if venue is None or venue.municipality_id != municipality_id:
        raise DomainError("venue_id", _l("Scegli un luogo del tuo Comune."))
    if not 1 <= data["capacity"] <= MAX_EVENT_CAPACITY:
        raise DomainError("capacity", _l("I posti devono essere tra 1 e 1000."))
    if data["audience"] == Audience.PROJECTS and not data.get("audience_projects"):
        raise DomainError("audience_projects", _l("Scegli almeno un progetto."))
    if data["audience"] == Audience.LANGUAGE and not data.get("audience_language"):
        raise DomainError("audience_language", _l("Scegli la lingua del gruppo."))


def _fields(target, data: dict) -> None:
    for field in ("title", "description", "event_type", "capacity", "audience",
                  "audience_projects", "audience_language"):  # fmt: skip
        setattr(target, field, data.get(field))
    target.translations = dict(data.get("translations") or {})
    target.languages = "," + ",".join(sorted(set(data.get("languages") or ["it"]))) + ","


def create_event(municipality_id: int, data: dict, *, venue, starts_at, ends_at, series_id=None):
    """:raise DomainError: on bad times, another municipality's venue, or a busy venue."""
    check_event(data, venue, municipality_id)
    if ends_at <= starts_at:
        raise DomainError("end_time", _l("L'ora di fine deve venire dopo l'ora di inizio."))
    clash = venue_conflict(venue.id, starts_at, ends_at)
    if clash is not None:
        raise conflict_error("start_time", clash)
    event = CommunityEvent(
        municipality_id=municipality_id,
        venue_id=venue.id,
        starts_at=starts_at,
        ends_at=ends_at,
        series_id=series_id,
        status="scheduled",
    )
    _fields(event, data)
    db.session.add(event)
    db.session.flush()
    return event


def create_series(
    municipality_id: int, data: dict, *, venue, rule: str, first_start: datetime, minutes: int,
    today: date,
) -> EventSeries:  # fmt: skip
    """A recurring event; its first weeks are materialised at once."""
    check_event(data, venue, municipality_id)
    if not 15 <= minutes <= 12 * 60:
        raise DomainError("end_time", _l("Un evento dura da 15 minuti a 12 ore."))
    expand_rrule(rule, first_start)  # refuses rules that never end or are too long
    series = EventSeries(
        municipality_id=municipality_id,
        venue_id=venue.id,
        rrule=rule.strip()[:500],
        first_start=first_start.strftime("%Y-%m-%dT%H:%M"),
        duration_minutes=minutes,
    )
    _fields(series, data)
    db.session.add(series)
    db.session.flush()
    materialize(series, today + SERIES_HORIZON)
    return series


def materialize(series: EventSeries, until: date) -> int:
    """Create the series' events up to `until` (local day); occurrences at a busy venue are
    skipped. Returns how many were made."""
    from civic_app.projects.models import Venue

    first = datetime.strptime(series.first_start, "%Y-%m-%dT%H:%M")
    zone = local_zone()
    start_from = series.materialized_until
    venue = db.session.get(Venue, series.venue_id)
    made = 0
    copied = ("title", "description", "event_type", "capacity", "audience",
              "audience_projects", "audience_language")  # fmt: skip
    data = {field: getattr(series, field) for field in copied}
    data["translations"] = series.translations
    data["languages"] = [c for c in series.languages.split(",") if c]
    for start in expand_rrule(series.rrule, first):
        day = start.date()
        if day > until:
            break
        if start_from is not None and day <= start_from:
            continue
        starts_at = local_to_utc(day, start.time(), zone)
        ends_at = starts_at + timedelta(minutes=series.duration_minutes)
        if venue_conflict(venue.id, starts_at, ends_at) is not None:
            continue
        create_event(series.municipality_id, data, venue=venue, starts_at=starts_at,
                     ends_at=ends_at, series_id=series.id)  # fmt: skip
        made += 1
    series.materialized_until = until
    db.session.flush()
    return made


def materialize_all(today: date) -> int:
    made = 0
    for series in db.session.scalars(db.select(EventSeries)):
        if series.materialized_until is None or series.materialized_until < today + SERIES_HORIZON:
            try:
                made += materialize(series, today + SERIES_HORIZON)
            except DomainError as exc:
                # A series saved before its rule's bounds (expand_rrule) were what they
                # are: it keeps the events it has, and the others' go on being made.
                log.warning("event series %s not extended: %s", series.id, exc.message)
    return made


def answer(event: CommunityEvent, user, coming: bool, now: datetime, source: str) -> EventRsvp:
    """:raise DomainError: for an event not open to the person, past, cancelled or full."""
    if event.status != "scheduled" or event.starts_at <= now:
        raise DomainError(None, _l("Questo evento non accetta più risposte."))
    if event.audience != Audience.PUBLIC and not is_invited(event, user):
        raise DomainError(None, _l("Questo evento non è aperto a te."))
    rsvp = db.session.scalar(
        db.select(EventRsvp).where(
            EventRsvp.event_id == event.id, EventRsvp.participant_id == user.id
        )
    )
    if coming and (rsvp is None or not rsvp.coming):
        yes = db.session.scalar(
            db.select(func.count(EventRsvp.id)).where(
                EventRsvp.event_id == event.id, EventRsvp.coming.is_(True)
            )
        )
        if yes >= event.capacity:
            raise DomainError(None, _l("L'evento è al completo."))
    if rsvp is None:
        rsvp = EventRsvp(
            event_id=event.id, participant_id=user.id, municipality_id=event.municipality_id
        )
        db.session.add(rsvp)
    rsvp.coming, rsvp.answered_at, rsvp.source = coming, now, source
    db.session.flush()
    return rsvp


def record_attendance(event: CommunityEvent, present: list[int], guests: int, by, now) -> None:
    """Who came (participants of the municipality) and how many from the public."""
    if guests < 0 or guests > 10_000:
        raise DomainError("guests", _l("Scrivi un numero di ospiti tra 0 e 10000."))
    valid = set(
        db.session.scalars(
            db.select(User.id).where(
                User.id.in_(present),
                User.role == Role.PARTICIPANT,
                User.municipality_id == event.municipality_id,
            )
        )
    )
    db.session.execute(db.delete(EventAttendance).where(EventAttendance.event_id == event.id))
    for participant_id in sorted(valid):
        db.session.add(
            EventAttendance(
                event_id=event.id,
                participant_id=participant_id,
                municipality_id=event.municipality_id,
                recorded_by_id=by.id,
                recorded_at=now,
            )  # fmt: skip
        )
    event.public_guests = guests
    db.session.flush()


@dataclass
class Slot:
    starts_at: datetime
    free: int  #: invited people with no session of their projects then
    invited: int


def find_slots(
    municipality_id: int, event_like, *, venue, first_day: date, last_day: date, minutes: int,
    earliest: time = time(9), latest: time = time(21), step: int = 30, best: int = 5,
) -> list[Slot]:  # fmt: skip
    """The best times for a new event: the venue is free and the most invited are too.

    Candidate starts every `step` minutes between `earliest` and `latest` (local) on each
    day; a person is busy when a session of a project they are accepted in overlaps.
    """
    invited = list(db.session.scalars(invited_query(event_like).with_only_columns(User.id)))
    start_utc = local_to_utc(first_day, time(0))
    end_utc = local_to_utc(last_day + timedelta(days=1), time(0))
    busy_rows = db.session.execute(
        db.select(Enrolment.participant_id, ProjectSession.starts_at, ProjectSession.ends_at)
        .join(ProjectSession, ProjectSession.project_id == Enrolment.project_id)
        .where(
            Enrolment.participant_id.in_(invited),
            Enrolment.status == EnrolmentStatus.ACCEPTED,
            ProjectSession.status == SessionStatus.SCHEDULED,
            ProjectSession.starts_at < end_utc,
            ProjectSession.ends_at > start_utc,
        )
    ).all()
    slots = []
    day = first_day
    zone = local_zone()
    while day <= last_day:
        moment = datetime.combine(day, earliest)
        while moment.time() <= latest and (moment + timedelta(minutes=minutes)).date() == day:
            starts_at = local_to_utc(day, moment.time(), zone)
            ends_at = starts_at + timedelta(minutes=minutes)
            if venue_conflict(venue.id, starts_at, ends_at) is None:
                busy = {
                    pid for pid, s, e in busy_rows
                    if as_utc(s) < ends_at and as_utc(e) > starts_at
                }  # fmt: skip
                slots.append(Slot(starts_at, len(invited) - len(busy), len(invited)))
            moment += timedelta(minutes=step)
        day += timedelta(days=1)
    slots.sort(key=lambda s: (-s.free, s.starts_at))
    return slots[:best]


def cancel_event(event: CommunityEvent, now: datetime) -> int:
    """Cancel an event and tell everyone invited who had not said NO. Returns how many."""

    if event.status != "scheduled" or event.starts_at <= now:
        raise DomainError(None, _l("Questo evento non si può più annullare."))
    event.status = "cancelled"
    db.session.flush()
    return tell_event_cancelled(event, now)


@calendar_entries.register
def events_on_calendar(user, starts: datetime, ends: datetime, language: str) -> list[Entry]:
    """The events a participant said they are coming to, on their own calendar."""
    if user.role != Role.PARTICIPANT:
        return []
    events = db.session.scalars(
        db.select(CommunityEvent)
        .join(EventRsvp, EventRsvp.event_id == CommunityEvent.id)
        .where(
            EventRsvp.participant_id == user.id,
            EventRsvp.coming.is_(True),
            CommunityEvent.municipality_id == user.municipality_id,
            CommunityEvent.starts_at >= starts,
            CommunityEvent.starts_at < ends,
        )
    ).all()
    return [
        Entry(
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            title=event.title,
            url=url_for("events.my_events"),
            cancelled=event.status == "cancelled",
        )
        for event in events
    ]
