"""Events edited and moved: who is told, once; the reminders follow the new time; a
series changed from one date on; audited; bad input explained, nothing lost."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from civic_app.core.audit import AuditEvent
from civic_app.core.permissions import Role
from civic_app.events.changes import fingerprint
from civic_app.events.models import CommunityEvent, EventRsvp, EventSeries
from civic_app.events.operations import materialize_all
from civic_app.events.reminders import sweep_events
from civic_app.sms.models import Message, Status

# The frozen clock says Wednesday 4 March 2026, 10:00 in Rome.
ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def venue(create_venue):
    return create_venue(name="Casa di quartiere", address="Via Pigneto 1")


def make_event(db, venue, starts_at, **kw):
    event = CommunityEvent(
        municipality_id=venue.municipality_id, venue_id=venue.id, title="Laboratorio di cucina",
        event_type="workshop", capacity=kw.pop("capacity", 20), audience="all",
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), status="scheduled", **kw,
    )  # fmt: skip
    db.session.add(event)
    db.session.commit()
    return event


def say(db, event, person, coming: bool, clock):
    db.session.add(EventRsvp(event_id=event.id, participant_id=person.id, coming=coming,
                             municipality_id=event.municipality_id, answered_at=clock.now(),
                             source="web"))  # fmt: skip
    db.session.commit()


def form(event, venue, **overrides):
    data = {
        "title": event.title, "description": "", "event_type": "workshop",
        "venue_id": str(venue.id), "day": "2026-03-07", "start_time": "18:00",
        "end_time": "20:00", "capacity": "20", "languages": ["it"], "audience": "all",
        "scope": "one", "seen": fingerprint(event),
    }  # fmt: skip
    return {k: v for k, v in (data | overrides).items() if v is not None}


def messages(db, kind, status=None):
    query = db.select(Message).where(Message.kind == kind).order_by(Message.id)
    if status is not None:
        query = query.where(Message.status == status)
    return db.session.scalars(query).all()


def sweep(app, clock):
    with app.test_request_context():
        counts = sweep_events(clock.now())
    app.extensions["sqlalchemy"].session.commit()
    return counts


@pytest.fixture
def saturday(db, venue):
    """An event on Saturday 7 March, 18:00-20:00 in Rome."""
    return make_event(db, venue, datetime(2026, 3, 7, 17, 0, tzinfo=UTC))


def test_a_moved_event_tells_who_said_yes_or_was_texted_once_and_reminds_at_the_new_time(
    app, client, login_as, staff, venue, saturday, db, clock, create_participant, deliver
):
    yes, no, texted, web_only = (create_participant() for _ in range(4))
    assert sweep(app, clock)["event invitations"] == 4
    deliver()
    late = create_participant()  # joined after the invitations left: not texted yet
    say(db, saturday, yes, True, clock)
    say(db, saturday, no, False, clock)
    clock.advance(days=2, hours=8)  # Friday 18:00: the reminders are due and queued...
    assert sweep(app, clock)["event reminders"] == 4  # yes, texted, web_only, late
    old_reminders = {m.id for m in messages(db, "event_reminder")}
    db.session.execute(db.delete(Message).where(Message.user_id == web_only.id))
    db.session.commit()  # (web_only never got a text: they only saw the web page)

    login_as(staff)
    moved = client.post_form(
        f"/staff/events/{saturday.id}/edit",
        form(saturday, venue, start_time="19:30", end_time="21:00", title="Cena insieme"),
    )
    assert moved.status_code == 302
    event = db.session.get(CommunityEvent, saturday.id)
    assert (event.starts_at, event.sequence) == (datetime(2026, 3, 7, 18, 30, tzinfo=UTC), 1)
    notices = messages(db, "event_changed")
    assert sorted(m.user_id for m in notices) == sorted([yes.id, texted.id])
    assert "Cena insieme" in notices[0].body and "19:30" in notices[0].body
    assert "1=SI" in notices[0].body and notices[0].urgent  # the event is tomorrow
    # The reminders for the old time never leave.
    for message in db.session.scalars(db.select(Message).where(Message.id.in_(old_reminders))):
        assert (message.status, message.error_code) == (Status.CANCELLED, "moved")

    # The reminder follows the new time: due a day before 19:30, not before 18:00; then it
    # reaches only those the notice did not reach, once.
    assert sweep(app, clock)["event reminders"] == 0
    clock.advance(minutes=90)
    counts = sweep(app, clock)
    assert counts["event reminders"] == 2 and sweep(app, clock)["event reminders"] == 0
    fresh = [m for m in messages(db, "event_reminder", Status.QUEUED)]
    assert sorted(m.user_id for m in fresh) == sorted([web_only.id, late.id])
    assert all("19:30" in m.body and "Cena insieme" in m.body for m in fresh)
    assert no.id not in {m.user_id for m in notices + fresh}

    audit = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "event.changed"))
    assert audit.target_id == event.id and audit.details["told"] == 2
    assert audit.details["fields"]["title"] == ["Laboratorio di cucina", "Cena insieme"]
    assert audit.details["fields"]["starts_at"] == [
        "2026-03-07T17:00:00+00:00", "2026-03-07T18:30:00+00:00"
    ]  # fmt: skip


def test_saving_the_same_event_again_texts_no_one_and_a_second_move_tells_again(
    app, client, login_as, staff, venue, saturday, db, clock, create_participant, deliver
):
    yes = create_participant()
    say(db, saturday, yes, True, clock)
    login_as(staff)
    client.post_form(f"/staff/events/{saturday.id}/edit", form(saturday, venue, start_time="19:00"))
    event = db.session.get(CommunityEvent, saturday.id)
    same = client.post_form(
        f"/staff/events/{saturday.id}/edit", form(event, venue, start_time="19:00"),
        follow_redirects=True,
    )  # fmt: skip
    assert "Nessuna modifica" in same.get_data(as_text=True)
    assert len(messages(db, "event_changed")) == 1
    client.post_form(f"/staff/events/{saturday.id}/edit", form(event, venue, start_time="17:00"))
    notices = messages(db, "event_changed")
    assert [m.user_id for m in notices] == [yes.id, yes.id]
    # The first notice had not left yet: it describes a time that is no more.
    assert (notices[0].status, notices[0].error_code) == (Status.CANCELLED, "moved")
    assert "17:00" in notices[1].body and notices[1].idempotency_key.endswith(f":u{yes.id}:v2")


def test_a_change_of_the_description_or_places_only_texts_no_one(
    app, client, login_as, staff, venue, saturday, db, clock, create_participant
):
    say(db, saturday, create_participant(), True, clock)
    login_as(staff)
    response = client.post_form(
        f"/staff/events/{saturday.id}/edit",
        form(saturday, venue, description="Portate un grembiule.", capacity="30"),
    )
    assert response.status_code == 302
    event = db.session.get(CommunityEvent, saturday.id)
    assert (event.description, event.capacity, event.sequence) == ("Portate un grembiule.", 30, 0)
    assert messages(db, "event_changed") == []
    audit = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "event.changed"))
    assert audit.details["fields"] == {"description": ["", "Portate un grembiule."],
                                       "capacity": [20, 30]}  # fmt: skip


def test_a_yes_by_sms_to_the_notice_answers_the_moved_event(
    app, client, login_as, staff, venue, saturday, db, clock, create_participant, deliver, text
):
    person = create_participant()
    sweep(app, clock)
    deliver()
    login_as(staff)
    client.post_form(f"/staff/events/{saturday.id}/edit", form(saturday, venue, start_time="16:00"))
    say(db, saturday, create_participant(), True, clock)
    deliver()
    text(person.phone, "2")
    rsvp = db.session.scalar(db.select(EventRsvp).where(EventRsvp.participant_id == person.id))
    assert (rsvp.event_id, rsvp.coming, rsvp.source) == (saturday.id, False, "sms")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"day": "2026-03-03"}, "un giorno che non è ancora passato"),
        ({"day": "2026-03-04", "start_time": "09:00"}, "un&#39;ora che non è ancora passata"),
        ({"end_time": "17:00"}, "dopo l&#39;ora di inizio"),
        ({"capacity": "1"}, "Hanno già detto sì 2 persone"),
        ({"capacity": "0"}, "tra 1 e 1000"),
        ({"audience": "projects"}, "almeno un progetto"),
        ({"day": "il sabato"}, "Non è una data valida"),
    ],
)
def test_bad_changes_are_explained_and_what_was_typed_stays(
    client, login_as, staff, venue, saturday, db, clock, create_participant, overrides, message
):
    for _ in range(2):
        say(db, saturday, create_participant(), True, clock)
    login_as(staff)
    url = f"/staff/events/{saturday.id}/edit"
    response = client.post_form(url, form(saturday, venue, title="Nuovo titolo", **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page and 'value="Nuovo titolo"' in page
    event = db.session.get(CommunityEvent, saturday.id)
    assert (event.title, event.sequence) == ("Laboratorio di cucina", 0)
    assert messages(db, "event_changed") == []


def test_a_busy_venue_started_or_cancelled_event_and_another_municipality_are_refused(
    client, login_as, staff, venue, saturday, db, clock, create_user, other_municipality
):
    make_event(db, venue, datetime(2026, 3, 8, 17, 0, tzinfo=UTC))
    login_as(staff)
    url = f"/staff/events/{saturday.id}/edit"
    busy = client.post_form(url, form(saturday, venue, day="2026-03-08"))
    assert "Il luogo è già occupato" in busy.get_data(as_text=True)
    saturday.status = "cancelled"
    db.session.commit()
    late = client.post_form(url, form(saturday, venue))
    assert "non si può più modificare" in late.get_data(as_text=True)
    opened = client.get(f"/staff/events/{saturday.id}/edit").get_data(as_text=True)
    assert "non si può più modificare" in opened and 'name="title"' not in opened
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    assert client.get(url).status_code == 404
    assert client.post_form(url, form(saturday, venue)).status_code == 404


def test_a_page_opened_before_a_change_made_elsewhere_says_so_and_keeps_the_input(
    client, login_as, staff, venue, saturday, db, clock
):
    login_as(staff)
    page_seen = fingerprint(saturday)
    client.post_form(f"/staff/events/{saturday.id}/edit", form(saturday, venue, start_time="19:00"))
    stale = client.post_form(
        f"/staff/events/{saturday.id}/edit",
        form(saturday, venue, seen=page_seen, title="Il mio titolo", start_time="16:00"),
    )
    page = stale.get_data(as_text=True)
    assert stale.status_code == 200 and "Nel frattempo qualcuno ha cambiato" in page
    assert 'value="Il mio titolo"' in page and "19:00" in page  # the event as it is now
    event = db.session.get(CommunityEvent, saturday.id)
    assert event.title == "Laboratorio di cucina"
    confirmed = client.post_form(
        f"/staff/events/{saturday.id}/edit",
        form(event, venue, title="Il mio titolo", start_time="16:00"),
    )
    assert confirmed.status_code == 302
    assert db.session.get(CommunityEvent, saturday.id).title == "Il mio titolo"


def test_the_edit_page_shows_the_event_as_it_is(client, login_as, staff, venue, saturday, clock):
    login_as(staff)
    page = client.get(f"/staff/events/{saturday.id}/edit").get_data(as_text=True)
    assert 'value="Laboratorio di cucina"' in page and 'value="18:00"' in page
    assert 'value="2026-03-07"' in page and "Quali eventi cambiare" not in page
    assert f'href="/staff/events/{saturday.id}/edit"' in client.get(
        f"/staff/events/{saturday.id}"
    ).get_data(as_text=True)


def series_form(venue):
    return {
        "title": "Cucito", "description": "", "event_type": "workshop",
        "venue_id": str(venue.id), "day": "2026-03-05", "until": "2026-12-31",
        "weekdays": ["3"], "interval": "1", "start_time": "18:00", "end_time": "20:00",
        "capacity": "20", "languages": ["it"], "audience": "all",
    }  # fmt: skip


def test_a_series_changed_from_one_date_on(
    app, client, login_as, staff, venue, db, clock, create_participant, deliver
):
    login_as(staff)
    client.post_form("/staff/events/series/new", series_form(venue))
    events = db.session.scalars(db.select(CommunityEvent).order_by(CommunityEvent.starts_at)).all()
    assert len(events) == 6  # Thursdays 5 March to 9 April
    fan, other = create_participant(), create_participant()
    for event in (events[2], events[4]):
        say(db, event, fan, True, clock)
    say(db, events[1], other, True, clock)
    third = events[2]
    page = client.get(f"/staff/events/{third.id}/edit").get_data(as_text=True)
    assert "Quali eventi cambiare" in page

    response = client.post_form(
        f"/staff/events/{third.id}/edit",
        form(third, venue, day="2026-03-19", start_time="17:00", end_time="19:30",
             title="Cucito e ricamo", scope="following"),
        follow_redirects=True,
    )  # fmt: skip
    assert "4 eventi della serie modificati: 1 persone avvisate" in response.get_data(as_text=True)
    local = [
        (e.title, e.starts_at.astimezone(ROME).strftime("%H:%M"), e.ends_at - e.starts_at)
        for e in db.session.scalars(db.select(CommunityEvent).order_by(CommunityEvent.starts_at))
    ]
    assert local[:2] == [("Cucito", "18:00", timedelta(hours=2))] * 2  # as they were
    # 17:00 in Rome on each one's day, before and after the change to summer time (29 March)
    assert local[2:] == [("Cucito e ricamo", "17:00", timedelta(hours=2, minutes=30))] * 4
    # One notice to the person who said YES to two of the changed events, none to the other.
    notices = messages(db, "event_series_changed")
    assert [(m.user_id, m.subject_id) for m in notices] == [(fan.id, third.id)]
    assert "Cucito e ricamo" in notices[0].body and "17:00" in notices[0].body
    # The series makes its next events as changed (the clock moves into late March).
    series = db.session.scalar(db.select(EventSeries))
    assert (series.title, series.first_start, series.duration_minutes) == (
        "Cucito e ricamo", "2026-03-05T17:00", 150
    )  # fmt: skip
    assert materialize_all(datetime(2026, 3, 18).date()) == 2
    db.session.commit()
    newest = db.session.scalars(
        db.select(CommunityEvent).order_by(CommunityEvent.starts_at.desc())
    ).first()
    assert (newest.title, newest.starts_at) == (
        "Cucito e ricamo", datetime(2026, 4, 23, 15, 0, tzinfo=UTC)
    )  # 17:00 in Rome, summer time  # fmt: skip
    audit = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "event.series_changed")
    )
    assert audit.details["events"] == 4 and audit.details["series_id"] == series.id


def test_a_series_cannot_change_day_from_one_date_on(client, login_as, staff, venue, db, clock):
    login_as(staff)
    client.post_form("/staff/events/series/new", series_form(venue))
    third = db.session.scalars(db.select(CommunityEvent).order_by(CommunityEvent.starts_at)).all()[
        2
    ]
    refused = client.post_form(
        f"/staff/events/{third.id}/edit",
        form(third, venue, day="2026-03-20", title="Cucito", scope="following"),
    )
    assert "Il giorno si cambia un evento alla volta" in refused.get_data(as_text=True)
    assert db.session.get(CommunityEvent, third.id).starts_at.day == 19


def test_a_reminder_queued_for_the_old_time_by_a_sweep_that_raced_the_change_never_leaves(
    app, client, login_as, staff, venue, saturday, db, clock, create_participant, deliver, gateway
):
    person = create_participant()
    clock.advance(days=2, hours=8)  # Friday 18:00: the reminder is due
    login_as(staff)
    moved = form(saturday, venue, start_time="21:00", end_time="22:30")
    assert client.post_form(f"/staff/events/{saturday.id}/edit", moved).status_code == 302
    # What a sweep that read the event a moment before the change would have committed:
    with app.test_request_context():
        from civic_app.sms.operations import queue_many

        queue_many([{"phone": person.phone, "body": "civic_app: domani 18:00 ...",
                     "kind": "event_reminder", "user_id": person.id,
                     "idempotency_key": f"event-reminder:e{saturday.id}:u{person.id}",
                     "municipality_id": saturday.municipality_id,
                     "subject": ("event", saturday.id)}], clock.now())  # fmt: skip
    db.session.commit()
    assert sweep(app, clock)["event texts outdated"] == 1
    deliver()
    assert not any("18:00" in body for _to, body, _sid in gateway.sent)
    stale = db.session.scalar(
        db.select(Message).where(Message.idempotency_key.endswith(f"u{person.id}"))
    )
    assert (stale.status, stale.error_code) == (Status.CANCELLED, "moved")


def test_a_cancelled_event_withdraws_its_waiting_reminders(
    app, client, login_as, staff, venue, saturday, db, clock, create_participant
):
    person = create_participant()
    clock.advance(days=2, hours=8)
    sweep(app, clock)
    (reminder,) = messages(db, "event_reminder")
    assert reminder.status == Status.QUEUED
    login_as(staff)
    client.post_form(f"/staff/events/{saturday.id}/cancel")
    db.session.refresh(reminder)
    assert (reminder.status, reminder.error_code) == (Status.CANCELLED, "moved")
    assert [m.user_id for m in messages(db, "event_cancelled")] == [person.id]
