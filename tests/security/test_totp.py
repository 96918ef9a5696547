"""The optional second factor (TOTP) for staff, tutors and coordinators."""

import logging
import re
from datetime import timedelta

import pyotp
import pytest

from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from tests.security.conftest import is_logged_in, log_in

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code_at(clock, secret=SECRET, **shift) -> str:
    return pyotp.TOTP(secret).at(clock.now() + timedelta(**shift))


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.fixture
def staff_with_totp(create_user, clock):
    return create_user(Role.STAFF, totp_secret=SECRET, totp_enabled_at=clock.now())


def audit(db, action):
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_staff_turn_on_the_second_factor_after_confirming_a_code(
    client, create_user, db, clock, new_client
):
    staff = create_user(Role.STAFF)
    log_in(client, staff)
    other_device = new_client()
    log_in(other_device, staff)

    page = client.get("/account/security").get_data(as_text=True)
    db.session.refresh(staff)
    secret = staff.totp_secret
    assert re.fullmatch(r"[A-Z2-7]{32}", secret) and staff.totp_enabled_at is None
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page  # as text
    assert "<svg" in page and 'class="qrline"' in page  # the QR code, inline
    assert 'style="' not in page and "<script" not in page
    # A reload shows the same secret: the phone may have scanned it already.
    client.get("/account/security")
    db.session.refresh(staff)
    assert staff.totp_secret == secret

    response = client.post_form(
        "/account/security/totp/on", {"code": wrong(code_at(clock, secret))}
    )
    assert "Codice sbagliato. Controlla l&#39;app e riprova." in response.get_data(as_text=True)
    db.session.refresh(staff)
    assert staff.totp_enabled_at is None

    response = client.post_form("/account/security/totp/on", {"code": code_at(clock, secret)})
    assert response.status_code == 302
    db.session.refresh(staff)
    assert staff.totp_enabled_at == clock.now()
    assert len(audit(db, "auth.totp_enabled")) == 1
    # This browser stays in; a session someone else may have opened with the password ends.
    assert is_logged_in(client) and not is_logged_in(other_device)
    assert "La verifica in due passaggi è attiva" in client.get("/account/security").get_data(
        as_text=True
    )


def test_with_the_second_factor_the_password_alone_logs_nobody_in(
    client, staff_with_totp, db, clock
):
    response = log_in(client, staff_with_totp)
    assert response.status_code == 302 and response.location == "/login/totp"
    assert not is_logged_in(client)
    assert client.get("/staff/participants").status_code == 302

    response = client.post_form("/login/totp", {"code": wrong(code_at(clock))})
    assert response.status_code == 200
    assert "Codice sbagliato. Controlla l&#39;app e riprova." in response.get_data(as_text=True)
    assert not is_logged_in(client)
    failed = audit(db, "auth.totp_failed")
    assert len(failed) == 1 and failed[0].target_id == staff_with_totp.id
    assert failed[0].details == {}  # never the code or the secret

    response = client.post_form("/login/totp", {"code": code_at(clock)})
    assert response.status_code == 302
    assert client.get("/staff/participants").status_code == 200
    assert len(audit(db, "auth.login")) == 1


def test_a_code_from_a_phone_a_little_off_logs_in(client, staff_with_totp, clock, db):
    log_in(client, staff_with_totp)
    response = client.post_form("/login/totp", {"code": code_at(clock, seconds=-30)})
    assert response.status_code == 302 and response.location == "/"
    assert is_logged_in(client)
    assert client.get("/staff/participants").status_code == 200
    [login] = audit(db, "auth.login")
    assert login.target_id == staff_with_totp.id


def test_a_code_from_a_phone_far_off_does_not_log_in(client, staff_with_totp, clock, db):
    log_in(client, staff_with_totp)
    response = client.post_form("/login/totp", {"code": code_at(clock, minutes=-5)})
    assert response.status_code == 200
    assert not is_logged_in(client)
    assert client.get("/staff/participants").status_code == 302
    assert audit(db, "auth.login") == []


def test_a_second_factor_lost_while_logging_in_does_not_log_in(
    app, client, staff_with_totp, clock, db
):
    # The password was right; then the phone is reported lost and the factor removed.
    log_in(client, staff_with_totp)
    code = code_at(clock)
    result = app.test_cli_runner().invoke(args=["users", "reset-totp", staff_with_totp.email])
    assert result.exit_code == 0, result.output
    response = client.post_form("/login/totp", {"code": code})
    assert response.status_code == 302 and response.location == "/login"
    assert not is_logged_in(client)
    assert client.get("/staff/participants").status_code == 302
    assert audit(db, "auth.login") == []


def test_a_code_logs_in_only_once(client, staff_with_totp, clock, new_client):
    code = code_at(clock)
    log_in(client, staff_with_totp)
    assert client.post_form("/login/totp", {"code": code}).location == "/"
    assert is_logged_in(client)
    someone = new_client()
    log_in(someone, staff_with_totp)
    response = someone.post_form("/login/totp", {"code": code})
    assert response.status_code == 200 and not is_logged_in(someone)


