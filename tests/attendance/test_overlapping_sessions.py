"""The same hours never count twice: sessions at the same time share one person's time."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from civic_app.attendance.models import Attendance
from civic_app.plans.progress import hours_done
from civic_app.projects.models import EnrolmentStatus


@pytest.fixture
def garden(create_project, tutor, db):
    """A second project of the same tutor."""
    project = create_project(title="Orti del quartiere")
    project.tutors = [tutor]
    db.session.commit()
    return project


def key_of(page: str, name: str = "key") -> str:
    return re.search(rf'name="{name}" type="hidden" value="([0-9a-f]+)"', page).group(1)


def roster_post(client, session, data):
    page = client.get(f"/tutor/sessions/{session.id}").get_data(as_text=True)
    return client.post_form(f"/tutor/sessions/{session.id}", {"key": key_of(page), **data})


def walk_in(client, session, phone):
    page = client.get(f"/tutor/sessions/{session.id}").get_data(as_text=True)
    return client.post_form(
        f"/tutor/sessions/{session.id}/walk-in",
        {"w-key": key_of(page, "w-key"), "w-phone": phone, "w-language": "it"},
        follow_redirects=True,
    )


def hours_at(db, session, person):
    row = db.session.scalar(
        db.select(Attendance).where(
            Attendance.session_id == session.id, Attendance.participant_id == person.id
        )
    )
    return None if row is None else row.hours


def test_a_walk_in_at_one_session_cannot_be_present_at_another_at_the_same_time(
    client, login_as, tutor, project, garden, enrolled, add_session, db, clock
):
    [person] = enrolled(1, first_name="Amina", last_name="Diallo")
    park = add_session(project, clock.now())  # 10:00-13:00 in Rome
    gardens = add_session(garden, clock.now())
    login_as(tutor)
    assert "Amina: presenza segnata." in walk_in(client, gardens, person.phone).get_data(
        as_text=True
    )
    response = roster_post(client, park, {f"mark-{person.id}": "present"})
    assert response.status_code == 200
    assert (
        "Amina Diallo: ha già le ore di «Orti del quartiere» (mercoledì 4 marzo, 10:00–13:00), "
        "alla stessa ora: le stesse ore non si contano due volte."
    ) in response.get_data(as_text=True).replace("&#39;", "'")
    assert hours_at(db, park, person) is None
    assert hours_done(person.id) == Decimal("3.00")  # 3 hours for a 3-hour window, not 6


def test_present_first_then_the_walk_in_elsewhere_is_refused(
    client, login_as, tutor, project, garden, enrolled, add_session, db, clock
):
    [person] = enrolled(1)
    park = add_session(project, clock.now(), hours=3)
    gardens = add_session(garden, clock.now() + timedelta(hours=1), hours=3)  # 11:00-14:00
    login_as(tutor)
    assert roster_post(client, park, {f"mark-{person.id}": "present"}).status_code == 302
    clock.advance(hours=1)
    login_as(tutor)  # a new login: the idle limit has passed
    page = walk_in(client, gardens, person.phone).get_data(as_text=True)
    assert "ha già le ore di «Cura del parco» (mercoledì 4 marzo, 10:00–13:00)" in page
    assert hours_at(db, gardens, person) is None


def test_leaving_one_session_early_for_the_other_counts_the_time_once(
    client, login_as, tutor, project, garden, enrolled, add_session, enrol, db, clock
):
    [person] = enrolled(1)
    enrol(garden, person, EnrolmentStatus.ACCEPTED, at=datetime(2026, 2, 1, tzinfo=UTC))
    park = add_session(project, clock.now())  # 10:00-13:00
    gardens = add_session(garden, clock.now())  # 10:00-13:00
    login_as(tutor)
    left = {f"mark-{person.id}": "left_early", f"hours-{person.id}": "1"}
    assert roster_post(client, park, left).status_code == 302
    late = {f"mark-{person.id}": "late", f"hours-{person.id}": "2"}
    assert roster_post(client, gardens, late).status_code == 302
    assert hours_done(person.id) == Decimal("3.00")
    too_many = {f"mark-{person.id}": "late", f"hours-{person.id}": "2.25", "reason": "errore"}
    response = roster_post(client, gardens, too_many)
    assert "le stesse ore non si contano due volte" in response.get_data(as_text=True)
    assert hours_at(db, gardens, person) == Decimal("2.00")


def test_a_correction_keeps_the_rule(
    client, login_as, tutor, staff, project, garden, enrolled, add_session, enrol, db, clock
):
    [person] = enrolled(1)
    enrol(garden, person, EnrolmentStatus.ACCEPTED, at=datetime(2026, 2, 1, tzinfo=UTC))
    park = add_session(project, clock.now())
    gardens = add_session(garden, clock.now())
    login_as(tutor)
    roster_post(client, park, {f"mark-{person.id}": "present"})
    roster_post(client, gardens, {f"mark-{person.id}": "absent"})
    clock.advance(days=1)
    login_as(staff)
    response = roster_post(
        client, gardens, {f"mark-{person.id}": "present", "reason": "Era qui, non al parco"}
    )
    assert "ha già le ore di «Cura del parco»" in response.get_data(as_text=True)
    assert hours_at(db, gardens, person) == Decimal("0.00")
    # corrected where the mistake is, the other roster then takes the hours
    fixed = roster_post(client, park, {f"mark-{person.id}": "absent", "reason": "Era agli orti"})
    assert fixed.status_code == 302
    moved = roster_post(client, gardens, {f"mark-{person.id}": "present", "reason": "Era qui"})
    assert moved.status_code == 302
    assert hours_done(person.id) == Decimal("3.00")


def test_sessions_one_after_the_other_both_count(
    client, login_as, tutor, project, garden, enrolled, add_session, enrol, clock
):
    [person] = enrolled(1)
    enrol(garden, person, EnrolmentStatus.ACCEPTED, at=datetime(2026, 2, 1, tzinfo=UTC))
    morning = add_session(project, clock.now() - timedelta(hours=3))  # 07:00-10:00
    now_on = add_session(garden, clock.now())  # 10:00-13:00
    login_as(tutor)
    assert roster_post(client, morning, {f"mark-{person.id}": "present"}).status_code == 302
    assert roster_post(client, now_on, {f"mark-{person.id}": "present"}).status_code == 302
    assert hours_done(person.id) == Decimal("6.00")


def test_the_walk_in_confirmation_agrees_with_the_person(
    client, login_as, tutor, garden, enrolled, add_session, db, clock
):
    [amina] = enrolled(1, first_name="Amina", sex="female")
    [omar] = enrolled(1, first_name="Omar", sex="male")
    gardens = add_session(garden, clock.now())
    login_as(tutor)
    assert "Amina aggiunta come presente." in walk_in(client, gardens, amina.phone).get_data(
        as_text=True
    )
    assert "Omar aggiunto come presente." in walk_in(client, gardens, omar.phone).get_data(
        as_text=True
    )
