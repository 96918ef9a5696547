"""Dwellings: places, states that follow the placements, works with exact costs, and
input that is refused with a message."""

from datetime import timedelta
from decimal import Decimal

import pytest

from civic_app.core.errors import DomainError
from civic_app.housing.dwellings import add_work, save_dwelling, set_state, works_of
from civic_app.housing.measures import advance, place
from civic_app.housing.models import DwellingState

from ._records import TODAY, dwelling, person_in_care, placement_measure


def test_a_new_dwelling_is_being_refurbished_until_staff_open_it(db, municipality):
    made = dwelling(municipality.id, available=False)
    assert made.state == DwellingState.REFURBISHING
    assert made.available_from is None
    set_state(made, "available", TODAY)
    assert made.state == DwellingState.AVAILABLE
    assert made.available_from == TODAY


def test_a_full_dwelling_is_occupied_and_frees_up_when_people_leave(db, municipality, staff):
    home = dwelling(municipality.id, places=2)
    measure = placement_measure(person_in_care(municipality.id), staff, household_members=1)
    place(measure, home, TODAY, TODAY, by=staff)
    assert home.state == DwellingState.OCCUPIED
    advance(measure, "ended", TODAY + timedelta(days=30), by=staff, outcome="autonomous_housing")
    assert home.state == DwellingState.AVAILABLE


def test_a_dwelling_people_live_in_cannot_be_closed_nor_shrunk(db, municipality, staff):
    home = dwelling(municipality.id, places=4)
    measure = placement_measure(person_in_care(municipality.id), staff, household_members=2)
    place(measure, home, TODAY, TODAY, by=staff)
    with pytest.raises(DomainError) as closed:
        set_state(home, "closed", TODAY)
    assert closed.value.field == "state"
    data = {
        "name": home.name,
        "address": home.address,
        "kind": "shared_flat",
        "places": 2,
        "managed_by": "municipality",
    }
    with pytest.raises(DomainError) as shrunk:
        save_dwelling(home, municipality.id, data, TODAY)
    assert shrunk.value.field == "places"
    assert "3" in shrunk.value.message
    assert home.state != DwellingState.CLOSED


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"places": 0}, "places"),
        ({"places": -2}, "places"),
        ({"places": 10_000}, "places"),
        ({"places": "3"}, "places"),
        ({"name": "  "}, "name"),
        ({"address": ""}, "address"),
        ({"kind": "castle"}, "kind"),
        ({"managed_by": "partner", "manager_name": ""}, "manager_name"),
        ({"state": "demolished"}, "state"),
        ({"name": "x" * 500}, "name"),
    ],
)
def test_bad_dwellings_are_refused_with_the_field_at_fault(db, municipality, change, field):
    data = {
        "name": "Stanza",
        "address": "Via Roma 1",
        "kind": "room",
        "places": 1,
        "managed_by": "municipality",
    } | change
    with pytest.raises(DomainError) as refused:
        save_dwelling(None, municipality.id, data, TODAY)
    assert refused.value.field == field
    assert refused.value.message


def test_a_partner_body_is_kept_only_for_partner_dwellings(db, municipality):
    data = {
        "name": "Casa Aurora",
        "address": "Via Prenestina 3",
        "kind": "temporary_flat",
        "places": 3,
        "managed_by": "partner",
        "manager_name": "Cooperativa Aurora",
    }
    made = save_dwelling(None, municipality.id, data, TODAY)
    assert made.manager_name == "Cooperativa Aurora"
    made = save_dwelling(made, municipality.id, data | {"managed_by": "municipality"}, TODAY)
    assert made.manager_name == ""


def test_works_keep_their_cost_to_the_cent(db, municipality):
    home = dwelling(municipality.id, available=False)
    add_work(home, {"description": "Imbiancatura", "starts_on": TODAY, "cost": "1234,56"})
    add_work(
        home,
        {
            "description": "Caldaia",
            "starts_on": TODAY - timedelta(days=10),
            "ends_on": TODAY,
            "cost": Decimal("0.10"),
        },
    )
    db.session.commit()
    costs = [work.cost for work in works_of(home)]
    assert costs == [Decimal("1234.56"), Decimal("0.10")]
    assert sum(costs) == Decimal("1234.66")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cost": "-5"}, "cost"),
        ({"cost": "12,345"}, "cost"),
        ({"cost": "abc"}, "cost"),
        ({"cost": "NaN"}, "cost"),
        ({"cost": "1e9"}, "cost"),
        ({"cost": "1e30"}, "cost"),
        ({"cost": "1e-30"}, "cost"),
        ({"cost": ""}, "cost"),
        ({"ends_on": TODAY - timedelta(days=1)}, "ends_on"),
        ({"starts_on": None}, "starts_on"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_works_are_refused(db, municipality, change, field):
    home = dwelling(municipality.id, available=False)
    data = {"description": "Porta", "starts_on": TODAY, "cost": "100"} | change
    with pytest.raises(DomainError) as refused:
        add_work(home, data)
    assert refused.value.field == field
    assert works_of(home) == []


def test_an_unknown_state_is_a_message_not_an_error(db, municipality):
    home = dwelling(municipality.id)
    with pytest.raises(DomainError) as refused:
        set_state(home, "demolished", TODAY)
    assert refused.value.field == "state"
    assert home.state == DwellingState.AVAILABLE
