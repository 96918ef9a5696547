"""Rules for projects, sessions, schedules, venues and templates. These flush; callers commit."""

from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from civic_app.core.clock import now
from civic_app.core.errors import DomainError
from civic_app.core.hooks import Hook
from civic_app.core.timeutil import local_to_utc, local_zone, to_local
from civic_app.extensions import db
from civic_app.projects.models import (
    HOLDS_A_PLACE,
    Enrolment,
    Project,
    ProjectSession,
    ProjectStatus,
    ProjectTemplate,
    Schedule,
    Sector,
    SessionStatus,
)
from civic_app.projects.recurrence import MAX_SESSIONS_PER_RULE, expand_rrule  # noqa: F401
from civic_app.projects.venues import conflict_error, venue_conflict
from civic_app.sms.operations import cancel_queued

MAX_CAPACITY = 500
MAX_SESSION_HOURS = 12
#: Allowed status changes: from -> to.
TRANSITIONS = {
    ProjectStatus.DRAFT: {ProjectStatus.PUBLISHED, ProjectStatus.CANCELLED},
    ProjectStatus.PUBLISHED: {ProjectStatus.CLOSED, ProjectStatus.CANCELLED},
    ProjectStatus.CLOSED: {ProjectStatus.PUBLISHED, ProjectStatus.CANCELLED},
    ProjectStatus.CANCELLED: set(),
}
WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _check_project_data(data: dict) -> None:
    if data["sector"] not in set(Sector):
        raise DomainError("sector", _l("Scegli un settore dell'elenco."))
    if data["end_date"] < data["start_date"]:
        raise DomainError("end_date", _l("La data di fine viene prima della data di inizio."))
    if not 1 <= data["capacity"] <= MAX_CAPACITY:
        raise DomainError(
            "capacity",
            _l("I posti devono essere tra 1 e %(max)s.", max=MAX_CAPACITY),
        )
    if not 14 <= data["min_age"] <= 99:
        raise DomainError("min_age", _l("L'età minima deve essere tra 14 e 99 anni."))
    lat, lon = data.get("latitude"), data.get("longitude")
    if (lat is None) != (lon is None):
        raise DomainError(
            "longitude", _l("Scrivi sia la latitudine sia la longitudine, o nessuna.")
        )
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError("latitude", _l("Coordinate fuori scala."))


def _check_people_and_places(municipality_id: int, tutors, venue) -> None:
    from civic_app.core.permissions import Role

    for tutor in tutors:
        if tutor.role != Role.TUTOR or tutor.municipality_id != municipality_id:
            raise DomainError("tutors", _l("Scegli tutor del tuo Comune."))
    if venue is not None and venue.municipality_id != municipality_id:
        raise DomainError("venue_id", _l("Scegli un luogo del tuo Comune."))


PROJECT_FIELDS = (
    "title", "description", "translations", "sector", "address", "latitude", "longitude",
    "meeting_point", "capacity", "min_age", "what_to_bring", "accessibility",
    "start_date", "end_date",
)  # fmt: skip


def save_project(
    project: Project | None, municipality_id: int, data: dict, *, tutors=(), venue=None
) -> Project:
    """Create (project None) or update a project of `municipality_id` from plain `data`."""
    _check_project_data(data)
    _check_people_and_places(municipality_id, tutors, venue)
    if project is None:
        project = Project(municipality_id=municipality_id, status=ProjectStatus.DRAFT)
        db.session.add(project)
    elif project.status == ProjectStatus.CANCELLED:
        raise DomainError(None, _l("Un progetto annullato non si può modificare."))
    for field in PROJECT_FIELDS:
        if field in data:
            setattr(project, field, data[field])
    project.languages = "," + ",".join(sorted(set(data.get("languages") or ["it"]))) + ","
    project.venue = venue
    project.tutors = list(tutors)
    db.session.flush()
    return project


def change_status(project: Project, new_status: ProjectStatus, now: datetime) -> None:
    """Publish, close, reopen or cancel; cancelling also cancels the sessions still to come."""
    if new_status not in TRANSITIONS[project.status]:
        raise DomainError(None, _l("Questo cambio di stato non è possibile."))
    project.status = new_status
    if new_status == ProjectStatus.CANCELLED:
        for session in project.sessions:
            if session.starts_at > now and session.status == SessionStatus.SCHEDULED:
                _cancel(session)
    db.session.flush()


