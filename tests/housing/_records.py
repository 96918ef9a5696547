"""Plain builders of housing records for the operations tests (no HTTP)."""

from datetime import date

from civic_app.casework.models import ConsentMethod, Intake
from civic_app.core.accounts import User
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.housing.dwellings import save_dwelling, set_state
from civic_app.housing.measures import propose_measure

TODAY = date(2026, 3, 4)


def person_in_care(municipality_id: int, name="Amina") -> Intake:
    person = User(role=Role.IN_CARE, municipality_id=municipality_id, first_name=name)
    db.session.add(person)
    db.session.flush()
    intake = Intake(
        municipality_id=municipality_id,
        person_id=person.id,
        met_on=TODAY,
        last_seen_on=TODAY,
        consent_method=ConsentMethod.VERBAL,
    )
    db.session.add(intake)
    db.session.flush()
    return intake


def dwelling(municipality_id: int, places=3, *, available=True, **kw):
    data = {
        "name": "Via Tiburtina 12",
        "address": "Via Tiburtina 12, Roma",
        "kind": "shared_flat",
        "places": places,
        "managed_by": "municipality",
    } | kw
    made = save_dwelling(None, municipality_id, data, TODAY)
    if available:
        set_state(made, "available", TODAY)
    return made


def placement_measure(intake: Intake, by, household_members=0, **kw):
    data = {
        "kind": "placement",
        "household_members": household_members,
        "starts_on": TODAY,
    } | kw
    return propose_measure(intake, data, by=by, municipality_id=intake.municipality_id)
