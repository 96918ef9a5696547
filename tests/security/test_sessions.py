"""Sessions: ended on the server when access changes, and by idle and absolute limits."""

from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from tests.security.conftest import is_logged_in, log_in, log_in_by_sms


def actions(db):
    return [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


def test_disabling_an_account_ends_its_sessions_on_every_device(app, create_user, db, new_client):
    staff = create_user(Role.STAFF)
    colleague = create_user(Role.STAFF)
    office, phone, other = new_client(), new_client(), new_client()
    log_in(office, staff)
    log_in(phone, staff)
    log_in(other, colleague)
    assert is_logged_in(office) and is_logged_in(phone)

    result = app.test_cli_runner().invoke(args=["users", "disable", staff.email])
    assert result.exit_code == 0, result.output

    assert not is_logged_in(office) and not is_logged_in(phone)
    assert office.get("/staff/participants").status_code == 302
    assert is_logged_in(other)  # nobody else is touched
    assert "account.disabled" in actions(db)
    # And the password no longer opens a new one.
    assert "Email o password sbagliate." in log_in(office, staff).get_data(as_text=True)
    # Enabling the account again does not bring the old sessions back.
    assert app.test_cli_runner().invoke(args=["users", "enable", staff.email]).exit_code == 0
    assert not is_logged_in(phone)
    assert "account.enabled" in actions(db)


def test_changing_a_role_ends_the_sessions_of_that_account(create_user, db, new_client):
    staff = create_user(Role.STAFF)
    first, second = new_client(), new_client()
    log_in(first, staff)
    log_in(second, staff)
    token = staff.session_token

    staff.role = Role.TUTOR
    db.session.commit()

    assert staff.session_token != token
    assert not is_logged_in(first) and not is_logged_in(second)
    # Logging in again gives a session with the new role.
    log_in(first, staff)
    assert first.get("/tutor").status_code == 200
    assert first.get("/staff/participants").status_code == 403


def test_other_changes_to_an_account_keep_its_sessions(create_user, db, new_client):
    staff = create_user(Role.STAFF)
    browser = new_client()
    log_in(browser, staff)
    token = staff.session_token
    staff.first_name = "Renamed"
    staff.role = Role.STAFF  # the same role again
    staff.is_active_account = True
    db.session.commit()
    assert staff.session_token == token
    assert is_logged_in(browser)


def test_staff_are_logged_out_after_thirty_idle_minutes(client, create_user, db, clock):
    staff = create_user(Role.STAFF)
    log_in(client, staff)
    clock.advance(minutes=29)
    assert client.get("/staff/participants").status_code == 200  # still there; clock restarts
    clock.advance(minutes=29)
    assert client.get("/staff/participants").status_code == 200
    clock.advance(minutes=31)

    response = client.get("/staff/participants")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    page = client.get(response.location).get_data(as_text=True)
    assert "La sessione è scaduta. Per sicurezza, accedi di nuovo." in page
    assert not is_logged_in(client)
    expired = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "auth.session_expired")
    ).one()
    assert expired.details == {"reason": "idle"}


def test_staff_sessions_end_twelve_hours_after_login_even_when_busy(client, create_user, db, clock):
    tutor = create_user(Role.TUTOR)
    log_in(client, tutor)
    for _ in range(12 * 3):  # a request every 20 minutes for 12 hours
        clock.advance(minutes=20)
        assert client.get("/tutor").status_code == 200
    clock.advance(minutes=1)
    response = client.get("/tutor")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert not is_logged_in(client)
    reasons = [
        e.details["reason"]
        for e in db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "auth.session_expired")
        )
    ]
    assert reasons == ["absolute"]


def test_the_limits_come_from_the_configuration(client, create_user, app, monkeypatch, clock):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    staff = create_user(Role.STAFF)
    log_in(client, staff)
    clock.advance(minutes=6)
    assert client.get("/staff/participants").status_code == 302


def test_participants_stay_logged_in_for_days_but_not_for_ever(
    client, create_participant, db, clock
):
    participant = create_participant()
    log_in_by_sms(client, db, participant)
    clock.advance(days=6)
    assert client.get("/me").status_code == 200
    clock.advance(days=6)
    assert client.get("/me").status_code == 200  # six days idle: still in
    clock.advance(days=7, minutes=1)
    response = client.get("/me")
    assert response.status_code == 302 and response.location.startswith("/login/phone")

    log_in_by_sms(client, db, participant)
    for _ in range(5):  # back every six days, for thirty days
        clock.advance(days=6)
        assert client.get("/me").status_code == 200
    clock.advance(minutes=1)
    assert client.get("/me").status_code == 302


def test_a_copied_cookie_expires_with_the_session_it_was_copied_from(
    create_user, new_client, clock
):
    staff = create_user(Role.STAFF)
    owner, thief = new_client(), new_client()
    log_in(owner, staff)
    with owner.session_transaction() as session:
        stolen = dict(session)
    with thief.session_transaction() as session:
        session.update(stolen)
    for _ in range(4):  # the owner keeps working; the copy lies unused
        clock.advance(minutes=10)
        assert owner.get("/staff/participants").status_code == 200
    assert thief.get("/staff/participants").status_code == 302
    assert owner.get("/staff/participants").status_code == 200


def test_staff_cookies_end_with_the_browser_and_participants_cookies_last(
    client, create_user, create_participant, db, new_client
):
    response = log_in(client, create_user(Role.STAFF))
    staff_cookie = response.headers["Set-Cookie"]
    assert "civic_session=" in staff_cookie and "Expires=" not in staff_cookie
    phone = new_client()
    response = log_in_by_sms(phone, db, create_participant())
    assert "Expires=" in response.headers["Set-Cookie"]


def test_a_new_login_starts_the_clocks_again(client, create_user, clock):
    staff = create_user(Role.STAFF)
    log_in(client, staff)
    clock.advance(hours=11, minutes=50)
    log_in(client, staff)
    for _ in range(6):  # 13 hours after the first login, 1 after the second
        clock.advance(minutes=10)
        assert client.get("/staff/participants").status_code == 200
