"""The tutor's day without signal, on the server's side: what a phone may keep and for
whom, the list of today's and tomorrow's rosters, and rosters read-only before the start."""

import re
from datetime import timedelta

from civic_app.attendance.models import Attendance, AttendanceSubmission
from civic_app.core.permissions import Role

HEADER = "X-Offline-Keep"


def outside_templates(page: str) -> str:
    return re.sub(r"<template.*?</template>", "", page, flags=re.S)


def test_a_tutors_own_pages_may_be_kept_on_their_phone_with_a_token_not_a_name(
    client, login_as, tutor, session_today
):
    login_as(tutor)
    home = client.get("/tutor")
    roster = client.get(f"/tutor/sessions/{session_today.id}")
    token = home.headers[HEADER]
    assert re.fullmatch(r"[0-9a-f]{24}", token)
    assert roster.headers[HEADER] == token
    assert str(tutor.id) != token and (tutor.email or "") not in token
    assert f'data-owner="{token}"' in home.get_data(as_text=True)  # the queue's owner


def test_no_other_role_s_page_is_kept_and_they_make_a_tutor_s_phone_forget(
    client, login_as, staff, session_today, create_user
):
    login_as(staff)
    roster = client.get(f"/tutor/sessions/{session_today.id}")
    assert roster.status_code == 200
    assert roster.headers[HEADER] == "none"  # a staff roster is never kept
    assert "js/offline.js" not in roster.get_data(as_text=True)
    login_as(create_user(Role.PARTICIPANT))
    assert client.get("/me").headers.get(HEADER) == "none"


def test_two_tutors_have_different_tokens(client, login_as, tutor, create_user, project, db):
    other = create_user(Role.TUTOR)
    project.tutors.append(other)
    db.session.commit()
    login_as(tutor)
    first = client.get("/tutor").headers[HEADER]
    login_as(other)
    assert client.get("/tutor").headers[HEADER] != first


def test_the_day_lists_today_s_and_tomorrow_s_rosters_of_the_tutor_only(
    client, login_as, tutor, add_session, project, clock, create_project
):
    today = add_session(project, clock.now() + timedelta(hours=5))
    earlier = add_session(project, clock.now() - timedelta(hours=8))  # 02:00 Rome, today
    tomorrow = add_session(project, clock.now() + timedelta(days=1, hours=12))  # 22:00 Rome
    later = add_session(project, clock.now() + timedelta(days=2))
    yesterday = add_session(project, clock.now() - timedelta(days=1))
    not_mine = add_session(create_project(), clock.now() + timedelta(hours=1))
    login_as(tutor)
    day = client.get("/tutor/offline.json").get_json()
    assert day["pages"] == [
        "/tutor",
        f"/tutor/sessions/{earlier.id}",
        f"/tutor/sessions/{today.id}",
        f"/tutor/sessions/{tomorrow.id}",
    ]
    assert f"/tutor/sessions/{later.id}" not in day["pages"]
    assert f"/tutor/sessions/{yesterday.id}" not in day["pages"]
    assert f"/tutor/sessions/{not_mine.id}" not in day["pages"]
    assert day["owner"] == client.get("/tutor").headers[HEADER]
    assert day["offline"] == "/tutor/offline" and day["csrf"]


def test_only_tutors_get_the_day(client, login_as, staff, create_user):
    assert client.get("/tutor/offline.json").status_code in (302, 401)
    login_as(staff)
    assert client.get("/tutor/offline.json").status_code in (403, 404)


def test_the_offline_page_holds_nothing_personal(client, login_as, tutor):
    login_as(tutor)
    response = client.get("/tutor/offline")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Senza rete" in page
    assert "csrf" not in page and "data-owner" not in page
    assert tutor.first_name not in page
    assert HEADER not in response.headers  # the worker keeps it with the scripts, for all


def test_tomorrow_s_roster_is_read_only_with_its_form_dormant_for_the_phone(
    client, login_as, tutor, add_session, project, enrolled, clock
):
    [person] = enrolled(1, first_name="Amina")
    tomorrow = add_session(project, clock.now() + timedelta(days=1))
    login_as(tutor)
    page = client.get(f"/tutor/sessions/{tomorrow.id}").get_data(as_text=True)
    shown = outside_templates(page)
    assert "Amina" in shown and "non è ancora cominciato" in shown
    assert 'type="radio"' not in shown and '<form method="post" class="roster"' not in shown
    dormant = re.search(
        r'<template data-roster-dormant data-opens-at="([^"]+)">(.*?)</template>', page, re.S
    )
    assert dormant.group(1) == tomorrow.starts_at.isoformat()
    assert f'name="mark-{person.id}"' in dormant.group(2)


def test_a_roster_beyond_tomorrow_or_seen_by_staff_has_no_dormant_form(
    client, login_as, tutor, staff, add_session, project, enrolled, clock
):
    enrolled(1)
    later = add_session(project, clock.now() + timedelta(days=3))
    tomorrow = add_session(project, clock.now() + timedelta(days=1))
    login_as(tutor)
    page = client.get(f"/tutor/sessions/{later.id}").get_data(as_text=True)
    assert "data-roster-dormant" not in page and 'type="radio"' not in page
    login_as(staff)
    page = client.get(f"/tutor/sessions/{tomorrow.id}").get_data(as_text=True)
    assert "data-roster-dormant" not in page and 'type="radio"' not in page


def test_marks_sent_for_a_session_not_started_are_refused_with_409_and_say_why(
    client, login_as, tutor, add_session, project, enrolled, clock, db
):
    [person] = enrolled(1)
    tomorrow = add_session(project, clock.now() + timedelta(days=1))
    login_as(tutor)
    response = client.post_form(
        f"/tutor/sessions/{tomorrow.id}", {"key": "d" * 32, f"mark-{person.id}": "present"}
    )
    assert response.status_code == 409
    assert re.search(
        r'role="alert">Il turno non è ancora cominciato: .*giovedì 5 marzo, 10:00\.</p>',
        response.get_data(as_text=True),
    )
    assert (
        db.session.scalars(db.select(Attendance).where(Attendance.session_id == tomorrow.id)).all()
        == []
    )
    assert db.session.scalar(db.select(db.func.count(AttendanceSubmission.id))) == 0
    # The same form, arriving once the session started (a phone offline until then): saved.
    clock.advance(days=1)
    login_as(tutor)
    response = client.post_form(
        f"/tutor/sessions/{tomorrow.id}", {"key": "d" * 32, f"mark-{person.id}": "present"}
    )
    assert response.status_code == 302 and "/login" not in response.location
    assert db.session.scalar(db.select(db.func.count(AttendanceSubmission.id))) == 1


def test_the_worker_may_cover_the_whole_site_and_is_checked_for_updates(client):
    response = client.get("/tutor/sw.js")
    assert response.status_code == 200
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "X-Offline-Keep" in response.get_data(as_text=True)  # keeps only marked pages


def test_a_page_fetched_to_be_kept_leaves_the_flash_to_the_page_on_screen(
    client, login_as, tutor, session_today
):
    """The worker keeps the day's pages in the background, with X-Offline-Fetch: the
    "saved" message after a roster is sent stays for the roster the tutor sees."""
    login_as(tutor)
    with client.session_transaction() as browser:
        browser["_flashes"] = [("success", "Presenze salvate.")]
    kept = client.get("/tutor", headers={"X-Offline-Fetch": "keep"}).get_data(as_text=True)
    assert "Presenze salvate." not in kept
    shown = client.get(f"/tutor/sessions/{session_today.id}").get_data(as_text=True)
    assert "Presenze salvate." in shown
