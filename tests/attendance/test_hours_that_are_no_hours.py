"""Hours a roster cannot hold (1e30, NaN, infinity, 1e-30) are a message on the roster,
never a server error, and nothing is saved; -0 is 0."""

from decimal import Decimal

import pytest

from tests.attendance.test_roster import attendance, roster_post


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("1e30", "le ore devono essere tra 0 e 4"),
        ("-1e30", "le ore devono essere tra 0 e 4"),
        ("1E+400", "le ore devono essere tra 0 e 4"),
        ("NaN", "Scrivi le ore come numero"),
        ("sNaN", "Scrivi le ore come numero"),
        ("inf", "Scrivi le ore come numero"),
        ("-Infinity", "Scrivi le ore come numero"),
        ("1e-30", "le ore vanno a quarti d&#39;ora"),
    ],
)
def test_numbers_past_any_hours_are_explained_and_nothing_is_saved(
    client, login_as, tutor, session_today, enrolled, db, hours, message
):
    [person] = enrolled(1)
    login_as(tutor)
    response = roster_post(
        client, session_today, {f"mark-{person.id}": "present", f"hours-{person.id}": hours}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert attendance(db, session_today) == {}


def test_minus_zero_hours_are_zero_hours(client, login_as, tutor, session_today, enrolled, db):
    first, second = enrolled(2)
    login_as(tutor)
    response = roster_post(
        client,
        session_today,
        {f"mark-{first.id}": "present", f"hours-{first.id}": "-0",
         f"mark-{second.id}": "present", f"hours-{second.id}": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    saved = attendance(db, session_today)
    assert saved[first.id].hours == saved[second.id].hours == Decimal("0")
    assert str(saved[first.id].hours) == str(saved[second.id].hours)  # no "-0.00"
