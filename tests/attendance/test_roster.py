import re
from datetime import timedelta
from decimal import Decimal

import pytest

from civic_app.attendance.models import Attendance, AttendanceChange, Mark
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from civic_app.plans.progress import hours_done


def key_of(page: str) -> str:
    return re.search(r'name="key" type="hidden" value="([0-9a-f]+)"', page).group(1)


def roster_post(client, session, data, key=None):
    page = client.get(f"/tutor/sessions/{session.id}").get_data(as_text=True)
    payload = {"key": key or key_of(page), **data}
    return client.post_form(f"/tutor/sessions/{session.id}", payload)


def attendance(db, session):
    return {
        a.participant_id: a
        for a in db.session.scalars(
            db.select(Attendance).where(Attendance.session_id == session.id)
        )
    }


def test_a_tutor_sees_today_and_next_sessions_of_their_projects(
    client, login_as, tutor, session_today, add_session, project, create_project, clock
):
    other = create_project(title="Progetto di altri")
    add_session(other, clock.now())
    add_session(project, clock.now() + timedelta(days=2))
    login_as(tutor)
    page = client.get("/tutor").get_data(as_text=True)
    assert page.count("Cura del parco") == 2
    assert "Progetto di altri" not in page


def test_all_present_in_one_tap_then_the_exceptions(
    client, login_as, tutor, session_today, enrolled, db
):
    people = enrolled(15)
    login_as(tutor)
    page = client.get(f"/tutor/sessions/{session_today.id}").get_data(as_text=True)
    assert page.count('value="present" checked') == 15
    for person in people:
        assert f'href="tel:{person.phone}"' in page
    late, absent = people[0], people[1]
    response = roster_post(
        client,
        session_today,
        {
            f"mark-{late.id}": "late",
            f"hours-{late.id}": "2.5",
            f"mark-{absent.id}": "absent",
            **{f"mark-{p.id}": "present" for p in people[2:]},
        },
    )
    assert response.status_code == 302
    marks = attendance(db, session_today)
    assert len(marks) == 15
    assert (marks[late.id].mark, marks[late.id].hours) == (Mark.LATE, Decimal("2.50"))
    assert (marks[absent.id].mark, marks[absent.id].hours) == (Mark.ABSENT, Decimal("0.00"))
    assert all(marks[p.id].hours == Decimal("3.00") for p in people[2:])
    assert {a.recorded_by_id for a in marks.values()} == {tutor.id}


