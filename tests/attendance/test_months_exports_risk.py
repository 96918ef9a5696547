import csv
import io
from datetime import UTC, datetime, timedelta

from civic_app.attendance.at_risk import at_risk
from civic_app.attendance.models import Attendance, Mark, MonthLock
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from tests.attendance.test_roster import attendance, roster_post


def mark(db, session, person, value, by, hours="3"):
    db.session.add(
        Attendance(
            session_id=session.id,
            session_starts_at=session.starts_at,
            project_id=session.project_id,
            municipality_id=session.municipality_id,
            participant_id=person.id,
            mark=value,
            hours=hours if value in ("present", "late", "left_early") else 0,
            recorded_by_id=by.id,
            recorded_at=session.starts_at,
        )
    )
    db.session.commit()


def test_a_locked_month_cannot_change_until_staff_unlock_it(
    client, login_as, tutor, staff, session_today, enrolled, db
):
    [person] = enrolled(1)
    login_as(tutor)
    roster_post(client, session_today, {f"mark-{person.id}": "present"})
    login_as(staff)
    assert client.post_form("/staff/attendance", {"month": "2026-03"}).status_code == 302
    again = client.post_form("/staff/attendance", {"month": "2026-03"})
    assert "già chiuso" in again.get_data(as_text=True)
    assert "<strong>marzo 2026</strong>" in again.get_data(as_text=True)  # a month, not ISO
    bad = client.post_form("/staff/attendance", {"month": "marzo"})
    assert "2026-03" in bad.get_data(as_text=True) and bad.status_code == 200
    login_as(tutor)
    page = client.get(f"/tutor/sessions/{session_today.id}").get_data(as_text=True)
    assert "Il mese è chiuso" in page
    refused = roster_post(
        client, session_today, {f"mark-{person.id}": "absent", "reason": "errore"}
    )
    assert "Il mese è chiuso" in refused.get_data(as_text=True)
    assert attendance(db, session_today)[person.id].mark == Mark.PRESENT

    login_as(staff)
    lock = db.session.scalar(db.select(MonthLock))
    no_reason = client.post_form(
        f"/staff/attendance/locks/{lock.id}/unlock", {"reason": ""}, follow_redirects=True
    )
    assert "Scrivi perché" in no_reason.get_data(as_text=True)
    client.post_form(f"/staff/attendance/locks/{lock.id}/unlock", {"reason": "Errore di un tutor"})
    assert db.session.scalar(db.select(MonthLock)) is None
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]
    assert "attendance.month_locked" in actions and "attendance.month_unlocked" in actions
    login_as(tutor)
    roster_post(client, session_today, {f"mark-{person.id}": "absent", "reason": "errore"})
    assert attendance(db, session_today)[person.id].mark == Mark.ABSENT


def test_only_staff_lock_months(
    client, login_as, tutor, create_user, other_municipality, staff, db, clock
):
    login_as(tutor)
    assert client.post_form("/staff/attendance", {"month": "2026-03"}).status_code == 403
    login_as(staff)
    client.post_form("/staff/attendance", {"month": "2026-03"})
    lock = db.session.scalar(db.select(MonthLock))
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    assert (
        client.post_form(f"/staff/attendance/locks/{lock.id}/unlock", {"reason": "x"}).status_code
        == 404
    )


def test_staff_export_a_month_as_csv(
    client, login_as, tutor, staff, session_today, enrolled, db, project, add_session
):
    [amina, karim] = enrolled(2)
    amina.first_name = "=SUM(A1)"
    db.session.commit()
    mark(db, session_today, amina, "present", tutor)
    mark(db, session_today, karim, "absent", tutor)
    april = add_session(project, datetime(2026, 4, 2, 8, tzinfo=UTC))
    mark(db, april, karim, "present", tutor)
    login_as(staff)
    response = client.get(f"/staff/attendance/export.csv?project={project.id}&month=2026-03")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["date", "start", "participant_id"]
    assert len(rows) == 3  # March only
    names = {row[3] for row in rows[1:]}
    assert "'=SUM(A1)" in names
    assert {row[5] for row in rows[1:]} == {"present", "absent"}
    assert {row[0] for row in rows[1:]} == {"2026-03-04"} and rows[1][1] == "10:00"
    exported = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "attendance.exported")
    )
    assert exported.details == {"month": "2026-03", "rows": 2}
    for bad in ("month=2026-13", "month=march", "", "month=2026-03&project=abc"):
        query = bad if "project" in bad else f"project={project.id}&{bad}"
        assert client.get(f"/staff/attendance/export.csv?{query}").status_code == 400
    login_as(tutor)
    assert (
        client.get(f"/staff/attendance/export.csv?project={project.id}&month=2026-03").status_code
        == 403
    )


