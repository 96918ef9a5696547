"""A plan's target hours and dates that no plan can have are a message on the form,
never a server error, and nothing is saved or changed."""

from decimal import Decimal

import pytest

from civic_app.core.errors import DomainError
from civic_app.plans.models import Plan
from civic_app.plans.operations import parse_hours
from tests.plans.test_plans import draft, plan_form

NOT_A_NUMBER = "Non è un valore decimale valido"
OUT_OF_RANGE = "Le ore devono essere tra 1 e 2000."
FAR_DATE = "Scegli una data tra il 2000 e il 2100."


@pytest.fixture
def amina(create_participant):
    return create_participant(preferred_language="fr", first_name="Amina")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"target_hours": "NaN"}, NOT_A_NUMBER),
        ({"target_hours": "-NaN"}, NOT_A_NUMBER),
        ({"target_hours": "inf"}, NOT_A_NUMBER),
        ({"target_hours": "-Infinity"}, NOT_A_NUMBER),
        ({"target_hours": "sNaN"}, NOT_A_NUMBER),
        ({"target_hours": "1e30"}, OUT_OF_RANGE),
        ({"target_hours": "1e-30"}, OUT_OF_RANGE),
        ({"target_hours": "-0"}, OUT_OF_RANGE),
        ({"start_date": "0001-01-01"}, FAR_DATE),
        ({"end_date": "9999-12-31"}, FAR_DATE),
        ({"start_date": "9999-12-31", "end_date": "9999-12-31"}, FAR_DATE),
    ],
)
def test_a_new_plan_with_numbers_or_dates_out_of_range_is_explained(
    client, login_as, staff, amina, db, overrides, message
):
    login_as(staff)
    response = client.post_form(f"/staff/participants/{amina.id}/plan/new", plan_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Plan)) is None


@pytest.mark.parametrize("hours", ["NaN", "inf", "1e30", "1e-30", "-0"])
def test_changing_a_plan_to_no_number_changes_nothing(client, login_as, staff, amina, db, hours):
    draft(client, login_as, staff, amina)
    plan = db.session.scalar(db.select(Plan))
    response = client.post_form(f"/staff/plans/{plan.id}/edit", plan_form(target_hours=hours))
    assert response.status_code == 200
    assert NOT_A_NUMBER in response.get_data(as_text=True) or OUT_OF_RANGE in (
        response.get_data(as_text=True)
    )
    db.session.refresh(plan)
    assert plan.target_hours == Decimal("60") and plan.version == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("NaN", "Scrivi le ore come numero"),
        ("sNaN", "Scrivi le ore come numero"),
        ("-inf", "Scrivi le ore come numero"),
        ("1e30", OUT_OF_RANGE),
        ("1e-30", OUT_OF_RANGE),
        ("-0", OUT_OF_RANGE),
    ],
)
def test_the_operation_itself_refuses_what_no_target_can_be(app, value, message):
    # Whoever calls it (not only the form, which refuses NaN and infinity first).
    with app.test_request_context(), pytest.raises(DomainError) as info:
        parse_hours(Decimal(value))
    assert message in info.value.message and info.value.field == "target_hours"
