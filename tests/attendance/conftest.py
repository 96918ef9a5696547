from datetime import UTC, datetime, timedelta

import pytest

from civic_app.core.permissions import Role
from civic_app.core.timeutil import to_local
from civic_app.plans.models import EnrolmentStatus
from civic_app.projects.models import ProjectSession


@pytest.fixture
def tutor(create_user, project, db):
    tutor = create_user(Role.TUTOR)
    project.tutors = [tutor]
    db.session.commit()
    return tutor


@pytest.fixture
def add_session(db):
    def make(project, starts_at, hours=3):
        session = ProjectSession(
            project_id=project.id,
            municipality_id=project.municipality_id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            local_weekday=to_local(starts_at).weekday(),
        )
        db.session.add(session)
        db.session.commit()
        return session

    return make


@pytest.fixture
def session_today(add_session, project, clock):
    """A 3-hour session starting at the frozen clock's time (09:00 UTC, 4 March 2026)."""
    return add_session(project, clock.now())


@pytest.fixture
def enrolled(create_participant, project, enrol):
    def make(n=1, **kw):
        people = [create_participant(**kw) for _ in range(n)]
        for person in people:
            enrol(project, person, EnrolmentStatus.ACCEPTED, at=datetime(2026, 2, 1, tzinfo=UTC))
        return people

    return make
