"""A person's housing measures are in their copy of their data, with where they lived;
an erasure keeps the counts and the money and blanks what was written about them."""

from datetime import timedelta
from decimal import Decimal

from civic_app.core.clock import now
from civic_app.housing.measures import place, propose_measure
from civic_app.housing.models import HousingMeasure
from civic_app.people.case_rights import case_sections, erase_case_data

from ._records import TODAY, dwelling, person_in_care, placement_measure

NOTE = "Dorme in macchina con i figli qwx"


def test_the_copy_holds_the_measures_and_the_dwellings_lived_in(db, municipality, staff):
    intake = person_in_care(municipality.id)
    home = dwelling(municipality.id, places=3, name="Casa Aurora", address="Via Prenestina 3")
    measure = placement_measure(intake, staff, household_members=2, notes=NOTE)
    place(measure, home, TODAY, TODAY, by=staff, ends_on=TODAY + timedelta(days=60))
    propose_measure(
        intake,
        {"kind": "rent_support", "starts_on": TODAY, "monthly_amount": "350", "months": 6},
        by=staff,
        municipality_id=municipality.id,
    )
    copy = case_sections(intake.person)["housing_measures"]
    assert [m["kind"] for m in copy] == ["placement", "rent_support"]
    assert copy[0]["notes"] == NOTE
    assert copy[0]["placements"] == [
        {
            "dwelling": "Casa Aurora",
            "address": "Via Prenestina 3",
            "places": 3,
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + timedelta(days=60)).isoformat(),
        }
    ]
    assert copy[1]["amount"] == "2100.00"


def test_an_erasure_blanks_the_notes_and_keeps_kind_dates_and_money(db, municipality, staff):
    intake = person_in_care(municipality.id)
    propose_measure(
        intake,
        {"kind": "deposit_support", "starts_on": TODAY, "amount": "800", "notes": NOTE},
        by=staff,
        municipality_id=municipality.id,
    )
    erase_case_data(intake.person, now())
    kept = db.session.scalars(db.select(HousingMeasure)).one()
    assert kept.notes == ""
    assert (kept.kind, kept.starts_on, kept.amount) == ("deposit_support", TODAY, Decimal("800"))
