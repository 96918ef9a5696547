"""Two people take the last place at the same moment: capacity holds (real PostgreSQL)."""

import contextlib
import threading
from datetime import UTC, date, datetime

from flask_migrate import upgrade

from civic_app import create_app
from civic_app.core.accounts import User
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.projects.enrolments import request_to_join
from civic_app.projects.models import Enrolment, EnrolmentStatus, Project, ProjectStatus, Sector
from config import TestingConfig

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)


def test_the_last_place_goes_to_one_person_only(empty_postgresql, own_session):
    app = create_app(type("Race", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": empty_postgresql}))
    with app.app_context():
        upgrade()
        roma = Municipality(slug="roma", name="Roma", region="Lazio")
        project = Project(
            municipality=roma,
            title="Ultimo posto",
            description="-",
            sector=Sector.CARE,
            status=ProjectStatus.PUBLISHED,
            capacity=1,
            start_date=date(2026, 3, 1),
            end_date=date(2026, 6, 30),
            translations={},
        )
        people = [
            User(
                role=Role.PARTICIPANT,
                municipality=roma,
                first_name=f"P{n}",
                phone=f"+3934700001{n}",
            )
            for n in range(2)
        ]
        db.session.add_all([project, *people])
        db.session.commit()
        project_id, person_ids = project.id, [p.id for p in people]

    start, before_commit = threading.Barrier(2), threading.Barrier(2)
    outcomes, errors = [], []

    def take_the_place(person_id):
        try:
            with app.app_context():
                project = db.session.get(Project, project_id)
                person = db.session.get(User, person_id)
                start.wait(timeout=10)
                enrolment = request_to_join(project, person, NOW)
                # Without the lock both would wait here with a place each; with it, the
                # second is still blocked inside request_to_join and this wait times out.
                with contextlib.suppress(threading.BrokenBarrierError):
                    before_commit.wait(timeout=2)
                outcomes.append(enrolment.status)
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=take_the_place, args=(pid,)) for pid in person_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(outcomes) == [EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED]
    with app.app_context():
        stored = db.session.scalars(db.select(Enrolment.status)).all()
        assert sorted(stored) == [EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED]
        db.engine.dispose()