def test_a_resent_form_counts_once(client, login_as, tutor, session_today, enrolled, db):
    [person] = enrolled(1)
    login_as(tutor)
    page = client.get(f"/tutor/sessions/{session_today.id}").get_data(as_text=True)
    key = key_of(page)
    data = {f"mark-{person.id}": "present"}
    first = roster_post(client, session_today, data, key=key)
    again = roster_post(client, session_today, {f"mark-{person.id}": "absent"}, key=key)
    assert first.status_code == again.status_code == 302
    assert attendance(db, session_today)[person.id].mark == Mark.PRESENT
    assert db.session.scalar(db.select(AttendanceChange)) is None
    followed = client.get(again.location).get_data(as_text=True)
    assert "erano già arrivate" in followed


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("4.25", "tra 0 e 4"),
        ("-1", "tra 0 e 4"),
        ("1.1", "quarti d&#39;ora"),
        ("tanto", "come numero"),
        ("NaN", "come numero"),
    ],
)
def test_hours_stay_within_bounds(
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


def test_no_one_does_more_than_twelve_hours_a_day(
    client, login_as, tutor, add_session, project, enrolled, db, clock
):
    [person] = enrolled(1)
    # 02:00-09:00 and 10:00-16:00 in Rome: one day, no overlap, both started
    morning = add_session(project, clock.now() - timedelta(hours=8), hours=7)
    evening = add_session(project, clock.now(), hours=6)
    login_as(tutor)
    assert roster_post(client, morning, {f"mark-{person.id}": "present"}).status_code == 302
    response = roster_post(client, evening, {f"mark-{person.id}": "present"})
    assert "più di 12 ore in un giorno" in response.get_data(as_text=True)
    ok = roster_post(client, evening, {f"mark-{person.id}": "present", f"hours-{person.id}": "5"})
    assert ok.status_code == 302
    assert hours_done(person.id) == Decimal("12.00")


def test_corrections_keep_who_what_when_and_why(
    client, login_as, tutor, staff, session_today, enrolled, db, clock
):
    [person] = enrolled(1)
    login_as(tutor)
    roster_post(client, session_today, {f"mark-{person.id}": "present"})
    clock.advance(days=1)
    login_as(staff)
    no_reason = roster_post(client, session_today, {f"mark-{person.id}": "excused"})
    assert "scrivi il motivo" in no_reason.get_data(as_text=True)
    response = roster_post(
        client, session_today, {f"mark-{person.id}": "excused", "reason": "Certificato medico"}
    )
    assert response.status_code == 302
    change = db.session.scalar(db.select(AttendanceChange))
    assert (change.before_mark, change.before_hours) == ("present", Decimal("3.00"))
    assert (change.after_mark, change.after_hours) == ("excused", Decimal("0.00"))
    assert (change.changed_by_id, change.changed_at, change.reason) == (
        staff.id,
        clock.now(),
        "Certificato medico",
    )
    page = client.get(f"/tutor/sessions/{session_today.id}").get_data(as_text=True)
    assert "Certificato medico" in page


def test_each_hours_select_shows_the_persons_own_hours(
    client, login_as, tutor, session_today, enrolled
):
    first, second = enrolled(2)
    login_as(tutor)
    roster_post(
        client,
        session_today,
        {f"mark-{first.id}": "late", f"hours-{first.id}": "2.5", f"mark-{second.id}": "present"},
    )
    page = client.get(f"/tutor/sessions/{session_today.id}").get_data(as_text=True)

    def select_of(person):
        start = page.index(f'<select name="hours-{person.id}"')
        return page[start : page.index("</select>", start)]

    assert re.findall(r'<option value="([\d.]+)" selected>', select_of(first)) == ["2.50"]
    assert re.findall(r'<option value="([\d.]+)" selected>', select_of(second)) == ["3.00"]
    assert '<option value="2.50" selected>2,5</option>' in select_of(first)
    assert select_of(first).count("<option") == select_of(second).count("<option") == 17


def test_the_roster_lists_the_latest_corrections_and_says_how_many_there_are(
    client, login_as, tutor, session_today, enrolled, db
):
    from civic_app.attendance.views import CHANGES_SHOWN

    [person] = enrolled(1)
    login_as(tutor)
    roster_post(client, session_today, {f"mark-{person.id}": "present"})
    corrections = CHANGES_SHOWN + 5
    for n in range(corrections):
        mark = "late" if n % 2 == 0 else "present"
        response = roster_post(
            client, session_today, {f"mark-{person.id}": mark, "reason": f"motivo-{n:03d}"}
        )
        assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(AttendanceChange.id))) == corrections
    page = client.get(f"/tutor/sessions/{session_today.id}").get_data(as_text=True)
    shown = re.findall(r"motivo-(\d{3})", page)
    assert shown == [f"{n:03d}" for n in range(5, corrections)]  # oldest first, the last 30
    assert f"Le ultime {CHANGES_SHOWN} di {corrections} correzioni." in page


def test_a_walk_in_is_added_by_phone(
    client, login_as, tutor, session_today, create_participant, db
):
    stranger = create_participant(first_name="Karim", phone="+393471114444")
    login_as(tutor)
    page = client.get(f"/tutor/sessions/{session_today.id}").get_data(as_text=True)
    walk_key = re.search(r'id="w-key" name="w-key" type="hidden" value="([0-9a-f]+)"', page).group(
        1
    )
    response = client.post_form(
        f"/tutor/sessions/{session_today.id}/walk-in",
        {"w-key": walk_key, "w-phone": "347 111 4444"},
    )
    assert response.status_code == 302
    record = attendance(db, session_today)[stranger.id]
    assert record.walk_in and record.mark == Mark.PRESENT and record.hours == Decimal("3.00")
    assert "senza iscrizione" in client.get(f"/tutor/sessions/{session_today.id}").get_data(
        as_text=True
    )
    unknown = client.post_form(
        f"/tutor/sessions/{session_today.id}/walk-in",
        {"w-key": "a" * 32, "w-phone": "+393479990000"},
        follow_redirects=True,
    )
    assert "scrivi il nome per registrarlo" in unknown.get_data(as_text=True)


def test_someone_not_on_the_roster_cannot_be_marked(
    client, login_as, tutor, session_today, enrolled, create_participant, db
):
    enrolled(1)
    outsider = create_participant()
    login_as(tutor)
    page = client.get(f"/tutor/sessions/{session_today.id}").get_data(as_text=True)
    assert outsider.first_name not in page
    roster_post(client, session_today, {f"mark-{outsider.id}": "present"})
    assert outsider.id not in attendance(db, session_today)


