"""A small world for the conversation: a project with 2 places, a session tomorrow, two
accepted people and one on the waiting list; helpers to text and read the replies."""

from datetime import timedelta

import pytest

from civic_app.plans.reminders import sweep
from civic_app.projects.models import EnrolmentStatus, ProjectSession
from civic_app.sms.models import Direction, Message


@pytest.fixture
def world(db, app, project, create_participant, enrol, clock):
    holders = [create_participant(phone=f"+39347200000{n}", first_name=f"H{n}") for n in (1, 2)]
    for person in holders:
        enrol(project, person, EnrolmentStatus.ACCEPTED)
    waiting = create_participant(phone="+393472000009", first_name="W", preferred_language="en")
    enrol(project, waiting, EnrolmentStatus.WAITLISTED)
    session = ProjectSession(
        project_id=project.id, municipality_id=project.municipality_id,
        starts_at=clock.now() + timedelta(hours=23),
        ends_at=clock.now() + timedelta(hours=26), local_weekday=4,
    )  # fmt: skip
    db.session.add(session)
    db.session.commit()
    return {"session": session, "holders": holders, "waiting": waiting, "project": project}


@pytest.fixture
def remind(app, db, clock, deliver):
    """Run the reminder sweep now and send what it queued."""

    def run():
        with app.test_request_context():
            counts = sweep(clock.now())
        db.session.commit()
        deliver()
        return counts

    return run


def replies(db, phone) -> list[Message]:
    return db.session.scalars(
        db.select(Message)
        .where(Message.phone == phone, Message.direction == Direction.OUT)
        .order_by(Message.id)
    ).all()


def last_reply(db, phone) -> str:
    return replies(db, phone)[-1].body
