"""What each role sees first, in Chromium: staff, tutor and participant land (at `/`) on
their page, at phone (360x740) and desktop (1280x900) width, in it, ar, en and fr.

Each page shows its key items, the Arabic one is right to left, axe-core finds nothing
serious or critical, and a screenshot is saved as `landing-<role>-<lang>-<width>.png`.

The live app's clock is frozen at 10:30 in Rome on the day the tests run, so that a
session of the tutor's began this morning; the demo data (`flask seed demo`) has the
participant's next shift tomorrow, and this module adds what waits for staff today.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from civic_app.core.accounts import User
from civic_app.core.clock import FrozenClock
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.core.timeutil import local_to_utc, to_local
from civic_app.extensions import db
from civic_app.people.models import ErasureRequest
from civic_app.plans.models import Plan, PlanSignature
from civic_app.plans.operations import content_hash
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    project_tutor,
)
from civic_app.sms.models import Direction, Message, Status
from tests.e2e.pages import (
    AXE_SCRIPT,
    TUTOR_EMAIL,
    add_participant_with_draft_plan,
    choose_language,
    live_site,
    log_in,
    seed_world,
    serious_violations,
)

LANGUAGES = ("it", "ar", "en", "fr")
SIZES = ("phone", "desktop")
WIDTH = {"phone": 360, "desktop": 1280}
#: Where `/` sends each role.
LANDING = {"staff": "/staff/today", "tutor": "/tutor", "participant": "/me"}


def add_what_waits_for_staff(app) -> dict:
    """In Roma: a session of the tutor's that began this morning, a request to join, an
    unread text, a plan the participant signed, an erasure request, someone at risk."""
    ids = add_participant_with_draft_plan(app, phone="+393479990055")
    with app.app_context():
        now = app.extensions["civic_clock"].now()
        roma = db.session.scalar(db.select(Municipality).where(Municipality.slug == "roma"))
        tutor = db.session.scalar(db.select(User).where(User.email == TUTOR_EMAIL))
        project = db.session.scalar(
            db.select(Project)
            .join(project_tutor, project_tutor.c.project_id == Project.id)
            .where(project_tutor.c.user_id == tutor.id)
            .order_by(Project.id)
        )
        starts = now - timedelta(hours=1)
        session = ProjectSession(
            project_id=project.id, municipality_id=roma.id, starts_at=starts,
            ends_at=starts + timedelta(hours=3), local_weekday=to_local(starts).weekday(),
        )  # fmt: skip
        db.session.add(session)
        person = db.session.get(User, ids["participant"])
        db.session.add(
            Enrolment(project_id=project.id, participant_id=person.id, municipality_id=roma.id,
                      status=EnrolmentStatus.APPLIED, requested_at=now - timedelta(days=3))
        )  # fmt: skip
        db.session.add(
            Message(municipality_id=roma.id, user_id=person.id, direction=Direction.IN,
                    phone=person.phone, body="Posso venire con mia sorella?", kind="inbound",
                    status=Status.RECEIVED, created_at=now - timedelta(hours=20))
        )  # fmt: skip
        plan = db.session.get(Plan, ids["plan"])
        db.session.add(
            PlanSignature(plan_id=plan.id, version=plan.version, content_hash=content_hash(plan),
                          signer_id=person.id, signer_role="participant", method="sms_code",
                          signed_at=now - timedelta(days=1))
        )  # fmt: skip
        leaving = User(
            role=Role.PARTICIPANT, municipality=roma, first_name="Omar", last_name="Leaving",
            phone="+393479990056", preferred_language="it",
        )  # fmt: skip
        db.session.add(leaving)
        db.session.flush()
        db.session.add(
            ErasureRequest(user_id=leaving.id, municipality_id=roma.id,
                           requested_at=now - timedelta(days=2))
        )  # fmt: skip
        # At risk: accepted 40 days ago, never came.
        quiet = User(
            role=Role.PARTICIPANT, municipality=roma, first_name="Samir", last_name="Quiet",
            phone="+393479990057", preferred_language="it",
        )  # fmt: skip
        db.session.add(quiet)
        db.session.flush()
        db.session.add(
            Enrolment(project_id=project.id, participant_id=quiet.id, municipality_id=roma.id,
                      status=EnrolmentStatus.ACCEPTED, requested_at=now - timedelta(days=40),
                      decided_at=now - timedelta(days=40))
        )  # fmt: skip
        db.session.commit()
        result = {"session": session.id, "project": project.id, "plan": plan.id}
        db.session.remove()
        return result


@pytest.fixture(scope="module")
def landing_site(tmp_path_factory):
    """One server for the module, its clock at 10:30 in Rome today, seeded once."""
    with live_site(tmp_path_factory.mktemp("landing")) as app:
        with app.app_context():
            today = to_local(datetime.now(UTC)).date()
            app.extensions["civic_clock"] = FrozenClock(local_to_utc(today, time(10, 30)))
        world = seed_world(app)
        world.ids |= {f"landing_{k}": v for k, v in add_what_waits_for_staff(app).items()}
        yield app, world


@pytest.fixture
def live_app(landing_site, own_session):
    return landing_site[0]


@pytest.fixture
def world(landing_site, own_session):
    return landing_site[1]


def key_items(page, role: str, world) -> None:
    """The items each role must see first."""
    main = page.locator("main")
    if role == "staff":
        for item in ("requests", "sessions", "at-risk", "inbox", "countersign", "erasures"):
            expect(main.locator(f"#today-{item}")).to_be_visible()
        expect(
            main.locator(
                f'#today-sessions a[href="/tutor/sessions/{world.ids["landing_session"]}"]'
            )
        ).to_be_visible()
        expect(
            main.locator(
                f'#today-requests a[href="/staff/projects/{world.ids["landing_project"]}/requests"]'
            )
        ).to_be_visible()
        expect(
            main.locator(f'#today-countersign a[href="/staff/plans/{world.ids["landing_plan"]}"]')
        ).to_be_visible()
        expect(main.locator('#today-inbox a[href="/staff/inbox"]')).to_be_visible()
        expect(main.locator('#today-erasures a[href="/staff/erasures"]')).to_be_visible()
    elif role == "tutor":
        expect(main.locator("#today-heading")).to_be_visible()
        today = main.locator("section", has=page.locator("#today-heading"))
        roster = today.locator(f'a[href="/tutor/sessions/{world.ids["landing_session"]}"]')
        expect(roster.first).to_be_visible()
        expect(today.locator("a.button-primary")).to_be_visible()  # the roster is open
        expect(main.locator("#week-heading")).to_be_visible()
        assert (
            page.locator("#today-heading").bounding_box()["y"]
            < (page.locator("#week-heading").bounding_box()["y"])
        )
    else:
        expect(main.locator("#next-heading")).to_be_visible()
        card = main.locator(".next-shift")
        expect(card).to_be_visible()
        expect(card.locator("time")).to_be_visible()
        expect(card.locator("h3")).not_to_be_empty()


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page scrolls sideways: {width} > {viewport}"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", list(LANDING))
def test_each_role_lands_on_its_first_page(
    live_app, world, new_context, screenshots_dir, role, size
):
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make node` (npm ci)")
    base = live_app.config["LIVE_URL"]
    page = new_context(size, bypass_csp=True).new_page()
    log_in(page, live_app, world, role)
    found = []
    for language in LANGUAGES:
        choose_language(page, base, language)
        response = page.goto(f"{base}/")
        assert response.ok, f"/ answered {response.status}"
        assert page.url == base + LANDING[role], f"/ led {role} to {page.url}"
        html = page.locator("html")
        assert html.get_attribute("lang") == language
        if language == "ar":
            assert html.get_attribute("dir") == "rtl"
            assert (
                page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
            )
        else:
            assert html.get_attribute("dir") == "ltr"
        key_items(page, role, world)
        if size == "phone":
            no_sideways_scroll(page)
        page.screenshot(
            path=screenshots_dir / f"landing-{role}-{language}-{WIDTH[size]}.png", full_page=True
        )
        found += [f"{language} {v}" for v in serious_violations(page)]
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)


def test_a_participant_without_a_shift_lands_on_open_projects_nearby(
    live_app, world, new_context, screenshots_dir
):
    """Layla (no project yet) sees the open projects of Roma with places."""
    from tests.e2e.pages import log_in_with_code

    base = live_app.config["LIVE_URL"]
    page = new_context("phone", bypass_csp=True).new_page()
    log_in_with_code(page, live_app, "+393479990055")
    for language in ("it", "ar"):
        choose_language(page, base, language)
        page.goto(f"{base}/")
        assert page.url == f"{base}/me"
        nearby = page.locator("main section", has=page.locator("#nearby-heading"))
        expect(nearby).to_be_visible()
        expect(nearby.locator(".project-card a").first).to_be_visible()
        page.screenshot(
            path=screenshots_dir / f"landing-participant-new-{language}-360.png", full_page=True
        )
        assert not serious_violations(page)
