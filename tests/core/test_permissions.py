import pytest
from flask_login import login_user
from werkzeug.exceptions import Forbidden, NotFound

from civic_app.core.accounts import User
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role, get_scoped_or_404, roles_required, scoped_select


def test_records_of_another_municipality_are_not_found(
    app, db, create_user, create_participant, other_municipality
):
    staff = create_user(Role.STAFF)
    mine = create_participant()
    theirs = create_participant(municipality=other_municipality)
    with app.test_request_context():
        login_user(staff)
        assert get_scoped_or_404(User, mine.id) is not None
        with pytest.raises(NotFound):
            get_scoped_or_404(User, theirs.id)
        with pytest.raises(NotFound):
            get_scoped_or_404(User, 999_999)
        listed = db.session.scalars(scoped_select(User)).all()
    assert theirs.id not in {u.id for u in listed}
    assert {staff.id, mine.id} <= {u.id for u in listed}


def test_a_coordinator_has_no_municipality_to_scope_by(app, create_user, create_participant):
    coordinator = create_user(Role.COORDINATOR)
    participant = create_participant()
    with app.test_request_context():
        login_user(coordinator)
        with pytest.raises(Forbidden):
            get_scoped_or_404(User, participant.id)


def test_roles_required_lets_in_only_the_named_roles(app, db, create_user):
    @roles_required(Role.STAFF)
    def staff_page():
        return "ok"

    with app.test_request_context():
        assert staff_page().status_code == 302  # anonymous: to the login page
    with app.test_request_context():
        login_user(create_user(Role.STAFF))
        assert staff_page() == "ok"
    with app.test_request_context():
        login_user(create_user(Role.TUTOR))
        with pytest.raises(Forbidden):
            staff_page()
    refused = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "auth.forbidden"))
    assert len(refused.all()) == 1


def test_the_audit_trail_is_append_only(db, create_user):
    from civic_app.core.models import AuditEvent

    event = AuditEvent(action="test.something", details={})
    db.session.add(event)
    db.session.commit()
    event.action = "test.changed"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.delete(db.session.get(AuditEvent, event.id))
        db.session.flush()
