"""Case-team fixtures: a unit, a directory entry, a caseworker and a case, all in the
default municipality unless told otherwise."""

from datetime import date

import pytest

from civic_app.casework.models import (
    CareService,
    ConsentMethod,
    Intake,
    ServiceKind,
    Unit,
    UnitKind,
)
from civic_app.core.accounts import User
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role


@pytest.fixture
def caseworker(create_user):
    return create_user(Role.CASEWORKER, profession="caseworker")


@pytest.fixture
def psychologist(create_user):
    return create_user(Role.CASEWORKER, profession="psychologist")


@pytest.fixture
def create_unit(db, municipality):
    def make(**kw) -> Unit:
        values = {
            "municipality_id": municipality.id,
            "name": "Sportello Centro",
            "kind": UnitKind.ONE_STOP_SHOP,
            "zone": "Centro",
            "opening_hours": "lun-ven 9-13",
        } | kw
        unit = Unit(**values)
        db.session.add(unit)
        db.session.commit()
        return unit

    return make


@pytest.fixture
def unit(create_unit):
    return create_unit()


@pytest.fixture
def create_service(db, municipality):
    def make(**kw) -> CareService:
        values = {
            "municipality_id": municipality.id,
            "name": "Sportello legale Diritti",
            "kind": ServiceKind.LEGAL_AID,
            "address": "Via Roma 1",
            "languages": ",it,en,ar,",
        } | kw
        service = CareService(**values)
        db.session.add(service)
        db.session.commit()
        return service

    return make


@pytest.fixture
def create_case(db, municipality, clock):
    """A person in care (role in_care) and their open intake."""

    def make(person: User | None = None, **kw) -> Intake:
        if person is None:
            person = User(
                role=Role.IN_CARE,
                municipality_id=kw.get("municipality_id", municipality.id),
                first_name=kw.pop("first_name", "Amina"),
                last_name=kw.pop("last_name", None),
                phone=kw.pop("phone", None),
                preferred_language=kw.pop("preferred_language", "ar"),
            )
            db.session.add(person)
            db.session.flush()
        today = clock.now().date() if clock else date(2026, 3, 4)
        values = {
            "municipality_id": person.municipality_id,
            "person_id": person.id,
            "met_on": today,
            "last_seen_on": today,
            "needs": ",legal,housing,",
            "consent_method": ConsentMethod.VERBAL,
        } | kw
        intake = Intake(**values)
        db.session.add(intake)
        db.session.commit()
        return intake

    return make


@pytest.fixture
def staff_client(client, login_as, staff):
    login_as(staff)
    return client


def audit(db, action):
    """The audit rows of `action`, oldest first."""
    return db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()