#: Figures about a project that features above count (attendance: the hours done), for
#: its staff page: each is called with the project and returns a dict of named values.
project_figures = Hook("project_figures")


def _check_times(starts_at: datetime, ends_at: datetime, field: str = "end_time") -> None:
    if ends_at <= starts_at:
        raise DomainError(field, _l("L'ora di fine deve venire dopo l'ora di inizio."))
    if ends_at - starts_at > timedelta(hours=MAX_SESSION_HOURS):
        raise DomainError(field, _l("Un turno dura al massimo 12 ore."))


def _within_project(project: Project, day: date, field: str) -> None:
    if not project.start_date <= day <= project.end_date:
        raise DomainError(field, _l("La data deve essere tra l'inizio e la fine del progetto."))


def _new_session(project, starts_at, ends_at, venue_id, **kw) -> ProjectSession:
    session = ProjectSession(
        project=project,
        municipality_id=project.municipality_id,
        starts_at=starts_at,
        ends_at=ends_at,
        venue_id=venue_id,
        local_weekday=to_local(starts_at).weekday(),
        **kw,
    )
    db.session.add(session)
    return session


def add_session(
    project: Project, day: date, start: time, end: time, *, venue=None, note: str = ""
) -> ProjectSession:
    """A one-off session on local `day` from `start` to `end`."""
    _within_project(project, day, "day")
    starts_at, ends_at = local_to_utc(day, start), local_to_utc(day, end)
    _check_times(starts_at, ends_at)
    venue_id = venue.id if venue is not None else project.venue_id
    clash = venue_conflict(venue_id, starts_at, ends_at)
    if clash is not None:
        raise conflict_error("start_time", clash)
    session = _new_session(project, starts_at, ends_at, venue_id, note=note, is_exception=True)
    db.session.flush()
    return session


def build_rrule(weekdays: list[int], until: date, interval: int = 1) -> str:
    """A weekly RRULE on `weekdays` (0 = Monday) until the end of local day `until`."""
    days = ",".join(WEEKDAY_CODES[d] for d in sorted(set(weekdays)))
    return f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={days};UNTIL={until:%Y%m%d}T235959"


def schedule_starts(
    project: Project, rule: str, first_start: datetime, duration_minutes: int, field: str
) -> list[datetime]:
    """The local starts a schedule would make, checked as `add_schedule` checks them.

    :raise DomainError: on a bad duration or rule, or a start outside the project's dates.
    """
    if not 15 <= duration_minutes <= MAX_SESSION_HOURS * 60:
        raise DomainError("end_time", _l("Un turno dura da 15 minuti a 12 ore."))
    starts = expand_rrule(rule, first_start, field)
    for start in starts:
        _within_project(project, start.date(), field)
    return starts


def add_schedule(
    project: Project,
    rule: str,
    first_start: datetime,
    duration_minutes: int,
    *,
    venue=None,
    field: str = "rrule",
    skip_days=frozenset(),
) -> list[ProjectSession]:
    """Make the sessions of a recurrence rule (local times, right across DST changes).

    No session is made on the local days in `skip_days` (holidays staff chose to skip).
    """
    starts = schedule_starts(project, rule, first_start, duration_minutes, field)
    starts = [start for start in starts if start.date() not in skip_days]
    if not starts:
        raise DomainError(field, _l("La regola non crea nessun turno in questo periodo."))
    zone = local_zone()
    schedule = Schedule(
        project_id=project.id,
        municipality_id=project.municipality_id,
        rrule=rule.strip()[:500],
        first_start=first_start.strftime("%Y-%m-%dT%H:%M"),
        duration_minutes=duration_minutes,
    )
    db.session.add(schedule)
    db.session.flush()
    venue_id = venue.id if venue is not None else project.venue_id
    sessions = []
    for start in starts:
        starts_at = local_to_utc(start.date(), start.time(), zone)
        ends_at = local_to_utc(
            start.date(), (start + timedelta(minutes=duration_minutes)).time(), zone
        )
        if ends_at <= starts_at:  # past midnight
            ends_at = starts_at + timedelta(minutes=duration_minutes)
        clash = venue_conflict(venue_id, starts_at, ends_at)
        if clash is not None:
            raise conflict_error(field, clash)
        sessions.append(
            _new_session(project, starts_at, ends_at, venue_id, schedule_id=schedule.id)
        )
        db.session.flush()
    return sessions