def test_future_and_cancelled_sessions_cannot_be_marked(
    client, login_as, tutor, add_session, project, enrolled, db, clock
):
    [person] = enrolled(1)
    later = add_session(project, clock.now() + timedelta(days=3))
    login_as(tutor)
    response = roster_post(client, later, {f"mark-{person.id}": "present"}, key="f" * 32)
    assert "non è ancora cominciato" in response.get_data(as_text=True)
    assert attendance(db, later) == {}
    later.starts_at = clock.now()
    later.status = "cancelled"
    db.session.commit()
    response = roster_post(client, later, {f"mark-{person.id}": "present"})
    assert "annullato" in response.get_data(as_text=True)


def test_tutors_see_only_their_projects_and_staff_see_the_municipality(
    client,
    login_as,
    tutor,
    create_user,
    session_today,
    add_session,
    create_project,
    clock,
    other_municipality,
):
    other_project = create_project(title="Altro")
    other_session = add_session(other_project, clock.now())
    login_as(tutor)
    assert client.get(f"/tutor/sessions/{other_session.id}").status_code == 404
    assert client.get(f"/tutor/sessions/{session_today.id}").status_code == 200
    login_as(create_user(Role.TUTOR, municipality=other_municipality))
    assert client.get(f"/tutor/sessions/{session_today.id}").status_code == 404
    login_as(create_user(Role.STAFF))
    assert client.get(f"/tutor/sessions/{other_session.id}").status_code == 200
    login_as(create_user(Role.PARTICIPANT))
    assert client.get(f"/tutor/sessions/{session_today.id}").status_code == 403


def test_hours_roll_up_to_the_plan_and_the_participant_page(
    client, login_as, tutor, add_session, project, enrolled, db, clock
):
    from civic_app.plans.models import Plan, PlanStatus

    [person] = enrolled(1)
    db.session.add(
        Plan(
            participant_id=person.id,
            municipality_id=person.municipality_id,
            goals="-",
            target_hours=Decimal("6"),
            start_date=project.start_date,
            end_date=project.end_date,
            status=PlanStatus.ACTIVE,
        )
    )
    db.session.commit()
    login_as(tutor)
    for days in (0, 1):
        session = add_session(project, clock.now() - timedelta(days=days))
        roster_post(client, session, {f"mark-{person.id}": "present", f"hours-{person.id}": "2.75"})
    assert hours_done(person.id) == Decimal("5.50")
    login_as(person)
    page = client.get("/me").get_data(as_text=True)
    assert "5,5 ore fatte su 6" in page
    assert '<progress class="progress" max="100" value="92"' in page
    assert "Traguardo raggiunto" not in page
    login_as(tutor)
    session = add_session(project, clock.now() - timedelta(days=2))
    roster_post(client, session, {f"mark-{person.id}": "present", f"hours-{person.id}": "0.5"})
    login_as(person)
    page = client.get("/me").get_data(as_text=True)
    assert "6 ore fatte su 6" in page and "Traguardo raggiunto" in page


def test_project_hours_are_shown_to_staff(
    client, login_as, tutor, staff, session_today, enrolled, project
):
    people = enrolled(2)
    login_as(tutor)
    roster_post(
        client,
        session_today,
        {f"mark-{people[0].id}": "present", f"mark-{people[1].id}": "left_early",
         f"hours-{people[1].id}": "1.25"},
    )  # fmt: skip
    login_as(staff)
    page = client.get(f"/staff/projects/{project.id}").get_data(as_text=True)
    assert "Ore svolte dai partecipanti:</strong> 4,25" in page


def test_recording_is_audited(client, login_as, tutor, session_today, enrolled, db):
    [person] = enrolled(1)
    login_as(tutor)
    roster_post(client, session_today, {f"mark-{person.id}": "present"})
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "attendance.recorded")
    )
    assert event.actor_id == tutor.id and event.target_id == session_today.id


def test_the_roster_shows_who_confirmed_by_sms(
    client, login_as, tutor, session_today, enrolled, db, clock
):
    from civic_app.projects.models import Rsvp

    coming, not_coming, silent = enrolled(3)
    for person, answer in ((coming, True), (not_coming, False)):
        db.session.add(
            Rsvp(session_id=session_today.id, participant_id=person.id, coming=answer,
                 municipality_id=person.municipality_id, answered_at=clock.now(), source="sms")
        )  # fmt: skip
    db.session.commit()
    login_as(tutor)
    page = client.get(f"/tutor/sessions/{session_today.id}").get_data(as_text=True)
    assert page.count("ha confermato") == 1 and page.count("ha detto che non viene") == 1
