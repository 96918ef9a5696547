"""Sessions on public holidays: the weekly pattern names them and can skip them."""

import re
from datetime import date, timedelta

import holidays
import pytest

from civic_app.core.holidays import PROVINCE_BY_SLUG, holiday_names, holidays_among
from civic_app.core.network import NETWORK
from civic_app.core.permissions import Role
from civic_app.core.timeutil import to_local
from civic_app.projects.models import ProjectSession


class Place:
    def __init__(self, slug):
        self.slug = slug


def test_every_network_municipality_has_a_province_the_library_knows():
    assert {slug for slug, *_rest in NETWORK} == set(PROVINCE_BY_SLUG)
    assert set(PROVINCE_BY_SLUG.values()) <= set(holidays.Italy.subdivisions)


def test_national_regional_and_patron_saint_holidays():
    rome = holiday_names(Place("roma"), date(2026, 1, 1), date(2026, 12, 31))
    assert rome[date(2026, 4, 6)] == "Lunedì dell'Angelo"
    assert rome[date(2026, 12, 8)] == "Immacolata Concezione"
    assert rome[date(2026, 6, 29)] == "Santi Pietro e Paolo"
    milan = holiday_names(Place("milano"), date(2026, 12, 1), date(2026, 12, 31))
    assert milan[date(2026, 12, 7)] == "Sant'Ambrogio"
    assert date(2026, 6, 29) not in milan
    # Bolzano keeps Whit Monday; Naples San Gennaro.
    assert date(2026, 5, 25) in holiday_names(Place("bolzano"), date(2026, 5, 1), date(2026, 5, 31))
    assert date(2026, 9, 19) in holiday_names(Place("napoli"), date(2026, 9, 1), date(2026, 9, 30))
    # A municipality the table does not know: the national holidays only.
    elsewhere = holiday_names(Place("comune-x"), date(2026, 1, 1), date(2026, 12, 31))
    assert date(2026, 6, 29) not in elsewhere
    assert date(2026, 6, 2) in elsewhere
    assert holiday_names(None, date(2026, 12, 25), date(2026, 12, 25)) == {
        date(2026, 12, 25): "Natale"
    }


def test_names_in_the_page_language_where_the_library_has_it_else_italian():
    days = [date(2026, 4, 6), date(2026, 4, 7), date(2027, 1, 1)]
    assert holidays_among(Place("roma"), days, "en") == {
        date(2026, 4, 6): "Easter Monday",
        date(2027, 1, 1): "New Year's Day",
    }
    assert holidays_among(Place("roma"), days, "ar")[date(2026, 4, 6)] == "Lunedì dell'Angelo"
    assert holidays_among(Place("roma"), [], "it") == {}


@pytest.fixture
def staff_client(client, login_as, staff):
    login_as(staff)
    return client


def mondays_and_tuesdays(**overrides):
    data = {
        "weekdays": ["0", "1"],
        "start_time": "09:00",
        "end_time": "12:00",
        "from_date": "2026-03-30",
        "until_date": "2026-12-15",
        "interval": "1",
        "venue_id": "0",
        "submit": "Crea i turni",
    }
    return data | overrides


def expected_days():
    day, days = date(2026, 3, 30), []
    while day <= date(2026, 12, 15):
        if day.weekday() in (0, 1):
            days.append(day)
        day += timedelta(days=1)
    return days


#: Mondays and Tuesdays of 2026 that are holidays in Rome.
ROME_HOLIDAYS = {
    date(2026, 4, 6): "Lunedì dell'Angelo",
    date(2026, 6, 2): "Festa della Repubblica",
    date(2026, 6, 29): "Santi Pietro e Paolo",
    date(2026, 12, 8): "Immacolata Concezione",
}


def made(db, project):
    return sorted(
        to_local(s.starts_at).date()
        for s in db.session.scalars(
            db.select(ProjectSession).where(ProjectSession.project_id == project.id)
        )
    )


@pytest.fixture
def year_project(create_project):
    return create_project(start_date=date(2026, 3, 1), end_date=date(2026, 12, 31))


