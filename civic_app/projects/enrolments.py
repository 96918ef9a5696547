"""Joining a project: asking for a place, staff decisions, withdrawing, the waitlist.

These flush; callers commit."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update

from civic_app.core.errors import DomainError
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.projects.models import (
    HOLDS_A_PLACE,
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    ProjectStatus,
    Rsvp,
    SessionOffer,
    SessionStatus,
)

#: A participant may ask again after these.
REOPENABLE = (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.DECLINED)


def lock_project(project_id: int) -> None:
    """Serialise enrolments of one project until the transaction ends.

    An UPDATE takes the row lock on PostgreSQL and the write lock on SQLite, so two
    people taking the last place at the same moment are counted one after the other.
    """
    db.session.execute(
        update(Project)
        .where(Project.id == project_id)
        .values(updated_at=Project.updated_at)
        .execution_options(synchronize_session=False)
    )


def request_to_join(project: Project, participant, now: datetime) -> Enrolment:
    """Ask for a place: `applied` while places are left, `waitlisted` once it is full.

    Asking twice returns the enrolment already there.

    :raise DomainError: when the project is not open or is of another municipality, or
        the participant is a minor still without a guardian's consent.
    """
    from civic_app.core.consent import needs_guardian_consent
    from civic_app.core.timeutil import to_local

    if participant.role != Role.PARTICIPANT:
        raise DomainError(None, _l("Solo i partecipanti possono iscriversi ai progetti."))
    if needs_guardian_consent(participant, to_local(now).year):
        raise DomainError(
            None,
            _l(
                "Per chi ha meno di 18 anni serve prima il consenso firmato da un genitore "
                "o tutore con il personale del Comune."
            ),
        )
    if project.status != ProjectStatus.PUBLISHED:
        raise DomainError(None, _l("Questo progetto non accetta iscrizioni."))
    if participant.municipality_id != project.municipality_id:
        raise DomainError(None, _l("Questo progetto è per chi partecipa nel suo Comune."))
    lock_project(project.id)
    enrolment = db.session.scalar(
        db.select(Enrolment).where(
            Enrolment.project_id == project.id, Enrolment.participant_id == participant.id
        )
    )
    if enrolment is not None and enrolment.status not in REOPENABLE:
        return enrolment
    taken = db.session.scalar(
        db.select(func.count(Enrolment.id)).where(
            Enrolment.project_id == project.id, Enrolment.status.in_(HOLDS_A_PLACE)
        )
    )
    status = EnrolmentStatus.APPLIED if taken < project.capacity else EnrolmentStatus.WAITLISTED
    if enrolment is None:
        enrolment = Enrolment(
            project_id=project.id,
            participant_id=participant.id,
            municipality_id=project.municipality_id,
        )
        db.session.add(enrolment)
    enrolment.status = status
    enrolment.requested_at = now
    enrolment.decided_at = None
    enrolment.decided_by_id = None
    db.session.flush()
    return enrolment


def _notify(enrolment: Enrolment, template: str, now: datetime, **values) -> None:
    from civic_app.sms.operations import queue_sms
    from civic_app.sms.templates import render_sms

    participant = enrolment.participant
    if not participant.phone:
        return
    queue_sms(
        phone=participant.phone,
        body=render_sms(template, participant.preferred_language, **values),
        kind=template,
        now=now,
        user=participant,
        idempotency_key=f"{template}:{enrolment.id}:{now.isoformat()}",
    )


def _next_session_text(project: Project, language: str, now: datetime) -> str:
    from civic_app.projects.models import ProjectSession, SessionStatus
    from civic_app.sms.templates import sms_when

    starts = db.session.scalar(
        db.select(func.min(ProjectSession.starts_at)).where(
            ProjectSession.project_id == project.id,
            ProjectSession.status == SessionStatus.SCHEDULED,
            ProjectSession.starts_at >= now,
        )
    )
    if starts is None:
        return "-"
    return sms_when(starts, language, "EEE d MMM HH:mm")


#: What staff may decide, and from which statuses.
DECISIONS = {
    EnrolmentStatus.ACCEPTED: (EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED),
    EnrolmentStatus.WAITLISTED: (EnrolmentStatus.APPLIED,),
    EnrolmentStatus.DECLINED: (EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED),
}


def decide_enrolment(enrolment: Enrolment, decision: EnrolmentStatus, staff, now: datetime):
    """Accept, waitlist or decline a request, and tell the participant by SMS in their language.

    :raise DomainError: for a decision that does not fit the request's status, or accepting
        beyond the project's capacity.
    """
    if decision not in DECISIONS or enrolment.status not in DECISIONS[decision]:
        raise DomainError(None, _l("Questa decisione non è possibile per questa richiesta."))
    project = enrolment.project
    if decision == EnrolmentStatus.ACCEPTED and enrolment.status == EnrolmentStatus.WAITLISTED:
        lock_project(project.id)
        taken = db.session.scalar(
            db.select(func.count(Enrolment.id)).where(
                Enrolment.project_id == project.id, Enrolment.status.in_(HOLDS_A_PLACE)
            )
        )
        if taken >= project.capacity:
            raise DomainError(None, _l("Il progetto è pieno: libera prima un posto."))
    enrolment.status = decision
    enrolment.decided_at = now
    enrolment.decided_by_id = staff.id
    db.session.flush()
    language = enrolment.participant.preferred_language
    title = project.text(language)[0]
    if decision == EnrolmentStatus.ACCEPTED:
        when = _next_session_text(project, language, now)
        _notify(enrolment, "enrolment_accepted", now, project=title, when=when)
    elif decision == EnrolmentStatus.WAITLISTED:
        _notify(enrolment, "enrolment_waitlisted", now, project=title)
    else:
        _notify(enrolment, "enrolment_declined", now, project=title)
        _offer_place(project, now)


def _offer_place(project: Project, now: datetime) -> Enrolment | None:
    """Give a freed place to the first on the waitlist (it waits for staff, as a new request)."""
    lock_project(project.id)
    taken = db.session.scalar(
        db.select(func.count(Enrolment.id)).where(
            Enrolment.project_id == project.id, Enrolment.status.in_(HOLDS_A_PLACE)
        )
    )
    if taken >= project.capacity:
        return None
    first = db.session.scalar(
        db.select(Enrolment)
        .where(Enrolment.project_id == project.id, Enrolment.status == EnrolmentStatus.WAITLISTED)
        .order_by(Enrolment.requested_at, Enrolment.id)
        .limit(1)
    )
    if first is None:
        return None
    first.status = EnrolmentStatus.APPLIED
    db.session.flush()
    _notify(
        first, "place_available", now, project=project.text(first.participant.preferred_language)[0]
    )
    return first


def withdraw_enrolment(enrolment: Enrolment, now: datetime) -> Enrolment | None:
    """Leave a project; the place goes to the first on the waitlist. Returns who got it.

    :raise DomainError: when there is nothing to withdraw from.
    """
    if enrolment.status not in (*HOLDS_A_PLACE, EnrolmentStatus.WAITLISTED):
        raise DomainError(None, _l("Non c'è niente da ritirare."))
    held_a_place = enrolment.status in HOLDS_A_PLACE
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.decided_at = now
    db.session.flush()
    return _offer_place(enrolment.project, now) if held_a_place else None


# Who is expected at a session ------------------------------------------------------
#
# The one definition, used by NEXT, the reminders, the rosters, the participant's home,
# the places of a session and the offer chain. An `applied` request holds one of the
# project's places (staff can never accept more people than there are places) but is not
# a shift: nobody is expected at a session before staff accepted them.

#: Enrolments whose people the project's sessions expect (completed: they came to the
#: sessions before the project ended).
EXPECTED_STATUSES = (EnrolmentStatus.ACCEPTED, EnrolmentStatus.COMPLETED)


def _said_no(session_id, participant_id):
    return (
        db.select(Rsvp.id)
        .where(
            Rsvp.session_id == session_id,
            Rsvp.participant_id == participant_id,
            Rsvp.coming.is_(False),
        )
        .exists()
    )


def expected_select(session_ids):
    """(session_id, participant_id) of everyone expected at these sessions (ids or a
    subquery): the project's accepted people, and those who took a place freed at that
    session, less whoever answered NO for that session."""
    enrolled = (
        db.select(ProjectSession.id.label("session_id"), Enrolment.participant_id)
        .join(Enrolment, Enrolment.project_id == ProjectSession.project_id)
        .where(
            ProjectSession.id.in_(session_ids),
            Enrolment.status.in_(EXPECTED_STATUSES),
            ~_said_no(ProjectSession.id, Enrolment.participant_id),
        )
    )
    took_a_place = db.select(SessionOffer.session_id, SessionOffer.participant_id).where(
        SessionOffer.session_id.in_(session_ids),
        SessionOffer.status == "accepted",
        ~_said_no(SessionOffer.session_id, SessionOffer.participant_id),
    )
    return enrolled.union(took_a_place)


def expected_ids(session: ProjectSession) -> list[int]:
    """Who is expected at `session`, by id (each once)."""
    rows = db.session.execute(expected_select([session.id])).all()
    return sorted({participant_id for _session_id, participant_id in rows})


def session_answer(session: ProjectSession, participant_id: int) -> Rsvp | None:
    """The person's answer about coming to `session`, if they gave one."""
    return db.session.scalar(
        db.select(Rsvp).where(Rsvp.session_id == session.id, Rsvp.participant_id == participant_id)
    )


