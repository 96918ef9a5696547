"""A recurrence rule costs bounded work, whatever a staff account writes in it.

dateutil looks for a rule's next start one period after the other and checks UNTIL only
on a start it found: a rule that never matches scanned every day to the year 9999
(seconds of CPU a request). expand_rrule (projects' schedules, events' series) refuses
rules finer than a day or longer than MAX_RULE_YEARS before expanding anything, and
scans the others over a bounded span.
"""

from datetime import datetime

import pytest
from dateutil import rrule as dateutil_rrule

from civic_app.core.errors import DomainError
from civic_app.projects.models import ProjectSession
from civic_app.projects.recurrence import MAX_RULE_YEARS, expand_rrule

FIRST = datetime(2026, 3, 3, 10, 0)  # naive local, as the views pass it
TOO_LONG = f"entro {MAX_RULE_YEARS} anni dal primo turno"
TOO_FINE = "al massimo una volta al giorno"
NOTHING = "non crea nessun turno"


@pytest.fixture
def periods_scanned(monkeypatch):
    """How many months dateutil's scan went through (it rebuilds its masks each month)."""
    seen = []
    rebuild = dateutil_rrule._iterinfo.rebuild

    def counting(self, year, month):
        seen.append((year, month))
        return rebuild(self, year, month)

    monkeypatch.setattr(dateutil_rrule._iterinfo, "rebuild", counting)
    return seen


@pytest.fixture
def no_expansion(monkeypatch):
    """Fails the test if any rule is expanded at all."""

    def expanding(self):
        raise AssertionError("the rule was expanded before it was refused")

    monkeypatch.setattr(dateutil_rrule.rrule, "_iter", expanding)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;UNTIL=21001231T000000", TOO_LONG),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;UNTIL=99991231T235959", TOO_LONG),
        ("FREQ=WEEKLY;BYDAY=MO;UNTIL=20330101", TOO_LONG),
        ("FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30;UNTIL=20290101", TOO_FINE),
        ("FREQ=MINUTELY;COUNT=10", TOO_FINE),
        ("FREQ=HOURLY;COUNT=3", TOO_FINE),
        ("FREQ=SECONDLY;UNTIL=20260304", TOO_FINE),
        ("DTSTART:20260101T000000\nRRULE:FREQ=DAILY;COUNT=3", "non è valida"),
        ("FREQ=YEARLY;BYEASTER=0;COUNT=2", "non è valida"),
    ],
)
def test_rules_too_fine_or_too_long_are_refused_before_any_expansion(
    app, no_expansion, rule, message
):
    with app.test_request_context(), pytest.raises(DomainError) as info:
        expand_rrule(rule, FIRST)
    assert message in info.value.message and info.value.field == "rrule"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=3",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;UNTIL=20281231",
        "FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30;BYSETPOS=1;COUNT=3",
        "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31;COUNT=2",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2",
    ],
)
def test_a_rule_that_never_matches_is_refused_after_a_bounded_scan(app, periods_scanned, rule):
    with app.test_request_context(), pytest.raises(DomainError) as info:
        expand_rrule(rule, FIRST)
    assert NOTHING in info.value.message
    # Unbounded, the first of these scanned 95,686 months (to December 9999).
    assert 0 < len(periods_scanned) < 12 * 40


def test_a_count_that_runs_past_the_years_allowed_is_refused(app):
    with app.test_request_context(), pytest.raises(DomainError) as info:
        expand_rrule("FREQ=MONTHLY;BYDAY=1SA;COUNT=60", FIRST)  # five years of Saturdays
    assert TOO_LONG in info.value.message


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;UNTIL=20260630T235959",
        "FREQ=MONTHLY;BYDAY=1SA;COUNT=6",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=30",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;UNTIL=20290301",
        "FREQ=YEARLY;BYWEEKNO=1,53;BYDAY=MO;UNTIL=20281231",
        "FREQ=DAILY;INTERVAL=3;COUNT=100",
        "FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=SU,TU;COUNT=20",
    ],
)
@pytest.mark.parametrize("first", [FIRST, datetime(2028, 2, 29, 9, 30), datetime(2099, 1, 4, 8)])
def test_bounded_rules_make_the_same_starts_as_before(app, rule, first):
    expected = list(dateutil_rrule.rrulestr(rule, dtstart=first))
    with app.test_request_context():
        try:
            starts = expand_rrule(rule, first)
        except DomainError as exc:  # a rule that ends before `first`, or goes on too long
            assert not expected or expected[-1] > first.replace(year=first.year + 3)
            assert NOTHING in exc.message or TOO_LONG in exc.message
        else:
            assert starts == expected


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;UNTIL=21001231T000000", TOO_LONG),
        ("FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30;UNTIL=20290101", TOO_FINE),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=3", NOTHING),
    ],
)
def test_a_pathological_rule_on_the_schedule_form_is_a_message(
    client, login_as, staff, db, create_project, rule, message
):
    project = create_project()
    login_as(staff)
    response = client.post_form(
        f"/staff/projects/{project.id}/schedule",
        {"weekdays": [], "start_time": "09:00", "end_time": "12:00", "from_date": "2026-03-01",
         "until_date": "2026-06-30", "interval": "1", "venue_id": "0", "rrule": rule},
    )  # fmt: skip
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(ProjectSession)) is None