def move_session(
    session: ProjectSession, day: date, start: time, end: time, *, venue=None, note: str = ""
) -> None:
    """Move one occurrence; the others of its rule stay as they are."""
    if session.status == SessionStatus.CANCELLED:
        raise DomainError(None, _l("Un turno annullato non si può spostare."))
    _within_project(session.project, day, "day")
    starts_at, ends_at = local_to_utc(day, start), local_to_utc(day, end)
    _check_times(starts_at, ends_at)
    venue_id = venue.id if venue is not None else session.venue_id
    clash = venue_conflict(venue_id, starts_at, ends_at, exclude_id=session.id)
    if clash is not None:
        raise conflict_error("start_time", clash)
    session.starts_at, session.ends_at, session.venue_id = starts_at, ends_at, venue_id
    session.local_weekday = to_local(starts_at).weekday()
    session.note = note
    session.is_exception = True
    session.sequence += 1
    _withdraw_reminders(session)
    db.session.flush()


def _cancel(session: ProjectSession) -> None:
    session.status = SessionStatus.CANCELLED
    session.is_exception = True
    session.sequence += 1
    _withdraw_reminders(session)


def _withdraw_reminders(session: ProjectSession) -> None:
    """Reminders still queued for the old time never go (the sweep reminds the new one)."""
    cancel_queued(("session", session.id), ("reminder",), "outdated", now())


def cancel_session(session: ProjectSession) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise DomainError(None, _l("Il turno è già annullato."))
    _cancel(session)
    db.session.flush()


def scheduled_sessions(project_ids):
    """A query of the scheduled sessions of these projects (ids or a subquery), with each
    session's project and the venues a calendar shows: add the time window and order."""
    return (
        db.select(ProjectSession)
        .options(
            selectinload(ProjectSession.project).selectinload(Project.venue),
            selectinload(ProjectSession.venue),
        )
        .where(
            ProjectSession.project_id.in_(project_ids),
            ProjectSession.status == SessionStatus.SCHEDULED,
        )
    )


def places_taken(project_ids) -> dict[int, int]:
    """How many places each project has given (applied or accepted), in one query."""
    ids = list(project_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(Enrolment.project_id, func.count())
        .where(Enrolment.project_id.in_(ids), Enrolment.status.in_(HOLDS_A_PLACE))
        .group_by(Enrolment.project_id)
    )
    return dict(rows.all())


def share_as_template(project: Project, rrule_hint: str = "") -> ProjectTemplate:
    """Publish the project's content (never its people) to the network's template library."""
    template = ProjectTemplate(
        source_municipality_id=project.municipality_id,
        source_project_id=project.id,
        title=project.title,
        description=project.description,
        translations=dict(project.translations or {}),
        sector=project.sector,
        capacity=project.capacity,
        min_age=project.min_age,
        what_to_bring=project.what_to_bring,
        accessibility=project.accessibility,
        rrule_hint=rrule_hint,
    )
    db.session.add(template)
    db.session.flush()
    return template


def copy_template(template: ProjectTemplate, municipality_id: int, today: date) -> Project:
    """A new draft of `municipality_id` with the template's content."""
    project = Project(
        municipality_id=municipality_id,
        status=ProjectStatus.DRAFT,
        title=template.title,
        description=template.description,
        translations=dict(template.translations or {}),
        sector=template.sector,
        capacity=template.capacity,
        min_age=template.min_age,
        what_to_bring=template.what_to_bring,
        accessibility=template.accessibility,
        start_date=today,
        end_date=today + timedelta(days=90),
        copied_from_template_id=template.id,
    )
    db.session.add(project)
    template.times_copied += 1
    db.session.flush()
    return project