def test_the_pattern_names_the_holidays_it_falls_on_and_creates_nothing_yet(
    staff_client, db, year_project
):
    url = f"/staff/projects/{year_project.id}/schedule"
    response = staff_client.post_form(url, mondays_and_tuesdays())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    warning = re.search(r'<section class="holiday-warning".*?</section>', page, re.S).group(0)
    for day, name in ROME_HOLIDAYS.items():
        assert f'<time datetime="{day.isoformat()}">' in warning
        assert name.replace("'", "&#39;") in warning
    assert "4 turni cadono in giorni festivi" in warning
    total = len(expected_days())
    assert f"Crea senza i festivi ({total - 4} turni)" in warning
    assert f"Crea anche nei festivi ({total} turni)" in warning
    assert "lunedì 6 aprile 2026" in warning
    # What was typed is kept.
    assert 'value="2026-12-15"' in page
    assert made(db, year_project) == []


def test_skipping_the_holidays_creates_the_other_sessions_and_says_how_many_were_skipped(
    staff_client, db, year_project
):
    url = f"/staff/projects/{year_project.id}/schedule"
    form = mondays_and_tuesdays(skip_holidays="y")
    del form["submit"]
    response = staff_client.post_form(url, form)
    assert response.status_code == 302
    days = made(db, year_project)
    assert days == [d for d in expected_days() if d not in ROME_HOLIDAYS]
    assert len(days) == len(expected_days()) - 4
    page = staff_client.get(response.location).get_data(as_text=True)
    assert f"Creati {len(days)} turni. Saltati 4 giorni festivi." in page


def test_keeping_the_holidays_creates_every_session(staff_client, db, year_project):
    url = f"/staff/projects/{year_project.id}/schedule"
    form = mondays_and_tuesdays(keep_holidays="y")
    del form["submit"]
    assert staff_client.post_form(url, form).status_code == 302
    assert made(db, year_project) == expected_days()


def test_a_pattern_with_no_holiday_is_created_at_once(staff_client, db, year_project):
    url = f"/staff/projects/{year_project.id}/schedule"
    response = staff_client.post_form(
        url, mondays_and_tuesdays(from_date="2026-09-01", until_date="2026-09-30")
    )
    assert response.status_code == 302
    assert len(made(db, year_project)) == 9  # 1 .. 29 September
    assert "festiv" not in staff_client.get(response.location).get_data(as_text=True)


def test_the_patron_saint_is_the_project_municipality_s(
    client, login_as, create_user, create_project, other_municipality, db
):
    milan_staff = create_user(Role.STAFF, municipality=other_municipality)
    login_as(milan_staff)
    project = create_project(
        municipality_id=other_municipality.id,
        start_date=date(2026, 6, 1),
        end_date=date(2026, 12, 31),
    )
    page = client.post_form(
        f"/staff/projects/{project.id}/schedule",
        mondays_and_tuesdays(from_date="2026-06-20", until_date="2026-12-10"),
    ).get_data(as_text=True)
    assert "Sant&#39;Ambrogio" in page
    assert "2026-12-07" in page
    assert "Santi Pietro e Paolo" not in page  # Rome's, not Milan's


def test_the_advanced_rule_is_checked_for_holidays_too(staff_client, db, year_project):
    url = f"/staff/projects/{year_project.id}/schedule"
    page = staff_client.post_form(
        url, mondays_and_tuesdays(rrule="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25;COUNT=1")
    ).get_data(as_text=True)
    assert "Natale" in page
    assert made(db, year_project) == []


def test_skipping_when_every_day_is_a_holiday_is_a_message(staff_client, db, year_project):
    url = f"/staff/projects/{year_project.id}/schedule"
    form = mondays_and_tuesdays(
        rrule="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25;COUNT=1", skip_holidays="y"
    )
    del form["submit"]
    response = staff_client.post_form(url, form)
    assert response.status_code == 200
    assert "La regola non crea nessun turno in questo periodo." in response.get_data(as_text=True)
    assert made(db, year_project) == []
