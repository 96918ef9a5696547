from datetime import UTC, datetime

import pytest

from civic_app.core.permissions import Role
from civic_app.projects.models import EnrolmentStatus


@pytest.fixture
def tutor(create_user, project, db):
    tutor = create_user(Role.TUTOR)
    project.tutors = [tutor]
    db.session.commit()
    return tutor


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