def test_second_factor_tries_are_limited_per_account(
    client, staff_with_totp, app, monkeypatch, clock, new_client
):
    monkeypatch.setitem(app.config, "TOTP_ATTEMPTS_LIMIT", "3 per 15 minutes")
    log_in(client, staff_with_totp)
    for _ in range(3):
        assert client.post_form("/login/totp", {"code": wrong(code_at(clock))}).status_code == 200
    # A new browser does not get new tries: they are counted per account.
    other = new_client()
    log_in(other, staff_with_totp)
    response = other.post_form("/login/totp", {"code": code_at(clock)})
    assert response.status_code == 429
    assert "Troppe richieste" in response.get_data(as_text=True)
    assert not is_logged_in(other)


def test_a_waiting_second_step_expires_after_five_minutes(client, staff_with_totp, clock):
    log_in(client, staff_with_totp)
    clock.advance(minutes=5, seconds=1)
    response = client.post_form("/login/totp", {"code": code_at(clock)})
    assert response.status_code == 302 and response.location == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "Accedi di nuovo con email e password." in page
    assert not is_logged_in(client)


def test_the_second_step_goes_on_to_the_page_asked_for(client, staff_with_totp, clock):
    client.post_form(
        "/login?next=/staff/inbox",
        {"email": staff_with_totp.email, "password": "correct horse battery staple"},
    )
    response = client.post_form("/login/totp", {"code": code_at(clock)})
    assert response.location == "/staff/inbox"


def test_turning_the_second_factor_off_needs_a_current_code(
    client, staff_with_totp, db, clock, login_as
):
    login_as(staff_with_totp)
    response = client.post_form("/account/security/totp/off", {"code": wrong(code_at(clock))})
    assert response.status_code == 200
    db.session.refresh(staff_with_totp)
    assert staff_with_totp.totp_enabled_at is not None
    response = client.post_form("/account/security/totp/off", {"code": code_at(clock)})
    assert response.status_code == 302
    db.session.refresh(staff_with_totp)
    assert staff_with_totp.totp_enabled_at is None and staff_with_totp.totp_secret is None
    assert len(audit(db, "auth.totp_disabled")) == 1
    assert log_in(client, staff_with_totp).location == "/"


def test_coordinators_must_set_it_up_first_when_required(
    client, create_user, app, monkeypatch, db, clock
):
    monkeypatch.setitem(app.config, "REQUIRE_TOTP_FOR_COORDINATORS", True)
    coordinator = create_user(Role.COORDINATOR)
    log_in(client, coordinator)
    response = client.get("/")
    assert response.status_code == 302 and response.location == "/account/security"
    page = client.get(response.location).get_data(as_text=True)
    assert "Prima di continuare, attiva la verifica in due passaggi." in page
    assert client.get("/projects").location == "/account/security"

    db.session.refresh(coordinator)
    code = code_at(clock, coordinator.totp_secret)
    assert client.post_form("/account/security/totp/on", {"code": code}).status_code == 302
    assert client.get("/projects").status_code == 200
    # And it cannot be turned off.
    clock.advance(seconds=30)
    response = client.post_form(
        "/account/security/totp/off", {"code": code_at(clock, coordinator.totp_secret)}
    )
    assert "Per il coordinamento la verifica in due passaggi è obbligatoria." in (
        response.get_data(as_text=True)
    )
    db.session.refresh(coordinator)
    assert coordinator.totp_enabled_at is not None


def test_without_the_setting_coordinators_choose(client, create_user, login_as):
    login_as(create_user(Role.COORDINATOR))
    assert client.get("/projects").status_code == 200


def test_participants_have_no_second_factor_page(client, create_participant, login_as):
    login_as(create_participant())
    assert client.get("/account/security").status_code == 403


def test_a_lost_phone_is_reset_from_the_command_line(app, staff_with_totp, db, client):
    result = app.test_cli_runner().invoke(args=["users", "reset-totp", staff_with_totp.email])
    assert result.exit_code == 0, result.output
    db.session.refresh(staff_with_totp)
    assert staff_with_totp.totp_secret is None and staff_with_totp.totp_enabled_at is None
    assert log_in(client, staff_with_totp).location == "/"


def test_the_secret_and_the_codes_are_never_logged(
    client, create_user, db, clock, caplog, login_as
):
    caplog.set_level(logging.DEBUG)
    staff = create_user(Role.STAFF)
    log_in(client, staff)
    client.get("/account/security")
    db.session.refresh(staff)
    secret = staff.totp_secret
    code = code_at(clock, secret)
    client.post_form("/account/security/totp/on", {"code": wrong(code)})
    client.post_form("/account/security/totp/on", {"code": code})
    client.post_form("/logout")
    log_in(client, staff)
    client.post_form("/login/totp", {"code": wrong(code)})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    details = " ".join(str(e.details) for e in db.session.scalars(db.select(AuditEvent)))
    for value in (secret, code, wrong(code)):
        assert value not in logged and value not in details
