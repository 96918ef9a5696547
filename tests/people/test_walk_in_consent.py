"""Staff finish the sign-up of a walk-in a tutor registered: the consent signed on paper."""

from civic_app.core.accounts import Consent
from civic_app.core.models import AuditEvent


def walk_in(create_participant, **kw):
    values = {"first_name": "Samir", "last_name": None, "phone": None, "signed_up_via": "walk_in",
              "pending_review": True, "preferred_language": "ar"} | kw  # fmt: skip
    return create_participant(**values)


def consents(db, person):
    return db.session.scalars(
        db.select(Consent).where(Consent.user_id == person.id).order_by(Consent.id)
    ).all()


def test_the_profile_of_a_walk_in_asks_for_the_consent(
    app, client, login_as, staff, create_participant
):
    from markupsafe import escape

    from civic_app.core.consent import consent_text

    person = walk_in(create_participant)
    login_as(staff)
    page = client.get(f"/staff/participants/{person.id}").get_data(as_text=True)
    assert "registrazione fatta da un tutor a un turno: manca il consenso" in page
    assert f'action="/staff/participants/{person.id}/consent"' in page
    with app.test_request_context():
        arabic = consent_text("programme", "ar")  # the text to read together, in theirs
    assert "Accetto di partecipare" not in arabic and str(escape(arabic)) in page
    assert 'name="sms"' not in page  # no phone, no SMS to agree to


def test_staff_record_the_paper_consent_and_the_sign_up_is_complete(
    client, login_as, staff, create_participant, db, clock
):
    person = walk_in(create_participant, phone="+393475550101")
    login_as(staff)
    refused = client.post_form(
        f"/staff/participants/{person.id}/consent", {}, follow_redirects=True
    )
    assert "Conferma che il modulo è firmato." in refused.get_data(as_text=True)
    assert consents(db, person) == []
    response = client.post_form(
        f"/staff/participants/{person.id}/consent", {"signed": "y", "sms": "y"}
    )
    assert response.status_code == 302
    given = consents(db, person)
    assert [(c.purpose, c.method, c.recorded_by_id, c.given_at) for c in given] == [
        ("programme", "paper", staff.id, clock.now()),
        ("sms", "paper", staff.id, clock.now()),
    ]
    db.session.refresh(person)
    assert not person.pending_review and person.sms_opt_out_at is None
    page = client.get(f"/staff/participants/{person.id}").get_data(as_text=True)
    assert "manca il consenso" not in page
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "consent.recorded"))
    assert event.target_id == person.id and event.details == {"method": "paper", "sms": True}
    again = client.post_form(
        f"/staff/participants/{person.id}/consent", {"signed": "y"}, follow_redirects=True
    )
    assert "già registrato" in again.get_data(as_text=True)
    assert len(consents(db, person)) == 2


def test_other_participants_have_no_such_form(client, login_as, staff, create_participant, db):
    person = create_participant(signed_up_via="web")
    login_as(staff)
    page = client.get(f"/staff/participants/{person.id}").get_data(as_text=True)
    assert "manca il consenso" not in page
    response = client.post_form(
        f"/staff/participants/{person.id}/consent", {"signed": "y"}, follow_redirects=True
    )
    assert consents(db, person) == []
    assert "già registrato" in response.get_data(as_text=True)
