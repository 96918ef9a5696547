from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from tests.conftest import PASSWORD


def audit_actions(db):
    return [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


def test_staff_log_in_with_email_and_password(client, create_user, db):
    staff = create_user(Role.STAFF)
    response = client.post_form("/login", {"email": staff.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert staff.first_name in client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "auth.login" in audit_actions(db)


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, create_user, db):
    staff = create_user(Role.STAFF)
    wrong = client.post_form("/login", {"email": staff.email, "password": "nope"})
    unknown = client.post_form("/login", {"email": "nobody@example.org", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert "Email o password sbagliate." in wrong.get_data(as_text=True)
    assert "Email o password sbagliate." in unknown.get_data(as_text=True)
    assert audit_actions(db).count("auth.login_failed") == 2
    failed = db.session.scalars(db.select(AuditEvent)).all()
    assert all(staff.email not in str(e.details) for e in failed)


def test_a_disabled_account_cannot_log_in(client, create_user):
    staff = create_user(Role.STAFF, is_active_account=False)
    response = client.post_form("/login", {"email": staff.email, "password": PASSWORD})
    assert "Email o password sbagliate." in response.get_data(as_text=True)


def test_passwords_are_stored_with_a_slow_hash(app, create_user):
    from civic_app.core.accounts import User
    from civic_app.people.operations import set_password

    user = User(role=Role.STAFF, first_name="X")
    app.config["PASSWORD_HASH_METHOD"], saved = "scrypt", app.config["PASSWORD_HASH_METHOD"]
    try:
        with app.app_context():
            set_password(user, "a long enough password")
    finally:
        app.config["PASSWORD_HASH_METHOD"] = saved
    assert user.password_hash.startswith("scrypt:")
    assert "a long enough password" not in user.password_hash


def test_login_starts_a_new_session(client, create_user):
    staff = create_user(Role.STAFF)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post_form("/login", {"email": staff.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_logout_invalidates_the_session_on_the_server(client, create_user, db):
    staff = create_user(Role.STAFF)
    client.post_form("/login", {"email": staff.email, "password": PASSWORD})
    with client.session_transaction() as session:
        stolen = dict(session)
    assert client.post_form("/logout").status_code == 302
    assert "auth.logout" in audit_actions(db)
    # Replaying the cookie from before the logout no longer logs anyone in.
    with client.session_transaction() as session:
        session.update(stolen)
    assert staff.first_name not in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_the_language_chosen_before_login_survives_it(client, create_user):
    staff = create_user(Role.STAFF, preferred_language="zz")
    client.post_form("/language", {"lang": "fr"})
    client.post_form("/login", {"email": staff.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert session["lang"] == "fr"
