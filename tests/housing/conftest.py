"""Housing fixtures: accounts with the housing grant, a dwelling and a measure, all in
the default municipality unless told otherwise. The case team's fixtures (a caseworker,
a case) come from tests/casework/conftest.py: importing them here makes them this
folder's fixtures too."""

from datetime import date

import pytest

from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.housing.dwellings import save_dwelling, set_state
from civic_app.housing.measures import advance, propose_measure
from civic_app.housing.models import Dwelling, HousingMeasure
from tests.casework.conftest import audit, caseworker, create_case, staff_client  # noqa: F401

#: The frozen clock's day (tests/conftest.py `clock`: Wednesday 4 March 2026 in Rome).
TODAY = date(2026, 3, 4)


@pytest.fixture
def housing_staff(create_user):
    """A staff member with the housing grant (not on the case team)."""
    return create_user(Role.STAFF, grants=",housing,")


@pytest.fixture
def housing_caseworker(create_user):
    """A caseworker with the housing grant: reads cases and manages housing."""
    return create_user(Role.CASEWORKER, profession="caseworker", grants=",housing,")


@pytest.fixture
def create_dwelling(db, municipality, clock):
    """A dwelling (available unless `state` says otherwise), through the operations."""

    def make(*, municipality_id=None, state="available", **kw) -> Dwelling:
        data = {
            "name": "Via Tiburtina 12",
            "address": "Via Tiburtina 12, Roma",
            "kind": "shared_flat",
            "places": 3,
            "managed_by": "municipality",
        } | kw
        made = save_dwelling(None, municipality_id or municipality.id, data, TODAY)
        if state != "refurbishing":
            set_state(made, state, TODAY)
        db.session.commit()
        return made

    return make


@pytest.fixture
def create_measure(db, create_case, create_user, clock):  # noqa: F811 - the imported fixture
    """A measure of `intake` (a new case by default), proposed and then moved to
    `status` (approved or active)."""

    def make(intake=None, *, status="proposed", by=None, **kw) -> HousingMeasure:
        intake = intake or create_case()
        if by is None:
            by = create_user(
                Role.STAFF, municipality=db.session.get(Municipality, intake.municipality_id)
            )
        data = {"kind": "placement", "starts_on": TODAY} | kw
        measure = propose_measure(intake, data, by=by, municipality_id=intake.municipality_id)
        if status in ("approved", "active"):
            advance(measure, status, TODAY, by=by)
        db.session.commit()
        return measure

    return make


@pytest.fixture
def housing_client(client, login_as, housing_staff):
    login_as(housing_staff)
    return client
