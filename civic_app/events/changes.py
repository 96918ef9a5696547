"""Changing a community event, or a series from one of its events on. These flush;
callers commit and audit.

What the texts say (title, time, place) is told once to whoever it reached and to those
who said YES; the texts still in the outbox are withdrawn (they describe the event as it
was) and the reminders follow the new time (their keys carry `sequence`)."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from civic_app.core.accounts import User
from civic_app.core.errors import DomainError
from civic_app.core.timeutil import local_to_utc, to_local
from civic_app.events.models import CommunityEvent, EventRsvp, EventSeries
from civic_app.events.operations import check_event
from civic_app.events.reminders import (
    EVENT_INVITE_BEFORE,
    invite_due,
    notice_rows,
    tell_changed,
    to_tell,
    withdraw_texts,
)
from civic_app.extensions import db
from civic_app.projects.venues import conflict_error, venue_conflict
from civic_app.sms.operations import queue_many

#: The fields staff edit besides the venue and the times.
FIELDS = ("title", "description", "event_type", "capacity", "languages", "audience",
          "audience_projects", "audience_language")  # fmt: skip
#: What the texts about an event say: a change to one of these is told.
TOLD = frozenset({"title", "starts_at", "venue_id"})


@dataclass
class Change:
    #: field -> [before, after], as the audit keeps it
    fields: dict[str, list] = field(default_factory=dict)
    told: int = 0
    events: int = 1


def fingerprint(event: CommunityEvent) -> str:
    """The event as a form showed it: a save from an older page is caught."""
    seen = [getattr(event, name) for name in (*FIELDS, "venue_id", "starts_at", "ends_at")]
    seen += [sorted((event.translations or {}).items())]
    seen += [event.status, event.sequence]
    return hashlib.sha256(repr(seen).encode()).hexdigest()[:16]


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return sorted(value)
    if isinstance(value, dict):  # translations: the same texts whatever the keys' order
        return {k: value[k] for k in sorted(value)}
    return value if value is None or isinstance(value, int) else str(value)


def _wanted(data: dict, venue, starts_at: datetime, ends_at: datetime) -> dict:
    wanted = {name: data.get(name) for name in FIELDS}
    wanted["languages"] = "," + ",".join(sorted(set(data.get("languages") or ["it"]))) + ","
    wanted["audience_projects"] = sorted(data.get("audience_projects") or [])
    wanted["translations"] = dict(data.get("translations") or {})
    return wanted | {"venue_id": venue.id, "starts_at": starts_at, "ends_at": ends_at}


def _check(event: CommunityEvent, wanted: dict, now: datetime, field_name: str) -> None:
    if event.status != "scheduled" or event.starts_at <= now:
        raise DomainError(
            None, _l("Questo evento è iniziato o annullato: non si può più modificare.")
        )
    if wanted["ends_at"] <= wanted["starts_at"]:
        raise DomainError("end_time", _l("L'ora di fine deve venire dopo l'ora di inizio."))
    if wanted["starts_at"] <= now:
        if to_local(wanted["starts_at"]).date() < to_local(now).date():
            raise DomainError("day", _l("Scegli un giorno che non è ancora passato."))
        raise DomainError(field_name, _l("Scegli un'ora che non è ancora passata."))
    coming = db.session.scalar(
        db.select(func.count(EventRsvp.id)).where(
            EventRsvp.event_id == event.id, EventRsvp.coming.is_(True)
        )
    )
    if wanted["capacity"] < coming:
        raise DomainError(
            "capacity",
            _l("Hanno già detto sì %(n)s persone: i posti non possono essere meno.", n=coming),
        )
    clash = venue_conflict(
        wanted["venue_id"], wanted["starts_at"], wanted["ends_at"], exclude_event_id=event.id
    )
    if clash is not None:
        raise conflict_error(field_name, clash)


def _apply(event: CommunityEvent, wanted: dict, now: datetime) -> dict[str, list]:
    """Set what differs; a change of what the texts say bumps `sequence` and withdraws
    the texts still waiting. Returns the differences."""
    changed = {}
    for name, value in wanted.items():
        before = getattr(event, name)
        if _plain(before) != _plain(value):
            changed[name] = [_plain(before), _plain(value)]
            setattr(event, name, value)
    if TOLD & changed.keys():
        event.sequence += 1
        withdraw_texts(event, now)
    db.session.flush()
    return changed


def _invite_if_due(event: CommunityEvent, now: datetime) -> None:
    """The new audience, and those whose invitation was withdrawn, get the invitation."""
    if event.starts_at - EVENT_INVITE_BEFORE <= now:
        invite_due(event, now)


def edit_event(
    event: CommunityEvent, data: dict, *, venue, starts_at: datetime, ends_at: datetime,
    now: datetime,
) -> Change:  # fmt: skip
    """Change one event. :raise DomainError: as creating it would, and for an event that
    has started or was cancelled, a time already past, fewer places than YES answers."""
    check_event(data, venue, event.municipality_id)
    wanted = _wanted(data, venue, starts_at, ends_at)
    _check(event, wanted, now, "start_time")
    earliest = min(event.starts_at, starts_at)
    changed = _apply(event, wanted, now)
    told = tell_changed(event, now, earliest) if TOLD & changed.keys() else 0
    _invite_if_due(event, now)
    return Change(changed, told)


def edit_following(
    event: CommunityEvent, data: dict, *, venue, day: date, start_time: time, end_time: time,
    now: datetime,
) -> Change:  # fmt: skip
    """Change `event` and the later events of its series (each on its own day), and the
    series, so that the events made from now on are made as changed. Each person hears
    of it once, about the first of the events they were told of or said YES to.

    :raise DomainError: as `edit_event` for any of the events (naming the busy one), for
    an event of no series, or for a change of day (made one event at a time)."""
    series = db.session.get(EventSeries, event.series_id) if event.series_id else None
    if series is None:
        raise DomainError("scope", _l("Questo evento non fa parte di una serie."))
    if day != to_local(event.starts_at).date():
        raise DomainError(
            "day",
            _l(
                "Il giorno si cambia un evento alla volta; per la serie cambiano l'ora, "
                "il luogo e il resto."
            ),
        )
    minutes = (datetime.combine(day, end_time) - datetime.combine(day, start_time)) // timedelta(
        minutes=1
    )
    check_event(data, venue, event.municipality_id)
    if not 15 <= minutes <= 12 * 60:
        raise DomainError("end_time", _l("Un evento dura da 15 minuti a 12 ore."))
    following = db.session.scalars(
        db.select(CommunityEvent)
        .where(
            CommunityEvent.series_id == series.id,
            CommunityEvent.status == "scheduled",
            CommunityEvent.starts_at >= event.starts_at,
        )
        .order_by(CommunityEvent.starts_at)
    ).all()
    plans = []
    for each in following:
        local_day = to_local(each.starts_at).date()
        starts_at = local_to_utc(local_day, start_time)
        wanted = _wanted(data, venue, starts_at, starts_at + timedelta(minutes=minutes))
        _check(each, wanted, now, "start_time")
        plans.append((each, wanted, min(each.starts_at, starts_at)))
    change, notices, told = Change(events=len(plans)), [], set()
    for each, wanted, earliest in plans:
        changed = _apply(each, wanted, now)
        change.fields = change.fields or changed
        if TOLD & changed.keys():
            people = [p for p in _people(to_tell(each)) if p.id not in told]
            told.update(p.id for p in people)
            notices += notice_rows(each, people, "event_series_changed", now, earliest)
        _invite_if_due(each, now)
    _follow(series, data, venue, start_time, minutes)
    change.told = queue_many(notices, now)
    return change


def _people(ids: set[int]) -> list:
    query = db.select(User).where(User.id.in_(ids), User.is_active_account.is_(True))
    return db.session.scalars(query.order_by(User.id)).all()


def _follow(series: EventSeries, data: dict, venue, start_time: time, minutes: int) -> None:
    """The series makes its next events as changed."""
    for name in FIELDS:
        setattr(series, name, data.get(name))
    series.translations = dict(data.get("translations") or {})
    series.languages = "," + ",".join(sorted(set(data.get("languages") or ["it"]))) + ","
    series.venue_id = venue.id
    series.duration_minutes = minutes
    series.first_start = f"{series.first_start[:10]}T{start_time:%H:%M}"
    db.session.flush()
