from datetime import date

import pytest

from civic_app.projects.models import Project, ProjectStatus, Sector, Venue


@pytest.fixture
def create_venue(db, municipality):
    def make(**kw) -> Venue:
        values = {"name": "Parco", "address": "Via Roma 1", "municipality_id": municipality.id}
        venue = Venue(**(values | kw))
        db.session.add(venue)
        db.session.commit()
        return venue

    return make


@pytest.fixture
def create_project(db, municipality):
    def make(**kw) -> Project:
        values = {
            "municipality_id": municipality.id,
            "title": "Cura del parco",
            "description": "Puliamo il parco insieme.",
            "sector": Sector.GREEN,
            "status": ProjectStatus.PUBLISHED,
            "capacity": 10,
            "min_age": 18,
            "languages": ",it,",
            "address": "Via del Parco 2",
            "start_date": date(2026, 3, 1),
            "end_date": date(2026, 6, 30),
            "translations": {},
        }
        project = Project(**(values | kw))
        db.session.add(project)
        db.session.commit()
        return project

    return make


def project_form(**overrides) -> dict:
    """What a staff member types in the project form."""
    data = {
        "title": "Orti condivisi",
        "description": "Coltiviamo gli orti del quartiere.",
        "sector": "green",
        "venue_id": "0",
        "address": "Via degli Orti 3",
        "capacity": "12",
        "min_age": "18",
        "languages": ["it", "ar"],
        "start_date": "2026-03-01",
        "end_date": "2026-06-30",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
