"""Two caseworkers place families in the last places of a dwelling at the same moment:
only as many people as there are places move in (SQLite and PostgreSQL)."""

import contextlib
import threading
from datetime import UTC, date, datetime

import pytest
from flask_migrate import upgrade

from civic_app import create_app
from civic_app.casework.models import ConsentMethod, Intake
from civic_app.core.accounts import User
from civic_app.core.errors import DomainError
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.housing.measures import place, propose_measure
from civic_app.housing.models import Dwelling, DwellingKind, DwellingState, ManagedBy, Placement
from config import TestingConfig

TODAY = date(2026, 3, 4)
NOW = datetime(2026, 3, 4, 9, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'race.db'}"
    return request.getfixturevalue("empty_postgresql")


def _setup(app) -> tuple[int, list[int], int]:
    """A flat with 3 places and two families of two; (dwelling, measures, staff)."""
    with app.app_context():
        upgrade()
        roma = Municipality(slug="roma", name="Roma", region="Lazio")
        staff = User(role=Role.STAFF, municipality=roma, first_name="S", email="s@x.it")
        db.session.add_all([roma, staff])
        db.session.flush()
        flat = Dwelling(
            municipality_id=roma.id,
            name="Via Tiburtina 12",
            address="Via Tiburtina 12",
            kind=DwellingKind.SHARED_FLAT,
            places=3,
            managed_by=ManagedBy.MUNICIPALITY,
            state=DwellingState.AVAILABLE,
            available_from=TODAY,
        )
        db.session.add(flat)
        db.session.flush()
        measures = []
        for n in range(2):
            person = User(role=Role.IN_CARE, municipality=roma, first_name=f"P{n}")
            db.session.add(person)
            db.session.flush()
            intake = Intake(
                municipality_id=roma.id,
                person_id=person.id,
                met_on=TODAY,
                last_seen_on=TODAY,
                consent_method=ConsentMethod.VERBAL,
            )
            db.session.add(intake)
            db.session.flush()
            measure = propose_measure(
                intake,
                {"kind": "placement", "household_members": 1, "starts_on": TODAY},
                by=staff,
                municipality_id=roma.id,
            )
            measures.append(measure.id)
        db.session.commit()
        ids = flat.id, measures, staff.id
        db.session.remove()
        return ids


def test_the_last_places_go_to_one_family_only(database_url, own_session):
    app = create_app(type("Race", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": database_url}))
    dwelling_id, measure_ids, staff_id = _setup(app)
    from civic_app.housing.models import HousingMeasure

    start, before_commit = threading.Barrier(2), threading.Barrier(2)
    placed, refused, errors = [], [], []

    def move_in(measure_id):
        try:
            with app.app_context():
                start.wait(timeout=10)
                measure = db.session.get(HousingMeasure, measure_id)
                flat = db.session.get(Dwelling, dwelling_id)
                staff = db.session.get(User, staff_id)
                try:
                    place(measure, flat, TODAY, TODAY, by=staff)
                except DomainError as error:
                    refused.append(error.message)
                    db.session.rollback()
                    return
                # Without the lock both would reach this point with room for two each;
                # with it, the other request is still waiting inside place().
                with contextlib.suppress(threading.BrokenBarrierError):
                    before_commit.wait(timeout=2)
                placed.append(measure_id)
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=move_in, args=(mid,)) for mid in measure_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(placed) == 1 and len(refused) == 1
    assert "1" in refused[0] and "3" in refused[0]
    with app.app_context():
        stored = db.session.scalars(db.select(Placement.places)).all()
        assert stored == [2]
        assert db.session.get(Dwelling, dwelling_id).places == 3
        db.session.remove()
        db.engine.dispose()
