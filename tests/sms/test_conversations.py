from datetime import timedelta
from decimal import Decimal

import pytest

from civic_app.conversation.keywords import keyword, normalize
from civic_app.core.accounts import Consent, User
from civic_app.core.permissions import Role
from civic_app.projects.models import EnrolmentStatus, ProjectSession, Rsvp
from civic_app.sms.dispatcher import dispatch_due
from civic_app.sms.models import Direction, Message, OptOut, Question, Status
from civic_app.sms.operations import queue_sms
from civic_app.sms.templates import render_sms

PHONE = "+33612345678"


def last_reply(db, phone=PHONE):
    return db.session.scalar(
        db.select(Message)
        .where(Message.phone == phone, Message.direction == Direction.OUT)
        .order_by(Message.id.desc())
    ).body


def test_sign_up_by_sms_in_french(text, db, municipality, clock):
    text(PHONE, "Inscrire")
    assert "1 Italiano" in last_reply(db)
    text(PHONE, "3")
    assert "Comment vous appelez-vous" in last_reply(db)
    text(PHONE, "Amina Diallo")
    assert "quelle commune" in last_reply(db)
    text(PHONE, "Atlantide")
    assert "Quelle commune? 1 Roma." in last_reply(db)  # nothing near: a list to pick from
    text(PHONE, "roma")
    assert "1 Espaces verts" in last_reply(db)
    text(PHONE, "1 et 3")
    assert "année de naissance" in last_reply(db) and "PASSER" in last_reply(db)
    text(PHONE, "1990")
    confirm = last_reply(db)
    assert "Amina Diallo" in confirm and "Roma" in confirm and "OUI" in confirm
    text(PHONE, "oui")
    user = db.session.scalar(db.select(User).where(User.phone == PHONE))
    assert (user.first_name, user.last_name, user.preferred_language) == ("Amina", "Diallo", "fr")
    assert user.municipality_id == municipality.id and user.sector_codes == ["green", "safety"]
    assert user.signed_up_via == "sms" and user.pending_review and user.birth_year == 1990
    consent = db.session.scalar(
        db.select(Consent).where(Consent.user_id == user.id, Consent.purpose == "programme")
    )
    assert consent.method == "sms" and consent.text == confirm and consent.language == "fr"
    assert "Bienvenue Amina" in last_reply(db)
    # The whole exchange now belongs to the new participant, for staff to see.
    assert {m.user_id for m in db.session.scalars(db.select(Message))} == {user.id}


def test_staff_see_the_pending_sms_sign_up(text, db, municipality, client, login_as, staff):
    for body in ("JOIN", "2", "Yusuf Rahman", "Roma", "2", "skip", "yes"):
        text("+8801712345678", body)
    login_as(staff)
    page = client.get("/staff/participants?status=pending").get_data(as_text=True)
    assert "Yusuf" in page


def test_a_sign_up_can_be_cancelled_and_times_out(text, db, municipality, clock):
    text(PHONE, "iscrivi")
    text(PHONE, "1")
    clock.advance(hours=25)
    text(PHONE, "Mario Rossi")  # too late: not taken as a name, the menu comes again
    assert last_reply(db) == render_sms("signup_language", "it")
    assert db.session.scalar(db.select(User).where(User.phone == PHONE)) is None
    text(PHONE, "ISCRIVI")
    text(PHONE, "1")
    text(PHONE, "Mario")
    text(PHONE, "Roma")
    text(PHONE, "2")
    text(PHONE, "SALTA")
    text(PHONE, "no")
    assert "Iscrizione annullata" in last_reply(db)
    assert db.session.scalar(db.select(User).where(User.phone == PHONE)) is None


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("STOP", "stop"), (" stop! ", "stop"), ("Annulla", "stop"), ("arrêt", "stop"),
        ("ARRET", "stop"), ("توقف", "stop"), ("start", "start"), ("ابدأ", "start"),
        ("Aiuto", "help"), ("aide", "help"), ("مساعدة", "help"), ("ISCRIVI", "join"),
        ("Inscrire", "join"), ("اشترك", "join"), ("prossimo", "next"), ("Prochain", "next"),
        ("التالي", "next"), ("ORE", "hours"), ("heures", "hours"), ("ساعات", "hours"),
        ("sì", "yes"), ("Oui", "yes"), ("1", "yes"), ("نعم", "yes"), ("No", "no"),
        ("non grazie", None), ("No.", "no"), ("لا", "no"), ("ciao", None), ("", None),
    ],
)  # fmt: skip
def test_keywords_are_recognised_in_four_languages(body, word):
    assert keyword(body) == word


def test_normalize_drops_case_accents_and_diacritics():
    assert normalize("  ArRÊT!! ") == "arret"
    assert normalize("مُسَاعَدَة") == "مساعده" or normalize("مُسَاعَدَة") == "مساعدة"


