"""A tutor's world for the offline browser tests: Luca, tutor of "Parco pulito" in Roma,
with Amina and Yusuf enrolled and sessions that started half an hour ago, N days on."""

from datetime import UTC, date, datetime, timedelta

from civic_app.core.accounts import User
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.people.operations import set_password
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    ProjectStatus,
    Sector,
)

PASSWORD = "a tutor password"
TUTOR_EMAIL = "luca@example.org"


def seed_tutor_day(app, days=(0,)) -> tuple[list[int], dict[str, int]]:
    """The sessions' ids (one per entry of `days`: 0 today, 1 tomorrow ...) and the
    participants' ids by first name."""
    with app.app_context():
        roma = Municipality(slug="roma", name="Roma", region="Lazio")
        tutor = User(role=Role.TUTOR, municipality=roma, first_name="Luca", email=TUTOR_EMAIL)
        set_password(tutor, PASSWORD)
        people = [
            User(role=Role.PARTICIPANT, municipality=roma, first_name=name, phone=phone)
            for name, phone in (("Amina", "+393470000301"), ("Yusuf", "+393470000302"))
        ]
        project = Project(
            municipality=roma,
            title="Parco pulito",
            description="-",
            sector=Sector.GREEN,
            status=ProjectStatus.PUBLISHED,
            capacity=10,
            start_date=date.today() - timedelta(days=30),
            end_date=date.today() + timedelta(days=30),
            translations={},
            tutors=[tutor],
        )
        db.session.add_all([roma, tutor, *people, project])
        db.session.flush()
        start = datetime.now(UTC) - timedelta(minutes=30)
        sessions = [
            ProjectSession(
                project_id=project.id,
                municipality_id=roma.id,
                starts_at=start + timedelta(days=n),
                ends_at=start + timedelta(days=n, hours=3),
                local_weekday=(start + timedelta(days=n)).weekday(),
            )
            for n in days
        ]
        db.session.add_all(sessions)
        for person in people:
            db.session.add(
                Enrolment(
                    project_id=project.id,
                    participant_id=person.id,
                    municipality_id=roma.id,
                    status=EnrolmentStatus.ACCEPTED,
                    requested_at=start - timedelta(days=10),
                )
            )
        db.session.commit()
        return [s.id for s in sessions], {p.first_name: p.id for p in people}
