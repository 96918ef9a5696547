"""Housing measures: forward-only steps, exact amounts, one home at a time, never more
people than places, and nothing across municipalities."""

from datetime import timedelta
from decimal import Decimal

import pytest

from civic_app.core.errors import DomainError
from civic_app.core.models import AuditEvent
from civic_app.extensions import db as _db
from civic_app.housing.measures import (
    advance,
    end_placement,
    place,
    placements_of,
    propose_measure,
    update_measure,
)
from civic_app.housing.models import MeasureStatus, Outcome

from ._records import TODAY, dwelling, person_in_care, placement_measure


def actions():
    return _db.session.scalars(_db.select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_rent_support_costs_the_monthly_amount_times_the_months(db, municipality, staff):
    intake = person_in_care(municipality.id)
    measure = propose_measure(
        intake,
        {
            "kind": "rent_support",
            "starts_on": TODAY,
            "monthly_amount": "350,00",
            "months": 6,
            "household_members": 2,
        },
        by=staff,
        municipality_id=municipality.id,
    )
    assert measure.amount == Decimal("2100.00")
    assert measure.people == 3
    assert measure.person_id == intake.person_id
    assert "housing.measure_proposed" in actions()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "rent_support", "monthly_amount": "-350"}, "monthly_amount"),
        ({"kind": "rent_support", "monthly_amount": "0"}, "monthly_amount"),
        ({"kind": "rent_support", "monthly_amount": "300", "months": 0}, "months"),
        ({"kind": "rent_support", "monthly_amount": "300", "months": 999}, "months"),
        ({"kind": "deposit_support", "amount": "-1"}, "amount"),
        ({"kind": "deposit_support", "amount": "1,234.5"}, "amount"),
        ({"kind": "teleport"}, "kind"),
        ({"ends_on": TODAY - timedelta(days=1)}, "ends_on"),
        ({"starts_on": None}, "starts_on"),
        ({"household_members": -1}, "household_members"),
        ({"household_members": 99}, "household_members"),
    ],
)
def test_bad_measures_are_refused_with_the_field_at_fault(db, municipality, staff, change, field):
    intake = person_in_care(municipality.id)
    data = {"kind": "placement", "starts_on": TODAY} | change
    with pytest.raises(DomainError) as refused:
        propose_measure(intake, data, by=staff, municipality_id=municipality.id)
    assert refused.value.field == field


def test_a_person_of_another_municipality_gets_no_measure_here(
    db, municipality, other_municipality, staff
):
    stranger = person_in_care(other_municipality.id)
    with pytest.raises(DomainError) as refused:
        propose_measure(
            stranger,
            {"kind": "placement", "starts_on": TODAY},
            by=staff,
            municipality_id=municipality.id,
        )
    assert "Comune" in refused.value.message


def test_a_dwelling_of_another_municipality_is_refused(db, municipality, other_municipality, staff):
    elsewhere = dwelling(other_municipality.id)
    measure = placement_measure(person_in_care(municipality.id), staff)
    with pytest.raises(DomainError) as refused:
        place(measure, elsewhere, TODAY, TODAY, by=staff)
    assert refused.value.field == "dwelling_id"
    assert placements_of(measure) == []


def test_more_people_than_places_are_refused_with_the_free_places(db, municipality, staff):
    home = dwelling(municipality.id, places=3)
    first = placement_measure(person_in_care(municipality.id, "Amina"), staff, household_members=1)
    place(first, home, TODAY, TODAY, by=staff)
    family = placement_measure(person_in_care(municipality.id, "Bilal"), staff, household_members=2)
    with pytest.raises(DomainError) as refused:
        place(family, home, TODAY + timedelta(days=3), TODAY, by=staff)
    assert "1" in refused.value.message and "3" in refused.value.message
    assert placements_of(family) == []
    # Part of the family fits; so does the whole family once the first people leave.
    place(family, home, TODAY + timedelta(days=3), TODAY, by=staff, places=1)
    later = placement_measure(person_in_care(municipality.id, "Chen"), staff, household_members=1)
    with pytest.raises(DomainError):
        place(later, home, TODAY + timedelta(days=10), TODAY, by=staff)
    end_placement(placements_of(first)[0], TODAY + timedelta(days=10), TODAY, by=staff)
    place(later, home, TODAY + timedelta(days=10), TODAY, by=staff)


def test_people_who_live_there_one_after_the_other_fit_in_one_place(db, municipality, staff):
    bed = dwelling(municipality.id, places=1, kind="emergency_bed")
    first = placement_measure(person_in_care(municipality.id, "Amina"), staff)
    place(first, bed, TODAY, TODAY, by=staff, ends_on=TODAY + timedelta(days=7))
    second = placement_measure(person_in_care(municipality.id, "Bilal"), staff)
    with pytest.raises(DomainError):
        place(second, bed, TODAY + timedelta(days=6), TODAY, by=staff)
    place(second, bed, TODAY + timedelta(days=7), TODAY, by=staff)