def test_two_unexcused_absences_in_a_row_put_someone_at_risk(
    app, db, tutor, project, add_session, enrolled, clock
):
    [steady, absent_twice, excused] = enrolled(3)
    first = add_session(project, clock.now() - timedelta(days=3))
    second = add_session(project, clock.now() - timedelta(days=1))
    for session in (first, second):
        mark(db, session, steady, "present", tutor)
        mark(db, session, absent_twice, "absent", tutor)
    mark(db, add_session(project, clock.now() - timedelta(days=5)), excused, "present", tutor)
    mark(db, first, excused, "absent", tutor)
    mark(db, second, excused, "excused", tutor)
    risky = at_risk(project.municipality_id, clock.now())
    assert risky == {absent_twice.id: "two_absences"}


def test_no_attendance_for_14_days_puts_someone_at_risk(
    app, db, tutor, project, add_session, enrolled, clock, create_participant, enrol
):
    [quiet, active] = enrolled(2)
    newcomer = create_participant()
    enrol(project, newcomer, "accepted", at=clock.now() - timedelta(days=2))
    old = add_session(project, clock.now() - timedelta(days=20))
    recent = add_session(project, clock.now() - timedelta(days=2))
    mark(db, old, quiet, "present", tutor)
    mark(db, recent, active, "present", tutor)
    assert at_risk(project.municipality_id, clock.now()) == {quiet.id: "silent"}


def test_the_tutor_and_staff_see_who_is_at_risk(
    client, login_as, db, tutor, staff, project, add_session, enrolled, clock, session_today
):
    [person] = enrolled(1, first_name="Samira")
    for days in (3, 1):
        mark(db, add_session(project, clock.now() - timedelta(days=days)), person, "absent", tutor)
    login_as(tutor)
    roster = client.get(f"/tutor/sessions/{session_today.id}").get_data(as_text=True)
    assert "Due assenze di fila" in roster
    login_as(staff)
    assert "Samira" in client.get("/staff/at-risk").get_data(as_text=True)
    assert "Samira" in client.get("/staff/participants?status=at_risk").get_data(as_text=True)


def cells_read_with_either_separator(text: str) -> list[str]:
    """Every cell of a CSV as a spreadsheet splitting on `,` or on `;` would see it."""
    text = text.removeprefix("\ufeff")
    return [
        cell
        for delimiter in (",", ";")
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        for cell in row
    ]


def test_a_name_with_a_semicolon_never_becomes_a_formula_in_the_attendance_csv(
    client, login_as, tutor, staff, session_today, enrolled, db, project
):
    [amina] = enrolled(1)
    amina.first_name, amina.last_name = "x;=2*3;", "a,+1;@SUM(1)"
    db.session.commit()
    mark(db, session_today, amina, "present", tutor, hours="2.5")
    login_as(staff)
    url = f"/staff/attendance/export.csv?project={project.id}&month=2026-03"
    comma, semicolon = client.get(url), client.get(url + "&sep=semicolon")
    for response in (comma, semicolon):
        cells = cells_read_with_either_separator(response.get_data(as_text=True))
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    # The Italian file: `;` between fields, a BOM so that Excel reads UTF-8, decimal comma.
    text = semicolon.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[1][3:7] == ["x;'=2*3;", "a,'+1;'@SUM(1)", "present", "2,50"]
    rows = list(csv.reader(io.StringIO(comma.get_data(as_text=True))))
    assert rows[1][3:7] == ["x;'=2*3;", "a,'+1;'@SUM(1)", "present", "2.50"]
