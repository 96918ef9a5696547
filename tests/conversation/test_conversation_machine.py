"""The whole conversation engine as a state machine (hypothesis): random sequences of
reminders, offers, replies in the eight languages (digits of other scripts, sentences,
STOP/START), staff decisions, sessions moved or cancelled, and a clock that crosses the
quiet hours and midnight. After every step:

- nobody expected at a session beyond its places;
- nothing sent in the quiet hours but login codes and direct replies;
- no reminder sent once its session began;
- every inbound message gets exactly one reply (after STOP: the first one learns how to
  come back, the next ones get silence);
- an RSVP is only ever written for the session the person was asked about.

`make test` runs a bounded number of examples; `HYPOTHESIS_PROFILE=nightly` many more
(README, "Test it").
"""

import os
from datetime import UTC, datetime, time, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from civic_app.conversation.keywords import keyword
from civic_app.core.errors import DomainError
from civic_app.core.timeutil import to_local
from civic_app.extensions import limiter
from civic_app.plans.reminders import sweep
from civic_app.projects.enrolments import decide_enrolment, expected_ids
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    ProjectStatus,
    Rsvp,
    Sector,
    SessionOffer,
    SessionStatus,
)
from civic_app.projects.offers import expire_offers
from civic_app.projects.operations import cancel_session, move_session
from civic_app.sms.models import LEFT_THE_OUTBOX, Direction, Message, Question

