"""Enrolment rules. These flush; callers commit."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update

from civic_app.core.errors import DomainError
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.plans.models import HOLDS_A_PLACE, Enrolment, EnrolmentStatus
from civic_app.projects.models import Project, ProjectStatus

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

    :raise DomainError: when the project is not open or is of another municipality.
    """
    if participant.role != Role.PARTICIPANT:
        raise DomainError(None, _l("Solo i partecipanti possono iscriversi ai progetti."))
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
