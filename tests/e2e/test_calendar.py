"""One's month in a browser, and the holiday warning of the weekly pattern.

A participant of the demo (sessions this month) opens /me/calendar on a 360 px phone and
on a desktop, in Italian and in Arabic (right to left): the month is a table of weeks from
Monday with today marked and the sessions on their days; axe-core finds nothing serious.
Staff of Roma make a pattern over the project's dates and see the holidays named.

Screenshots (`screenshots_dir`): calendar-<lang>-<width>.png, holidays-warning-it.png.
"""

from datetime import date, timedelta

import pytest

from civic_app.core.holidays import holiday_names
from civic_app.core.models import Municipality
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.projects.models import Project
from civic_app.projects.month import entries_by_day
from tests.e2e.pages import AXE_SCRIPT, choose_language, log_in, serious_violations


@pytest.fixture
def live_app(seeded_site, own_session):
    """One server for the module, seeded once: these tests only read."""
    return seeded_site[0]


def participant_days(app, world, language: str) -> tuple[date, dict]:
    """Today in Rome and the participant's days of this month with their entries."""
    from civic_app.core.accounts import User
    from civic_app.core.clock import now

    with app.test_request_context():
        participant = db.session.get(User, world.ids["participant"])
        today = to_local(now()).date()
        first = today.replace(day=1)
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        days = entries_by_day(participant, first, nxt - timedelta(days=1), language)
        db.session.remove()
    return today, days


@pytest.mark.parametrize("language", ["it", "ar"])
def test_a_participant_sees_their_month(live_app, world, new_context, screenshots_dir, language):
    """At 360 x 740 (a phone) and 1280 x 900; one login (codes per number are limited)."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make node` (npm ci)")
    base = live_app.config["LIVE_URL"]
    today, days = participant_days(live_app, world, language)
    assert days, "the demo participant has no session this month"
    phone = new_context("phone", bypass_csp=True)
    page = phone.new_page()
    log_in(page, live_app, world, "participant")
    choose_language(page, base, language)
    desktop = new_context("desktop", bypass_csp=True, storage_state=phone.storage_state())
    for size, tab in (("phone", page), ("desktop", desktop.new_page())):
        check_month(tab, base, language, size, today, days, screenshots_dir)


def check_month(page, base, language, size, today, days, screenshots_dir) -> None:
    page.goto(f"{base}/me/calendar")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    table = page.locator("table.cal")
    assert table.is_visible()
    assert table.locator("thead th[scope=col]").count() == 7
    today_cell = table.locator("td[aria-current=date]")
    assert today_cell.locator(".cal-num").inner_text() == str(today.day)
    day, entries = next(iter(sorted(days.items())))
    dots = f"a.cal-count[href='#day-{day.isoformat()}']"
    count = table.locator(dots)
    if size == "phone":
        # A compact grid: the day's dots link to its list below.
        assert count.is_visible()
        agenda = page.locator(f"[id='day-{day.isoformat()}'] + ul")
        assert agenda.is_visible()
        assert entries[0].title in agenda.inner_text()
        count.click()
        assert page.url.endswith(f"#day-{day.isoformat()}")
        # Nothing sticks out of the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    else:
        cell = table.locator("td", has=page.locator(dots))
        assert entries[0].title in cell.locator(".cal-items").inner_text()
        assert not page.locator(".cal-agenda-phone").is_visible()
    if language == "ar":
        # Right to left: Monday is the rightmost column.
        monday, sunday = (table.locator("thead th").nth(i).bounding_box() for i in (0, 6))
        assert monday["x"] > sunday["x"]
    width = 360 if size == "phone" else 1280
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=screenshots_dir / f"calendar-{language}-{width}.png", full_page=True)
    found = serious_violations(page)
    assert not found, f"{size}: axe-core found serious or critical violations:\n" + "\n".join(found)


def test_staff_see_the_holidays_of_a_weekly_pattern(live_app, world, new_context, screenshots_dir):
    base = live_app.config["LIVE_URL"]
    with live_app.app_context():
        project = db.session.get(Project, world.ids["project"])
        roma = db.session.get(Municipality, project.municipality_id)
        expected = holiday_names(roma, project.start_date, project.end_date, "it")
        db.session.remove()
    assert expected, "the project's dates hold no holiday"
    page = new_context("desktop", bypass_csp=True).new_page()
    log_in(page, live_app, world, "staff")
    page.goto(f"{base}/staff/projects/{world.ids['project']}/schedule")
    for weekday in range(7):  # every day: each holiday of the project's dates is one
        page.locator(f"input[name=weekdays][value='{weekday}']").check()
    page.fill("#start_time", "09:00")
    page.fill("#end_time", "12:00")
    page.locator("main form input[name=submit]").click()
    warning = page.locator("section.holiday-warning")
    assert warning.is_visible()
    text = warning.inner_text()
    for day, name in expected.items():
        assert warning.locator(f"time[datetime='{day.isoformat()}']").count() == 1
        assert name in text
    assert warning.get_by_role("button", name="Crea senza i festivi").is_visible()
    page.screenshot(path=screenshots_dir / "holidays-warning-it.png", full_page=True)
    found = serious_violations(page)
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
