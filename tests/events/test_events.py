from datetime import UTC, date, datetime, time, timedelta

import pytest

from civic_app.core.permissions import Role
from civic_app.events.models import CommunityEvent, EventAttendance, EventRsvp, EventSeries
from civic_app.events.operations import find_slots, materialize_all
from civic_app.events.reminders import sweep_events
from civic_app.projects.models import EnrolmentStatus, ProjectSession
from civic_app.sms.models import Message

# The frozen clock says 4 March 2026, 10:00 in Rome.


def event_form(venue, **overrides):
    data = {
        "title": "Festa di quartiere", "description": "Musica e cibo.", "event_type": "meeting",
        "venue_id": str(venue.id), "day": "2026-03-07", "start_time": "18:00",
        "end_time": "20:00", "capacity": "50", "languages": ["it", "ar"], "audience": "all",
    }  # fmt: skip
    return {k: v for k, v in (data | overrides).items() if v is not None}


@pytest.fixture
def venue(create_venue):
    return create_venue(name="Casa di quartiere", address="Via Pigneto 1")


def invites(db):
    return db.session.scalars(
        db.select(Message).where(Message.kind == "event_invite").order_by(Message.id)
    ).all()


def test_staff_create_an_event_and_the_invited_are_texted(
    client, login_as, staff, venue, db, clock, project, enrol, create_participant
):
    in_project, other = create_participant(), create_participant()
    enrol(project, in_project, EnrolmentStatus.ACCEPTED)
    login_as(staff)
    response = client.post_form(
        "/staff/events/new",
        event_form(venue, audience="projects", audience_projects=[str(project.id)]),
    )
    assert response.status_code == 302
    event = db.session.scalar(db.select(CommunityEvent))
    assert event.starts_at == datetime(2026, 3, 7, 17, 0, tzinfo=UTC)
    assert [m.user_id for m in invites(db)] == [in_project.id]
    assert "Festa di quartiere" in invites(db)[0].body and "1=SI" in invites(db)[0].body
    assert other.id not in {m.user_id for m in invites(db)}


def test_an_event_cannot_take_a_busy_venue(client, login_as, staff, venue, db, project, clock):
    db.session.add(ProjectSession(
        project_id=project.id, municipality_id=project.municipality_id, venue_id=venue.id,
        starts_at=datetime(2026, 3, 7, 16, 0, tzinfo=UTC),
        ends_at=datetime(2026, 3, 7, 18, 0, tzinfo=UTC),
        local_weekday=5,
    ))  # fmt: skip
    db.session.commit()
    login_as(staff)
    response = client.post_form("/staff/events/new", event_form(venue))
    assert "Il luogo è già occupato" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(CommunityEvent)) is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"capacity": "0"}, "tra 1 e 1000"),
        ({"end_time": "17:00"}, "dopo l&#39;ora di inizio"),
        ({"audience": "projects"}, "almeno un progetto"),
        ({"audience": "language"}, "la lingua del gruppo"),
        ({"event_type": "party"}, "Non è una opzione valida"),
    ],
)
def test_bad_event_input_is_explained(client, login_as, staff, venue, db, overrides, message):
    login_as(staff)
    response = client.post_form("/staff/events/new", event_form(venue, **overrides))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(CommunityEvent)) is None


def test_a_series_is_materialised_weeks_ahead_and_extended_by_the_job(
    client, login_as, staff, venue, db, clock
):
    login_as(staff)
    response = client.post_form(
        "/staff/events/series/new",
        event_form(venue, day="2026-03-05", until="2026-12-31", weekdays=["3"], interval="1"),
    )
    assert response.status_code == 302
    series = db.session.scalar(db.select(EventSeries))
    events = db.session.scalars(db.select(CommunityEvent).order_by(CommunityEvent.starts_at)).all()
    assert len(events) == 6  # Thursdays up to six weeks ahead
    assert all(e.series_id == series.id for e in events)
    assert materialize_all(date(2026, 3, 4)) == 0  # nothing new yet
    assert materialize_all(date(2026, 3, 18)) == 2
    assert db.session.scalar(db.select(db.func.count(CommunityEvent.id))) == 8


def make_event(db, venue, starts_at, **kw):
    event = CommunityEvent(
        municipality_id=venue.municipality_id, venue_id=venue.id, title="Laboratorio di cucina",
        event_type="workshop", capacity=kw.pop("capacity", 20), audience=kw.pop("audience", "all"),
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), status="scheduled", **kw,
    )  # fmt: skip
    db.session.add(event)
    db.session.commit()
    return event


def test_participants_answer_on_the_web(client, login_as, venue, db, clock, create_participant):
    event = make_event(db, venue, clock.now() + timedelta(days=3), capacity=1)
    first, second = create_participant(), create_participant()
    login_as(first)
    assert "Laboratorio di cucina" in client.get("/events").get_data(as_text=True)
    client.post_form(f"/events/{event.id}/yes")
    login_as(second)
    full = client.post_form(f"/events/{event.id}/yes", follow_redirects=True)
    assert "al completo" in full.get_data(as_text=True)
    client.post_form(f"/events/{event.id}/no")
    answers = {r.participant_id: r.coming for r in db.session.scalars(db.select(EventRsvp))}
    assert answers == {first.id: True, second.id: False}


def test_events_for_a_language_group_are_only_for_them(
    client, login_as, venue, db, clock, create_participant
):
    event = make_event(db, venue, clock.now() + timedelta(days=3), audience="language",
                       audience_language="ar")  # fmt: skip
    login_as(create_participant(preferred_language="it"))
    assert "Laboratorio di cucina" not in client.get("/events").get_data(as_text=True)
    refused = client.post_form(f"/events/{event.id}/yes", follow_redirects=True)
    assert "non è aperto a te" in refused.get_data(as_text=True)


