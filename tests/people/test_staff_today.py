"""Staff land on what needs them today: counts, the oldest, links, their municipality only."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from civic_app.attendance.models import Attendance, Mark
from civic_app.core.permissions import Role
from civic_app.people.models import ErasureRequest
from civic_app.plans.models import Plan, PlanSignature, PlanStatus
from civic_app.projects.models import EnrolmentStatus
from civic_app.sms.models import Direction, Message, Status

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # the frozen clock: Wednesday, 10:00 in Rome


@pytest.fixture
def town(db, clock, create_user, create_project, add_session, enrol, municipality):
    """A municipality's records that wait for staff, and helpers to add more of each."""

    class Town:
        def __init__(self, municipality, project_title="Cura del parco"):
            self.municipality = municipality
            self.staff = create_user(Role.STAFF, municipality=municipality)
            self.project = create_project(municipality_id=municipality.id, title=project_title)

        def person(self, **kw):
            return create_user(Role.PARTICIPANT, municipality=self.municipality, **kw)

        def request(self, days_ago: int, project=None):
            return enrol(project or self.project, self.person(), EnrolmentStatus.APPLIED,
                         at=NOW - timedelta(days=days_ago))  # fmt: skip

        def text_in(self, person, days_ago: int = 0, read: bool = False):
            db.session.add(
                Message(municipality_id=self.municipality.id, user_id=person.id,
                        direction=Direction.IN, phone=person.phone, body="una domanda",
                        kind="inbound", status=Status.RECEIVED,
                        created_at=NOW - timedelta(days=days_ago),
                        read_at=NOW if read else None)
            )  # fmt: skip
            db.session.commit()

        def session(self, starts_at, marked=False):
            session = add_session(self.project, starts_at)
            if marked:
                person = self.person()
                db.session.add(
                    Attendance(municipality_id=self.municipality.id, session_id=session.id,
                               session_starts_at=session.starts_at, project_id=self.project.id,
                               participant_id=person.id, mark=Mark.PRESENT, hours=Decimal(3),
                               recorded_by_id=self.staff.id, recorded_at=NOW)
                )  # fmt: skip
                db.session.commit()
            return session

        def plan(self, participant_signed_days_ago=None, staff_signed=False, version=1):
            person = self.person(first_name="Amal", last_name="Plan")
            plan = Plan(municipality_id=self.municipality.id, participant_id=person.id,
                        goals="g", target_hours=Decimal(40), start_date=NOW.date(),
                        end_date=NOW.date(), status=PlanStatus.DRAFT, version=version)  # fmt: skip
            db.session.add(plan)
            db.session.flush()
            if participant_signed_days_ago is not None:
                self._sign(plan, person, "participant", participant_signed_days_ago)
            if staff_signed:
                self._sign(plan, self.staff, "staff", 0)
            db.session.commit()
            return plan

        def _sign(self, plan, signer, role, days_ago, version=None):
            db.session.add(
                PlanSignature(plan_id=plan.id, version=version or plan.version,
                              content_hash="0" * 64, signer_id=signer.id, signer_role=role,
                              method="sms_code", signed_at=NOW - timedelta(days=days_ago))
            )  # fmt: skip

        def erasure(self, days_ago: int, processed=False):
            person = self.person()
            db.session.add(
                ErasureRequest(user_id=person.id, municipality_id=self.municipality.id,
                               requested_at=NOW - timedelta(days=days_ago),
                               processed_at=NOW if processed else None)
            )  # fmt: skip
            db.session.commit()

    return Town(municipality)


@pytest.fixture
def other_town(town, other_municipality, create_user, create_project, db):
    return type(town)(other_municipality, project_title="Progetto di Milano")


def page_of(client, login_as, staff) -> str:
    login_as(staff)
    response = client.get("/staff/today")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def item(page: str, key: str) -> str:
    """The card of one item (empty when it is not shown)."""
    marker = f'id="today-{key}"'
    if marker not in page:
        return ""
    return page.split(marker, 1)[1].split('class="card', 1)[0].split("</section>", 1)[0]


def test_the_home_page_sends_staff_to_today(client, login_as, town):
    login_as(town.staff)
    response = client.get("/")
    assert response.status_code == 302 and response.location == "/staff/today"


def test_join_requests_are_counted_per_project_with_the_oldest(
    client, login_as, town, create_project, db
):
    town.request(days_ago=2)
    town.request(days_ago=92)  # 2 December 2025
    other_project = create_project(title="Sportello anziani")
    town.request(days_ago=5, project=other_project)
    town.request(days_ago=1).status = EnrolmentStatus.ACCEPTED  # decided: not pending
    db.session.commit()
    page = page_of(client, login_as, town.staff)
    card = item(page, "requests")
    assert "3 richieste di adesione, la più vecchia del 2 dicembre 2025" in card
    assert f'href="/staff/projects/{town.project.id}/requests"' in card
    assert f'href="/staff/projects/{other_project.id}/requests"' in card
    assert "2 da decidere" in card and "1 da decidere" in card
    # The project with the oldest request comes first.
    assert card.index("Cura del parco") < card.index("Sportello anziani")


