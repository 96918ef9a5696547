import csv
import io
import json

from civic_app.core.accounts import Consent, User
from civic_app.core.consent import give_consent
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from civic_app.people.models import ErasureRequest
from civic_app.projects.models import Enrolment, EnrolmentStatus
from civic_app.sms.models import Message
from civic_app.sms.operations import queue_sms


def test_a_participant_downloads_all_their_data_and_only_theirs(
    client, login_as, create_participant, db, clock, app
):
    amina = create_participant(first_name='=HYPERLINK("x")', phone="+393471110000")
    other = create_participant(first_name="Altro")
    with app.test_request_context():
        give_consent(amina, "programme", language="it", method="web", now=clock.now())
    queue_sms(phone=amina.phone, body="Ciao Amina", kind="t", now=clock.now(), user=amina)
    queue_sms(phone=other.phone, body="Ciao Altro", kind="t", now=clock.now(), user=other)
    db.session.commit()
    login_as(amina)
    response = client.get("/me/data.json")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["profile"]["phone"] == "+393471110000"
    assert [m["body"] for m in data["messages"]] == ["Ciao Amina"]
    assert data["consents"][0]["purpose"] == "programme"
    assert "Altro" not in response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(client.get("/me/data.csv").get_data(as_text=True))))
    first_name = next(r for r in rows if r[2] == "first_name")
    assert first_name[3] == '\'=HYPERLINK("x")'  # shown, never run, by a spreadsheet
    assert client.get("/me/data.xml").status_code == 404
    exported = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "data.exported"))
    assert exported.actor_id == amina.id


def test_erasure_removes_personal_data_and_keeps_the_numbers(
    client, login_as, create_participant, staff, db, clock, app, project, enrol
):
    amina = create_participant(first_name="Amina", last_name="Diallo", phone="+393471110000")
    enrol(project, amina, EnrolmentStatus.ACCEPTED)
    with app.test_request_context():
        give_consent(amina, "programme", language="fr", method="web", now=clock.now())
    queue_sms(phone=amina.phone, body="Ciao Amina", kind="t", now=clock.now(), user=amina)
    db.session.commit()
    login_as(amina)
    client.post_form("/me/data/erase")
    client.post_form("/me/data/erase")  # asking twice keeps one request
    assert db.session.scalar(db.select(db.func.count(ErasureRequest.id))) == 1
    with client.session_transaction() as session:
        amina_cookie = dict(session)

    login_as(staff)
    page = client.get("/staff/erasures").get_data(as_text=True)
    assert "Amina Diallo" in page
    request = db.session.scalar(db.select(ErasureRequest))
    assert client.post_form(f"/staff/erasures/{request.id}/process").status_code == 302

    person = db.session.get(User, amina.id)
    assert person.erased_at == clock.now()
    assert (person.first_name, person.last_name, person.phone) == (f"#{amina.id}", None, None)
    assert not person.is_active_account
    message = db.session.scalar(db.select(Message).where(Message.user_id == amina.id))
    assert message.body == "[cancellato]" and message.phone == ""
    consent = db.session.scalar(db.select(Consent).where(Consent.user_id == amina.id))
    assert consent.text == "[cancellato]" and consent.version and consent.given_at
    # What the fund's statistics need stays.
    enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.participant_id == amina.id))
    assert enrolment.status == EnrolmentStatus.ACCEPTED
    assert person.municipality_id == amina.municipality_id
    # The audit trail stays, without personal values.
    for event in db.session.scalars(db.select(AuditEvent)):
        text = json.dumps(event.details)
        assert "Amina" not in text and "3471110000" not in text
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "data.erased"))
    # The erased person's old session is gone, and the number is free again.
    with client.session_transaction() as session:
        session.clear()
        session.update(amina_cookie)
    assert client.get("/me").status_code == 302
    assert db.session.get(ErasureRequest, request.id).processed_by_id == staff.id


def test_staff_of_another_municipality_cannot_process_an_erasure(
    client, login_as, create_participant, create_user, other_municipality, db, clock
):
    amina = create_participant()
    login_as(amina)
    client.post_form("/me/data/erase")
    request = db.session.scalar(db.select(ErasureRequest))
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    assert client.post_form(f"/staff/erasures/{request.id}/process").status_code == 404
    assert "Nome" not in client.get("/staff/erasures").get_data(as_text=True).split("<main")[1]