def test_invitations_a_week_before_and_reminders_the_day_before(
    app, db, venue, clock, create_participant, text, deliver
):
    coming, declining = create_participant(), create_participant(phone="+393479990001")
    event = make_event(db, venue, clock.now() + timedelta(days=8))
    with app.test_request_context():
        assert sweep_events(clock.now())["event invitations"] == 0
        clock.advance(days=1, hours=1)
        assert sweep_events(clock.now())["event invitations"] == 2
        assert sweep_events(clock.now())["event invitations"] == 0
    db.session.commit()
    deliver()
    text(declining.phone, "2")  # NO, by SMS, to the invitation
    rsvp = db.session.scalar(db.select(EventRsvp))
    assert (rsvp.participant_id, rsvp.coming, rsvp.source) == (declining.id, False, "sms")
    clock.advance(days=6)
    with app.test_request_context():
        assert sweep_events(clock.now())["event reminders"] == 1
    reminder = db.session.scalar(db.select(Message).where(Message.kind == "event_reminder"))
    assert reminder.user_id == coming.id and event.id == reminder.subject_id


def test_find_a_time_proposes_the_slot_when_most_people_are_free(
    db, app, venue, project, create_participant, enrol, create_venue
):
    people = [create_participant() for _ in range(3)]
    for person in people:
        enrol(project, person, EnrolmentStatus.ACCEPTED)
    park = create_venue(name="Parco", address="Via Parco 2")
    # The project works at the park on 10 March 9:00-12:00 (Rome); the venue is busy 14:00-16:00.
    db.session.add(
        ProjectSession(
            project_id=project.id, municipality_id=project.municipality_id, venue_id=park.id,
            starts_at=datetime(2026, 3, 10, 8, tzinfo=UTC),
            ends_at=datetime(2026, 3, 10, 11, tzinfo=UTC), local_weekday=1,
        )
    )  # fmt: skip
    make_event(db, venue, datetime(2026, 3, 10, 13, tzinfo=UTC))
    db.session.commit()
    audience = CommunityEvent(
        municipality_id=venue.municipality_id, audience="all", audience_projects=[]
    )
    with app.test_request_context():
        slots = find_slots(
            venue.municipality_id, audience, venue=venue, first_day=date(2026, 3, 10),
            last_day=date(2026, 3, 10), minutes=120, earliest=time(9), latest=time(16), best=50,
        )  # fmt: skip
    starts = {s.starts_at: s for s in slots}
    best = slots[0]
    assert best.free == 3 and best.invited == 3
    assert best.starts_at == datetime(
        2026, 3, 10, 11, 0, tzinfo=UTC
    )  # 12:00, right after the shift
    assert starts[datetime(2026, 3, 10, 8, 0, tzinfo=UTC)].free == 0  # during the shift
    assert datetime(2026, 3, 10, 13, 0, tzinfo=UTC) not in starts  # the venue is taken


def test_find_a_time_page(client, login_as, staff, venue, db):
    login_as(staff)
    page = client.get(
        f"/staff/events/find-time?venue_id={venue.id}&first_day=2026-03-10&last_day=2026-03-11"
        "&minutes=90&audience=all"
    ).get_data(as_text=True)
    assert "Orari proposti" in page and "Scegli" in page
    bad = client.get(f"/staff/events/find-time?venue_id={venue.id}&first_day=2026-03-10"
                     "&last_day=2026-06-11&minutes=90&audience=all")  # fmt: skip
    assert bad.status_code == 200 and "al massimo un mese" in bad.get_data(as_text=True)


def test_attendance_at_an_event_is_recorded(
    client, login_as, staff, venue, db, clock, create_participant
):
    event = make_event(db, venue, clock.now() - timedelta(hours=3))
    came, stayed_home = create_participant(), create_participant()
    login_as(staff)
    client.post_form(f"/staff/events/{event.id}", {"present": [str(came.id)], "guests": "12"})
    assert [a.participant_id for a in db.session.scalars(db.select(EventAttendance))] == [came.id]
    assert db.session.get(CommunityEvent, event.id).public_guests == 12
    assert stayed_home.id not in {
        a.participant_id for a in db.session.scalars(db.select(EventAttendance))
    }


def test_events_of_another_municipality_are_not_found(
    client, login_as, venue, db, clock, create_user, other_municipality
):
    event = make_event(db, venue, clock.now() + timedelta(days=2))
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    assert client.get(f"/staff/events/{event.id}").status_code == 404
    login_as(create_user(Role.PARTICIPANT, municipality=other_municipality))
    assert client.post_form(f"/events/{event.id}/yes").status_code == 404


def test_cancelling_an_event_tells_the_invited_who_had_not_said_no(
    client, login_as, staff, venue, db, clock, create_participant
):
    yes, no, silent = create_participant(), create_participant(), create_participant()
    event = make_event(db, venue, clock.now() + timedelta(days=2))
    for person, coming in ((yes, True), (no, False)):
        db.session.add(EventRsvp(event_id=event.id, participant_id=person.id, coming=coming,
                                 municipality_id=event.municipality_id, answered_at=clock.now(),
                                 source="web"))  # fmt: skip
    db.session.commit()
    login_as(staff)
    client.post_form(f"/staff/events/{event.id}/cancel")
    assert db.session.get(CommunityEvent, event.id).status == "cancelled"
    told = {
        m.user_id
        for m in db.session.scalars(db.select(Message).where(Message.kind == "event_cancelled"))
    }
    assert told == {yes.id, silent.id}
    again = client.post_form(f"/staff/events/{event.id}/cancel", follow_redirects=True)
    assert "non si può più annullare" in again.get_data(as_text=True)
