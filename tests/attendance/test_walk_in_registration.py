"""A walk-in who is not registered yet is registered on the roster, so the hours count."""

import re
from decimal import Decimal

import pytest

from civic_app.attendance.models import Attendance
from civic_app.core.accounts import Consent, User
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role


def walk_in_key(client, session) -> str:
    page = client.get(f"/tutor/sessions/{session.id}").get_data(as_text=True)
    return re.search(r'name="w-key" type="hidden" value="([0-9a-f]+)"', page).group(1)


def post_walk_in(client, session, key=None, **fields):
    data = {"w-key": key or walk_in_key(client, session), "w-phone": "", "w-first_name": ""}
    data |= {"w-language": "it"} | {f"w-{name}": value for name, value in fields.items()}
    return client.post_form(f"/tutor/sessions/{session.id}/walk-in", data)


def mark_of(db, session, person):
    return db.session.scalar(
        db.select(Attendance).where(
            Attendance.session_id == session.id, Attendance.participant_id == person.id
        )
    )


def by_name(db, first_name):
    return db.session.scalars(db.select(User).where(User.first_name == first_name)).all()


def test_the_roster_has_a_form_to_register_a_walk_in_without_javascript(
    client, login_as, tutor, session_today
):
    login_as(tutor)
    page = client.get(f"/tutor/sessions/{session_today.id}").get_data(as_text=True)
    form = page[page.index(f'action="/tutor/sessions/{session_today.id}/walk-in"') :]
    form = form[: form.index("</form>")]
    assert 'name="w-phone"' in form and 'inputmode="tel"' in form
    assert 'name="w-first_name"' in form
    assert '<select id="w-language" name="w-language">' in form
    assert '<option selected value="it">Italiano</option>' in form
    assert '<option value="ar">العربية</option>' in form
    assert 'type="submit"' in form


def test_a_walk_in_without_a_phone_is_registered_and_marked_present(
    client, login_as, tutor, session_today, municipality, db, clock
):
    login_as(tutor)
    response = post_walk_in(client, session_today, first_name="Samir", language="ar")
    assert response.status_code == 302
    [person] = by_name(db, "Samir")
    assert person.role == Role.PARTICIPANT and person.municipality_id == municipality.id
    assert (person.phone, person.preferred_language) == (None, "ar")
    assert person.signed_up_via == "walk_in" and person.pending_review
    assert person.sms_opt_out_at == clock.now()  # no SMS consent was given
    assert db.session.scalars(db.select(Consent).where(Consent.user_id == person.id)).all() == []
    mark = mark_of(db, session_today, person)
    assert mark.walk_in and mark.mark == "present" and mark.hours == Decimal("3.00")
    assert mark.recorded_by_id == tutor.id
    followed = client.get(response.location).get_data(as_text=True)
    assert "Samir: registrazione fatta e presenza segnata." in followed
    assert "Samir" in followed and "senza iscrizione" in followed
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"participant.signed_up", "attendance.walk_in"} <= actions


def test_a_new_phone_is_kept_with_the_new_participant(client, login_as, tutor, session_today, db):
    login_as(tutor)
    post_walk_in(client, session_today, phone="347 555 0101", first_name="Olena", language="uk")
    [person] = by_name(db, "Olena")
    assert person.phone == "+393475550101" and person.preferred_language == "uk"
    assert mark_of(db, session_today, person).walk_in


def test_a_phone_that_belongs_to_a_participant_adds_that_person(
    client, login_as, tutor, session_today, create_participant, db
):
    karim = create_participant(first_name="Karim", phone="+393471114444")
    login_as(tutor)
    response = post_walk_in(
        client, session_today, phone="347 111 4444", first_name="Karim R.", language="fr"
    )
    assert response.status_code == 302
    assert by_name(db, "Karim R.") == []  # nobody new
    assert mark_of(db, session_today, karim).walk_in
    assert db.session.get(User, karim.id).preferred_language == "it"  # untouched


def test_a_phone_of_another_municipality_or_of_staff_is_refused(
    client, login_as, tutor, session_today, create_user, other_municipality, db
):
    elsewhere = create_user(
        Role.PARTICIPANT, municipality=other_municipality, phone="+393479990001"
    )
    colleague = create_user(Role.STAFF, phone="+393479990002")
    login_as(tutor)
    for person in (elsewhere, colleague):
        response = post_walk_in(client, session_today, phone=person.phone, first_name="Nuova")
        assert response.status_code == 200
        assert "Questo numero è di un altro account" in response.get_data(as_text=True)
    assert by_name(db, "Nuova") == []
    assert db.session.scalar(db.select(Attendance)) is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Scrivi il numero di telefono o, per chi non è iscritto, il nome."),
        ({"phone": "+393479990000"}, "Nessun partecipante con questo numero: scrivi il nome"),
        ({"phone": "12", "first_name": "Ada"}, "Questo numero non esiste."),
        ({"first_name": "Ada", "language": "xx"}, "Lingua"),
    ],
)
def test_what_is_missing_is_said_on_the_open_form(
    client, login_as, tutor, session_today, db, fields, message
):
    login_as(tutor)
    response = post_walk_in(client, session_today, **fields)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert '<details class="card walk-in" open>' in page  # the tutor sees it at once
    assert 'class="error-summary"' in page
    assert db.session.scalar(db.select(User).where(User.signed_up_via == "walk_in")) is None
    assert db.session.scalar(db.select(Attendance)) is None


def test_a_registration_sent_twice_registers_one_person(client, login_as, tutor, session_today, db):
    login_as(tutor)
    key = walk_in_key(client, session_today)
    first = post_walk_in(client, session_today, key=key, first_name="Samir")
    again = post_walk_in(client, session_today, key=key, first_name="Samir")
    assert first.status_code == again.status_code == 302
    assert len(by_name(db, "Samir")) == 1
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 1
    assert "erano già arrivate" in client.get(again.location).get_data(as_text=True)


def test_staff_find_the_walk_ins_to_finish(client, login_as, tutor, staff, session_today, db):
    login_as(tutor)
    post_walk_in(client, session_today, first_name="Samir")
    login_as(staff)
    pending = client.get("/staff/participants?status=pending").get_data(as_text=True)
    assert "Samir" in pending