def answer_for_session(
    session: ProjectSession, participant_id: int, coming: bool, now: datetime, source: str
) -> Rsvp:
    """Record (or change) whether the person comes to `session`. Flushes."""
    rsvp = session_answer(session, participant_id)
    if rsvp is None:
        rsvp = Rsvp(
            session_id=session.id,
            participant_id=participant_id,
            municipality_id=session.municipality_id,
        )
        db.session.add(rsvp)
    rsvp.coming, rsvp.answered_at, rsvp.source = coming, now, source
    db.session.flush()
    return rsvp


def declined_ids(session: ProjectSession) -> list[int]:
    """The project's accepted people who answered NO for `session` (not expected there)."""
    return sorted(
        db.session.scalars(
            db.select(Rsvp.participant_id)
            .join(
                Enrolment,
                (Enrolment.participant_id == Rsvp.participant_id)
                & (Enrolment.project_id == session.project_id),
            )
            .where(
                Rsvp.session_id == session.id,
                Rsvp.coming.is_(False),
                Enrolment.status.in_(EXPECTED_STATUSES),
            )
        )
    )


def places_free(session: ProjectSession, *, leaving_out: int | None = None) -> int:
    """The places left at `session`: capacity, less the people expected there and the
    requests still waiting for staff (each holds a place). `leaving_out`: count as if this
    person were not expected (someone asking for their place back)."""
    expected = set(expected_ids(session)) - {leaving_out}
    waiting = db.session.scalar(
        db.select(func.count(Enrolment.id)).where(
            Enrolment.project_id == session.project_id,
            Enrolment.status == EnrolmentStatus.APPLIED,
        )
    )
    return session.project.capacity - len(expected) - waiting