def test_one_person_lives_in_one_dwelling_at_a_time(db, municipality, staff):
    intake = person_in_care(municipality.id)
    first, second = dwelling(municipality.id), dwelling(municipality.id, name="Altra casa")
    measure = placement_measure(intake, staff)
    place(measure, first, TODAY, TODAY, by=staff)
    with pytest.raises(DomainError) as refused:
        place(measure, second, TODAY + timedelta(days=2), TODAY, by=staff)
    assert refused.value.field == "starts_on"
    end_placement(placements_of(measure)[0], TODAY + timedelta(days=2), TODAY, by=staff)
    place(measure, second, TODAY + timedelta(days=2), TODAY, by=staff)
    assert [p.dwelling_id for p in placements_of(measure)] == [first.id, second.id]


def test_no_placement_in_a_dwelling_being_refurbished(db, municipality, staff):
    works = dwelling(municipality.id, available=False)
    measure = placement_measure(person_in_care(municipality.id), staff)
    with pytest.raises(DomainError) as refused:
        place(measure, works, TODAY, TODAY, by=staff)
    assert refused.value.field == "dwelling_id"


def test_a_placement_cannot_start_before_its_measure(db, municipality, staff):
    home = dwelling(municipality.id)
    measure = placement_measure(person_in_care(municipality.id), staff)
    with pytest.raises(DomainError) as refused:
        place(measure, home, TODAY - timedelta(days=1), TODAY, by=staff)
    assert refused.value.field == "starts_on"


def test_steps_go_forward_and_ending_ends_the_placements(db, municipality, staff):
    home = dwelling(municipality.id, places=3)
    measure = placement_measure(person_in_care(municipality.id), staff, household_members=2)
    advance(measure, "approved", TODAY, by=staff)
    place(measure, home, TODAY, TODAY, by=staff)
    assert measure.status == MeasureStatus.ACTIVE
    with pytest.raises(DomainError):
        advance(measure, "approved", TODAY, by=staff)
    with pytest.raises(DomainError) as no_outcome:
        advance(measure, "ended", TODAY, by=staff)
    assert no_outcome.value.field == "outcome"
    with pytest.raises(DomainError):
        advance(measure, "ended", TODAY, by=staff, outcome="not_started")
    left_on = TODAY + timedelta(days=90)
    advance(measure, "ended", TODAY, by=staff, outcome="autonomous_housing", ends_on=left_on)
    assert measure.outcome == Outcome.AUTONOMOUS_HOUSING
    assert [p.ends_on for p in placements_of(measure)] == [left_on]
    with pytest.raises(DomainError):
        update_measure(measure, {"starts_on": TODAY}, by=staff)
    assert actions().count("housing.measure_status") == 2


def test_a_proposal_not_taken_up_ends_as_not_started(db, municipality, staff):
    measure = placement_measure(person_in_care(municipality.id), staff)
    with pytest.raises(DomainError):
        advance(measure, "ended", TODAY, by=staff, outcome="autonomous_housing")
    advance(measure, "ended", TODAY, by=staff, outcome="not_started")
    assert measure.outcome == Outcome.NOT_STARTED


def test_an_end_before_the_start_is_refused_everywhere(db, municipality, staff):
    home = dwelling(municipality.id)
    measure = placement_measure(person_in_care(municipality.id), staff)
    with pytest.raises(DomainError):
        place(measure, home, TODAY, TODAY, by=staff, ends_on=TODAY - timedelta(days=1))
    placement = place(measure, home, TODAY, TODAY, by=staff)
    with pytest.raises(DomainError):
        end_placement(placement, TODAY, TODAY, by=staff)
    with pytest.raises(DomainError):
        advance(
            measure, "ended", TODAY, by=staff, outcome="left", ends_on=TODAY - timedelta(days=1)
        )
    assert placement.ends_on is None
    assert measure.status == MeasureStatus.ACTIVE


def test_edits_are_audited_field_by_field(db, municipality, staff):
    measure = propose_measure(
        person_in_care(municipality.id),
        {"kind": "deposit_support", "starts_on": TODAY, "amount": "800"},
        by=staff,
        municipality_id=municipality.id,
    )
    update_measure(
        measure, {"starts_on": TODAY, "amount": "850,50", "household_members": 1}, by=staff
    )
    assert measure.amount == Decimal("850.50")
    event = _db.session.scalars(
        _db.select(AuditEvent).where(AuditEvent.action == "housing.measure_updated")
    ).one()
    assert sorted(event.details["fields"]) == ["amount", "household_members"]


def test_a_placement_cannot_outlast_its_measure(db, municipality, staff):
    home = dwelling(municipality.id)
    measure = placement_measure(
        person_in_care(municipality.id), staff, ends_on=TODAY + timedelta(days=16)
    )
    placement = place(measure, home, TODAY, TODAY, by=staff)
    assert placement.ends_on == TODAY + timedelta(days=16)
    with pytest.raises(DomainError) as refused:
        end_placement(placement, TODAY + timedelta(days=58), TODAY, by=staff)
    assert refused.value.field == "ends_on"
    assert placement.ends_on == TODAY + timedelta(days=16)