def test_stop_is_honoured_by_our_own_list_and_start_restores(
    text, db, clock, gateway, create_participant
):
    person = create_participant(phone="+393471234567", preferred_language="it")
    text(person.phone, "ANNULLA")
    opt_out = db.session.scalar(db.select(OptOut))
    assert opt_out.active and opt_out.stop_source == "sms_keyword"
    assert opt_out.stopped_at == clock.now()
    assert "non riceverai altri SMS" in last_reply(db, person.phone)
    reminder = queue_sms(
        phone=person.phone, body="Domani", kind="reminder", now=clock.now(), user=person
    )
    news = queue_sms(phone=person.phone, body="Accettato", kind="enrolment_accepted",
                     now=clock.now(), user=person)  # fmt: skip
    db.session.commit()
    dispatch_due(gateway, clock.now())
    assert db.session.get(Message, reminder.id).status == Status.CANCELLED
    assert db.session.get(Message, news.id).status == Status.CANCELLED  # STOP stops everything
    sent = [body for _to, body, _sid in gateway.sent]
    assert any("non riceverai altri SMS" in body for body in sent)  # the confirmation goes
    clock.advance(minutes=5)
    text(person.phone, "START")
    opt_out = db.session.scalar(db.select(OptOut))
    assert not opt_out.active and opt_out.started_at == clock.now() and opt_out.start_source
    db.session.refresh(person)
    assert person.sms_opt_out_at is None


def test_next_and_hours_answer_from_the_data(
    text, db, create_participant, project, enrol, clock, create_user
):
    from civic_app.attendance.models import Attendance

    person = create_participant(phone="+393471234567", preferred_language="en")
    enrol(project, person, EnrolmentStatus.ACCEPTED)
    session = ProjectSession(
        project_id=project.id, municipality_id=project.municipality_id,
        starts_at=clock.now() + timedelta(days=1), ends_at=clock.now() + timedelta(days=1, hours=3),
        local_weekday=3,
    )  # fmt: skip
    db.session.add(session)
    db.session.flush()
    tutor = create_user(Role.TUTOR)
    db.session.add(
        Attendance(
            session_id=session.id, session_starts_at=clock.now(), project_id=project.id,
            municipality_id=project.municipality_id, participant_id=person.id, mark="present",
            hours=Decimal("2.5"), recorded_by_id=tutor.id, recorded_at=clock.now(),
        )
    )  # fmt: skip
    db.session.commit()
    text(person.phone, "NEXT")
    answer = last_reply(db, person.phone)
    assert answer.startswith("Next shift: Thu 5/03 10:00") and "Cura del parco" in answer
    text(person.phone, "hours")
    assert last_reply(db, person.phone) == "You have done 2.5 hours. Your plan is not signed yet."


def test_yes_and_no_answer_the_latest_reminder(text, db, create_participant, project, clock):
    person = create_participant(phone="+393471234567")
    session = ProjectSession(
        project_id=project.id, municipality_id=project.municipality_id,
        starts_at=clock.now() + timedelta(days=1), ends_at=clock.now() + timedelta(days=1, hours=2),
        local_weekday=3,
    )  # fmt: skip
    db.session.add(session)
    db.session.flush()
    reminder = queue_sms(phone=person.phone, body="Vieni? 1=SI 2=NO", kind="reminder",
                         now=clock.now(), user=person, subject=("session", session.id),
                         question=Question.SESSION, expires_at=session.starts_at)  # fmt: skip
    reminder.status = Status.SENT  # the question is asked once it reached the phone
    db.session.commit()
    text(person.phone, "1")
    rsvp = db.session.scalar(db.select(Rsvp))
    assert (rsvp.session_id, rsvp.coming, rsvp.source) == (session.id, True, "sms")
    text(person.phone, "No")
    assert db.session.scalar(db.select(Rsvp)).coming is False
    assert last_reply(db, person.phone) == "Grazie per averci avvisato."


def test_unknown_text_gets_help_and_lands_in_the_staff_inbox(
    text, db, create_participant, client, login_as, staff
):
    person = create_participant(phone="+393471234567", first_name="Olena")
    text(person.phone, "Domani non posso, sono malata")
    inbound = db.session.scalar(db.select(Message).where(Message.direction == Direction.IN))
    assert inbound.needs_attention and inbound.user_id == person.id
    assert "abbiamo passato il tuo messaggio" in last_reply(db, person.phone)
    login_as(staff)
    inbox = client.get("/staff/inbox").get_data(as_text=True)
    assert "Olena" in inbox and "sono malata" in inbox and "non capito" in inbox
    thread = client.get(f"/staff/inbox/{person.id}").get_data(as_text=True)
    assert "sono malata" in thread
    assert db.session.get(Message, inbound.id).read_at is not None
    response = client.post_form(f"/staff/inbox/{person.id}", {"body": "Guarisci presto!"})
    assert response.status_code == 302
    reply = db.session.scalar(db.select(Message).where(Message.kind == "staff_reply"))
    assert reply.body == "Guarisci presto!" and reply.user_id == person.id


def test_the_inbox_is_scoped_to_the_municipality(
    text, db, create_participant, client, login_as, create_user, other_municipality
):
    person = create_participant(phone="+393471234567", first_name="Olena")
    text(person.phone, "messaggio privato")
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    assert "messaggio privato" not in client.get("/staff/inbox").get_data(as_text=True)
    assert client.get(f"/staff/inbox/{person.id}").status_code == 404
    assert client.post_form(f"/staff/inbox/{person.id}", {"body": "x"}).status_code == 404
    login_as(create_user(Role.TUTOR))
    assert client.get("/staff/inbox").status_code == 403


def test_staff_confirm_an_sms_sign_up(text, db, municipality, client, login_as, staff):
    for body in ("JOIN", "2", "Yusuf", "Roma", "1", "1985", "yes"):
        text("+8801712345678", body)
    person = db.session.scalar(db.select(User).where(User.phone == "+8801712345678"))
    login_as(staff)
    assert "controlla nome e Comune" in client.get(f"/staff/participants/{person.id}").get_data(
        as_text=True
    )
    client.post_form(f"/staff/participants/{person.id}/reviewed")
    db.session.refresh(person)
    assert not person.pending_review