def test_another_municipalitys_records_never_show(client, login_as, town, other_town, clock):
    other_town.request(days_ago=40)
    other_town.text_in(other_town.person())
    other_town.session(NOW - timedelta(hours=1))
    other_town.plan(participant_signed_days_ago=1)
    other_town.erasure(days_ago=3)
    page = page_of(client, login_as, town.staff)
    assert 'id="today-nothing"' in page
    assert "Progetto di Milano" not in page and "Amal" not in page
    assert f"/staff/projects/{other_town.project.id}/" not in page
    # ... and for Milano's staff each of them does.
    theirs = page_of(client, login_as, other_town.staff)
    for key in ("requests", "inbox", "sessions", "countersign", "erasures"):
        assert item(theirs, key), key
    assert "Progetto di Milano" in theirs


def test_unread_conversations_count_people_not_texts(client, login_as, town):
    first, second, done = town.person(), town.person(), town.person()
    town.text_in(first, days_ago=6)  # 26 February
    town.text_in(first, days_ago=1)
    town.text_in(second)
    town.text_in(done, days_ago=30, read=True)
    card = item(page_of(client, login_as, town.staff), "inbox")
    assert "2 conversazioni da leggere, la più vecchia del 26 febbraio" in card
    assert 'href="/staff/inbox"' in card


def test_todays_sessions_without_marks_link_to_their_roster(client, login_as, town):
    started = town.session(NOW - timedelta(hours=1))  # 09:00 in Rome
    later = town.session(NOW + timedelta(hours=5))  # 15:00
    town.session(NOW - timedelta(hours=2), marked=True)
    town.session(NOW + timedelta(days=1))  # tomorrow
    town.session(NOW - timedelta(days=1))  # yesterday
    card = item(page_of(client, login_as, town.staff), "sessions")
    assert "2 turni di oggi senza presenze" in card
    assert f'href="/tutor/sessions/{started.id}"' in card
    assert f'href="/tutor/sessions/{later.id}"' in card
    assert card.index("09:00") < card.index("15:00")
    assert "da segnare" in card and "non ancora cominciato" in card


def test_plans_waiting_for_the_staff_signature(client, login_as, town):
    waiting = town.plan(participant_signed_days_ago=4)  # 28 February
    town.plan(participant_signed_days_ago=2, staff_signed=True)  # both signed
    town.plan()  # nobody signed yet: waits for the participant
    old = town.plan(version=2)
    town._sign(old, old.participant, "participant", 1, version=1)  # an older version
    card = item(page_of(client, login_as, town.staff), "countersign")
    assert "1 piano da controfirmare, in attesa dal 28 febbraio" in card
    assert f'href="/staff/plans/{waiting.id}"' in card
    assert f'href="/staff/plans/{old.id}"' not in card


def test_erasure_requests_and_participants_at_risk(client, login_as, town, enrol, db):
    town.erasure(days_ago=10)  # 22 February
    town.erasure(days_ago=1)
    town.erasure(days_ago=30, processed=True)
    quiet = town.person()
    enrol(town.project, quiet, EnrolmentStatus.ACCEPTED, at=NOW - timedelta(days=40))
    page = page_of(client, login_as, town.staff)
    card = item(page, "erasures")
    assert "2 richieste di cancellazione dei dati, la più vecchia del 22 febbraio" in card
    assert 'href="/staff/erasures"' in card
    risk = item(page, "at-risk")
    assert "1 partecipante a rischio di abbandono" in risk
    assert 'href="/staff/at-risk"' in risk
    assert "Nessuna presenza da 14 giorni: 1" in risk


def test_nothing_to_do_is_said_kindly_with_the_usual_links(client, login_as, town):
    page = page_of(client, login_as, town.staff)
    assert "Oggi non c’è niente che ti aspetta." in page
    assert 'class="cards today-list"' not in page
    for href in ("/staff/projects", "/staff/participants", "/staff/inbox", "/staff/reports"):
        assert f'href="{href}"' in page


def test_no_personal_data_in_the_links(client, login_as, town):
    person = town.person(first_name="Zaynab", phone="+393471234567")
    town.text_in(person)
    town.plan(participant_signed_days_ago=1)
    page = page_of(client, login_as, town.staff)
    hrefs = [part.split('"', 1)[0] for part in page.split('href="')[1:]]
    assert all("Zaynab" not in h and "3471234567" not in h and "Amal" not in h for h in hrefs)


def fill(town, create_project, n: int):
    for k in range(n):
        project = create_project(title=f"Progetto {k}")
        town.request(days_ago=k + 1, project=project)
        town.text_in(town.person(), days_ago=k)
        town.session(NOW - timedelta(minutes=10 * (k + 1)))
        town.plan(participant_signed_days_ago=k)
        town.erasure(days_ago=k)


def test_the_page_runs_as_many_statements_with_ten_times_the_data(
    client, login_as, town, create_project, statements
):
    login_as(town.staff)
    fill(town, create_project, 1)
    with statements() as small:
        assert client.get("/staff/today").status_code == 200
    fill(town, create_project, 10)
    with statements() as large:
        page = client.get("/staff/today").get_data(as_text=True)
    assert "11 richieste di adesione" in page
    assert "11 piani da controfirmare, il più vecchio del" in page
    assert len(large) == len(small), "\n".join(s.split("WHERE")[0][:80] for s in large)
    # The logged-in user, the six items in seven statements (at-risk takes two), and the
    # municipality's name in the page: nine, whatever the size.
    assert len(small) == 9, "\n".join(s.split("WHERE")[0][:80] for s in small)