def _sessions_of(participant_id: int, since: datetime, until: datetime | None = None):
    """Ids of the scheduled sessions from `since` of the projects this person is enrolled
    in, or of a place offered to them: where they may be expected."""
    query = db.select(ProjectSession.id).where(
        ProjectSession.status == SessionStatus.SCHEDULED,
        ProjectSession.starts_at >= since,
        db.or_(
            ProjectSession.project_id.in_(
                db.select(Enrolment.project_id).where(Enrolment.participant_id == participant_id)
            ),
            ProjectSession.id.in_(
                db.select(SessionOffer.session_id).where(
                    SessionOffer.participant_id == participant_id
                )
            ),
        ),
    )
    if until is not None:
        query = query.where(ProjectSession.starts_at < until)
    return query.scalar_subquery()


def expected_sessions(participant_id: int, since: datetime, until: datetime | None = None):
    """A query of the scheduled sessions this person is expected at from `since` (to
    `until`), earliest first."""
    expected = expected_select(_sessions_of(participant_id, since, until)).subquery()
    return (
        db.select(ProjectSession)
        .join(expected, expected.c.session_id == ProjectSession.id)
        .where(expected.c.participant_id == participant_id)
        .order_by(ProjectSession.starts_at, ProjectSession.id)
    )


def next_expected_session(participant_id: int, now: datetime) -> ProjectSession | None:
    """The next scheduled session this person is expected at, not yet begun."""
    return db.session.scalar(expected_sessions(participant_id, now).limit(1))