settings.register_profile(
    "conversations",
    max_examples=40,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "nightly",
    max_examples=150,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
PROFILE = settings.get_profile(
    "nightly" if os.environ.get("HYPOTHESIS_PROFILE") == "nightly" else "conversations"
)

LANGUAGES = ["it", "en", "fr", "ar", "es", "bn", "ur", "uk"]
TEXTS = [
    # yes / no, in words and in digits of several scripts
    "1", "2", "١", "٢", "১", "২", "۱", "۲", "si", "SÌ", "yes", "Oui", "نعم", "так", "হ্যাঁ",
    "no", "NON", "لا", "ні", "না", "نہیں",
    # the choice after "which one?" (and a 3 that answers nothing)
    "1", "2", "3", "٣",
    # keywords
    "STOP", "annulla", "توقف", "стоп", "START", "شروع", "PROSSIMO", "next", "ORE", "aiuto",
    "JOIN",
    # sentences: never keywords
    "Cancel my shift tomorrow", "No problem, I will come", "Annulla il turno di domani",
    "Stop by the office later?", "Ore 9?", "ok grazie", "نعم سآتي",
]  # fmt: skip
#: Texts written to staff or to the person (not asked for by a message just received).
DIRECT_REPLIES = {"reply", "stop_confirmation", "stopped_info", "login_code"}


def quiet(moment: datetime) -> bool:
    local = to_local(moment).time()
    return local >= time(21) or local < time(8)


class Conversations(RuleBasedStateMachine):
    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.db = ctx["db"]
        self.clock = ctx["clock"]
        # Each example runs inside a savepoint of the test's transaction, rolled back in
        # teardown: every example starts from the same database and the same moment, so
        # hypothesis can replay and shrink what it finds.
        self.db.session.remove()
        self.savepoint = self.db.session.get_bind().begin_nested()
        self.clock.at = datetime(2026, 4, 1, 7, 0, tzinfo=UTC)
        self.n = 1
        limiter.reset()  # each example is a fresh day for the webhook's rate limit too
        self.people = []
        self.sessions = []
        self.stopped: dict[str, bool] = {}
        self.told: dict[str, bool] = {}

    @initialize(
        languages=st.lists(st.sampled_from(LANGUAGES), min_size=5, max_size=5),
        first_hour=st.integers(min_value=3, max_value=20),  # UTC: 05:00 to 22:00 in Rome
    )
    def setup(self, languages, first_hour):
        db, ctx = self.db, self.ctx
        municipality = ctx["create_municipality"](slug=f"m-{self.n}", name=f"Comune {self.n}")
        self.staff = ctx["create_user"](ctx["Role"].STAFF, municipality=municipality)
        project = Project(
            municipality_id=municipality.id, title="Cura del parco", description="-",
            sector=Sector.GREEN, status=ProjectStatus.PUBLISHED, capacity=3,
            start_date=datetime(2026, 1, 1).date(), end_date=datetime(2027, 12, 31).date(),
        )  # fmt: skip
        db.session.add(project)
        db.session.commit()
        self.project = project
        statuses = [EnrolmentStatus.ACCEPTED, EnrolmentStatus.ACCEPTED, EnrolmentStatus.APPLIED,
                    EnrolmentStatus.WAITLISTED, EnrolmentStatus.WAITLISTED]  # fmt: skip
        for i, (language, status) in enumerate(zip(languages, statuses, strict=True)):
            person = ctx["create_participant"](
                municipality=municipality,
                phone=f"+3934{self.n % 100:02d}{i:06d}",
                preferred_language=language,
            )
            db.session.add(
                Enrolment(project_id=project.id, participant_id=person.id, status=status,
                          municipality_id=municipality.id,
                          requested_at=self.clock.now() - timedelta(days=30 - i))
            )  # fmt: skip
            self.people.append(person)
        day = to_local(self.clock.now()).date() + timedelta(days=1)
        for offset, hour in ((0, first_hour), (1, (first_hour + 5) % 24)):
            starts_at = datetime.combine(day + timedelta(days=offset), time(hour), tzinfo=UTC)
            session = ProjectSession(
                project_id=project.id, municipality_id=municipality.id, starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2), local_weekday=0,
            )  # fmt: skip
            db.session.add(session)
            self.sessions.append(session)
        db.session.commit()

    def teardown(self):
        self.db.session.remove()
        self.savepoint.rollback()

    def _attempt(self, change) -> None:
        """Run a staff change in a transaction of its own: what it refuses undoes only it."""
        self.db.session.commit()  # end what the invariants read: a rollback goes back to here
        try:
            with self.ctx["app"].test_request_context():
                change()
            self.db.session.commit()
        except DomainError:
            self.db.session.rollback()

    # -- what happens ------------------------------------------------------------------

    @rule()
    def scheduler_runs(self):
        with self.ctx["app"].test_request_context():
            sweep(self.clock.now())
            expire_offers(self.clock.now())
        self.db.session.commit()
        self.ctx["deliver"]()

    @rule()
    def dispatcher_runs(self):
        self.ctx["deliver"]()

    @rule(minutes=st.integers(min_value=1, max_value=600))
    def time_passes(self, minutes):
        self.clock.advance(minutes=minutes)

    @rule(who=st.integers(min_value=0, max_value=4), body=st.sampled_from(TEXTS))
    def a_person_texts(self, who, body):
        phone = self.people[who].phone
        word = keyword(body)
        was_stopped = self.stopped.get(phone, False)
        before = self._inbound_ids(phone)
        self.ctx["text"](phone, body)
        [inbound] = self._inbound_ids(phone) - before
        if word == "stop":
            expected = 1  # the confirmation; the next message learns how to come back
            self.stopped[phone], self.told[phone] = True, False
        elif word == "start":
            expected = 1
            self.stopped[phone] = False
        elif was_stopped:
            expected = 0 if self.told.get(phone) else 1
            self.told[phone] = True
        else:
            expected = 1
        assert self._replies_to(inbound) == expected, (body, expected)

    @rule(accept=st.booleans())
    def staff_decide_a_request(self, accept):
        waiting = self.db.session.scalar(
            self.db.select(Enrolment).where(
                Enrolment.project_id == self.project.id,
                Enrolment.status.in_((EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED)),
            )
        )
        if waiting is None:
            return
        decision = EnrolmentStatus.ACCEPTED if accept else EnrolmentStatus.DECLINED
        self._attempt(lambda: decide_enrolment(waiting, decision, self.staff, self.clock.now()))

    @rule(which=st.integers(min_value=0, max_value=1), hours=st.integers(min_value=1, max_value=40))
    def staff_move_a_session(self, which, hours):
        session = self.sessions[which]
        starts_at = self.clock.now() + timedelta(hours=hours)
        local = to_local(starts_at)
        start = local.time().replace(second=0, microsecond=0)
        end = (local + timedelta(hours=2)).time().replace(second=0, microsecond=0)
        self._attempt(lambda: move_session(session, local.date(), start, end))

    @rule(which=st.integers(min_value=0, max_value=1))
    def staff_cancel_a_session(self, which):
        self._attempt(lambda: cancel_session(self.sessions[which]))

    # -- what must hold ----------------------------------------------------------------

    @invariant()
    def nobody_beyond_the_places(self):
        for session in self.sessions:
            self.db.session.refresh(session)
            applied = self.db.session.scalar(
                self.db.select(self.db.func.count(Enrolment.id)).where(
                    Enrolment.project_id == self.project.id,
                    Enrolment.status == EnrolmentStatus.APPLIED,
                )
            )
            assert len(expected_ids(session)) + applied <= self.project.capacity

    @invariant()
    def nothing_at_night_but_codes_and_replies(self):
        for message in self._out():
            if message.sent_at is not None and quiet(message.sent_at):
                assert message.kind in DIRECT_REPLIES, (message.kind, message.sent_at)

    @invariant()
    def no_reminder_once_its_session_began(self):
        for message in self._out():
            if message.kind == "reminder" and message.sent_at is not None:
                session = self.db.session.get(ProjectSession, message.subject_id)
                if session.status == SessionStatus.SCHEDULED:
                    assert message.sent_at < session.starts_at

    @invariant()
    def an_rsvp_only_for_the_session_asked_about(self):
        ids = [p.id for p in self.people]
        for rsvp in self.db.session.scalars(
            self.db.select(Rsvp).where(Rsvp.participant_id.in_(ids), Rsvp.source == "sms")
        ):
            phone = next(p.phone for p in self.people if p.id == rsvp.participant_id)
            asked = self.db.session.execute(
                self.db.select(Message.question, Message.subject_id).where(
                    Message.phone == phone,
                    Message.question.is_not(None),
                    Message.status.in_(LEFT_THE_OUTBOX),
                )
            ).all()
            sessions = {s for q, s in asked if q == Question.SESSION}
            offers = {s for q, s in asked if q == Question.OFFER}
            offered_sessions = {
                self.db.session.get(SessionOffer, offer_id).session_id for offer_id in offers
            }
            assert rsvp.session_id in sessions | offered_sessions

    # -- reading -----------------------------------------------------------------------

    def _out(self):
        phones = [p.phone for p in self.people]
        return self.db.session.scalars(
            self.db.select(Message).where(
                Message.phone.in_(phones), Message.direction == Direction.OUT
            )
        ).all()

    def _inbound_ids(self, phone) -> set[int]:
        return set(
            self.db.session.scalars(
                self.db.select(Message.id).where(
                    Message.phone == phone, Message.direction == Direction.IN
                )
            )
        )

    def _replies_to(self, inbound_id: int) -> int:
        return self.db.session.scalar(
            self.db.select(self.db.func.count(Message.id)).where(
                Message.idempotency_key.like(f"reply:{inbound_id}:%")
            )
        )


def test_the_conversation_engine_keeps_its_promises(
    app, db, clock, text, deliver, create_municipality, create_user, create_participant
):
    from hypothesis.stateful import run_state_machine_as_test

    from civic_app.core.permissions import Role

    ctx = {
        "app": app, "db": db, "clock": clock, "text": text, "deliver": deliver,
        "create_municipality": create_municipality, "create_user": create_user,
        "create_participant": create_participant, "Role": Role,
    }  # fmt: skip
    run_state_machine_as_test(lambda: Conversations(ctx), settings=PROFILE)
