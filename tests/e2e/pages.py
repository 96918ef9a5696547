"""The key pages of each role, the data behind them, and logging in through the real pages.

Shared by the accessibility and page-weight tests: the page lists live here only.
`seed_world(app)` loads the demo data of `flask seed demo` into a live app's database
(the same pages a municipality sees on its first day: projects, sessions, plans, events,
messages, and the case team's units, services, cases, referrals and notes) and adds what
the demo lacks: a certificate and a plan waiting for signatures.
"""

import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade
from werkzeug.serving import make_server

from civic_app import create_app
from civic_app.core.accounts import User
from civic_app.core.clock import now
from civic_app.core.models import Municipality
from civic_app.core.network import ensure_network
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.plans.models import Plan, PlanStatus
from civic_app.plans.operations import save_plan
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    ProjectStatus,
    project_tutor,
)
from civic_app.seeding.demo_casework import seed_demo_casework
from civic_app.seeding.demo_events import seed_demo_events
from civic_app.seeding.demo_history import seed_demo_history
from civic_app.seeding.demo_housing import seed_demo_housing
from civic_app.seeding.demo_people import seed_demo
from civic_app.seeding.demo_projects import seed_demo_projects
from civic_app.sms.models import Message
from config import TestingConfig

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "a demo password for the browser tests"
LANGUAGES = ("it", "ar")
PHONE = {"width": 360, "height": 740}

STAFF_EMAIL = "staff.roma@demo.civic.local"
TUTOR_EMAIL = "tutor.roma@demo.civic.local"
COORDINATOR_EMAIL = "coordinatore@demo.civic.local"
#: The demo caseworker of Roma (`flask seed demo`): works the cases of Roma's units.
DEMO_CASEWORKER_EMAIL = "operatore.roma@demo.civic.local"
#: A number nobody has: logging in with it leads to the sign-up form.
NEW_PHONE = "+393479990001"

#: The key pages of each role ({names} are filled from the World's ids).
KEY_PAGES = {
    "anonymous": ["/", "/projects", "/projects/{project}", "/login", "/login/phone", "/signup"],
    "participant": [
        "/me",
        "/me/plan",
        "/me/profile",
        "/me/calendar",
        "/me/certificates",
        "/me/data",
        "/events",
    ],
    # /tutor/offline first: it has no footer
    "tutor": ["/tutor/offline", "/tutor", "/tutor/sessions/{session}", "/me/calendar"],
    "staff": [
        "/staff/today",
        "/staff/projects",
        "/staff/projects/{project}",
        "/staff/projects/new",
        "/staff/participants",
        "/staff/participants/{participant}",
        "/staff/plans/{plan}",
        "/staff/events",
        "/staff/inbox",
        "/staff/reports",
        "/staff/attendance",
        "/staff/at-risk",
        "/staff/units",
        "/staff/services",
        "/staff/case-team",
        "/staff/casework",
    ],
    "caseworker": [
        "/cases",
        "/cases/new",
        "/cases/{case}",
        "/cases/services",
        "/cases/referrals/{referral}",
        "/housing/dwellings",
        "/housing/dwellings/{dwelling}",
        "/housing/dwellings/new",
        "/housing/measures",
        "/cases/{housed_case}/housing",
    ],
    "coordinator": ["/network"],
}

#: What a participant loads on a cheap phone: (page, logged in?). /signup needs a proven number.
PARTICIPANT_PAGES = [
    ("/", False),
    ("/projects", False),
    ("/projects/{project}", False),
    ("/signup", False),
    ("/login/phone", False),
    ("/me", True),
    ("/me/plan", True),
    ("/me/profile", True),
    ("/me/certificates", True),
    ("/events", True),
    ("/me/calendar", True),
]


@contextmanager
def live_site(folder: Path, **settings):
    """Like conftest's `live_app`, but for a whole module: one server, seeded once.
    `settings` override TestingConfig's (e.g. BRAND_NAME="...").

    Each test that uses it must also request `own_session` (conftest), so that the server
    does not answer from the test's rolled-back transaction.
    """
    config = type(
        "LiveSite",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.db'}", "SMS_BACKEND": "console"}
        | settings,
    )
    app = create_app(config)
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    try:
        yield app
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@dataclass
class World:
    """Ids of the rows the key pages show, and who logs in as each role."""

    ids: dict[str, int] = field(default_factory=dict)
    participant_phone: str = ""
    logins: dict[str, str] = field(default_factory=dict)

    def url(self, template: str) -> str:
        return template.format(**self.ids)


def seed_world(app) -> World:
    """The demo data of Roma, a certificate, and a Roma participant with a plan."""
    from civic_app.reports.certificates import issue_certificate

    with app.app_context():
        moment = now()
        people = seed_demo(PASSWORD)
        municipalities = ensure_network()
        seed_demo_projects(municipalities, moment)
        seed_demo_events(municipalities, moment)
        seed_demo_history(municipalities, moment)
        seed_demo_casework(municipalities, moment, PASSWORD)
        seed_demo_housing(municipalities, moment)
        db.session.flush()
        roma = municipalities["roma"]
        staff = next(u for u in people if u.email == STAFF_EMAIL)
        tutor = next(u for u in people if u.email == TUTOR_EMAIL)
        plan = db.session.scalar(
            db.select(Plan)
            .where(Plan.municipality_id == roma.id, Plan.status == PlanStatus.ACTIVE)
            .order_by(Plan.id)
        )
        participant = db.session.get(User, plan.participant_id)
        issue_certificate(participant, staff, moment)
        project = db.session.scalar(
            db.select(Project)
            .where(Project.municipality_id == roma.id, Project.status == ProjectStatus.PUBLISHED)
            .order_by(Project.id)
        )
        # The participant also waits for an answer on an open project.
        if not db.session.scalar(
            db.select(Enrolment.id).where(
                Enrolment.project_id == project.id, Enrolment.participant_id == participant.id
            )
        ):
            db.session.add(
                Enrolment(
                    project_id=project.id,
                    participant_id=participant.id,
                    municipality_id=roma.id,
                    status=EnrolmentStatus.ACCEPTED,
                    requested_at=moment - timedelta(days=3),
                )
            )
        session = db.session.scalar(
            db.select(ProjectSession)
            .join(project_tutor, project_tutor.c.project_id == ProjectSession.project_id)
            .where(project_tutor.c.user_id == tutor.id)
            .order_by(ProjectSession.starts_at.desc())
        )
        db.session.commit()
        return World(
            ids={
                "project": project.id,
                "session": session.id,
                "participant": participant.id,
                "plan": plan.id,
                "municipality": roma.id,
            }
            | demo_case_ids(roma.id),
            participant_phone=participant.phone,
            logins={
                "staff": STAFF_EMAIL,
                "tutor": TUTOR_EMAIL,
                "coordinator": COORDINATOR_EMAIL,
                "caseworker": DEMO_CASEWORKER_EMAIL,
            },
        )


def add_participant_with_draft_plan(app, phone: str = "+393479990002") -> dict:
    """A Roma participant with no project yet and a draft plan waiting for both signatures."""
    with app.app_context():
        roma = db.session.scalar(db.select(Municipality).where(Municipality.slug == "roma"))
        staff = db.session.scalar(db.select(User).where(User.email == STAFF_EMAIL))
        person = User(
            role=Role.PARTICIPANT,
            municipality=roma,
            first_name="Layla",
            last_name="Haddad",
            phone=phone,
            preferred_language="it",
        )
        db.session.add(person)
        db.session.flush()
        plan = save_plan(
            None,
            person,
            {
                "goals": "Imparare a curare il verde e conoscere il quartiere.",
                "target_hours": "40",
                "start_date": date.today(),
                "end_date": date.today() + timedelta(days=90),
            },
            tutor=None,
            projects=[],
            actor=staff,
            now=now(),
        )
        db.session.commit()
        return {"participant": person.id, "plan": plan.id, "phone": phone}


def last_code(app, phone: str) -> str:
    """The 6-digit code in the last SMS queued for `phone` (the outbox keeps its body)."""
    with app.app_context():
        body = db.session.scalar(
            db.select(Message.body).where(Message.phone == phone).order_by(Message.id.desc())
        )
        db.session.remove()
    match = re.search(r"\b(\d{6})\b", body or "")
    assert match, f"no code in the last SMS to the test number: {body!r}"
    return match.group(1)


def log_in_with_password(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"password login failed for {email}: {page.url}"


def _enter_code(page, app, phone: str) -> None:
    """Type `phone` on the phone login page, then the code it was sent by SMS."""
    page.goto(f"{app.config['LIVE_URL']}/login/phone")
    page.fill("#phone", phone)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(re.compile(r"/login/code"))
    page.fill("#code", last_code(app, phone))
    page.locator("main form [type=submit]").click()


def log_in_with_code(page, app, phone: str) -> None:
    """The participant's way in: a phone number, then the code sent by SMS."""
    _enter_code(page, app, phone)
    page.wait_for_load_state()
    assert "/login" not in page.url, f"code login failed: {page.url}"


def log_in(page, app, world: World, role: str) -> None:
    """Log `page`'s browser context in as `role` through the real login pages."""
    base = app.config["LIVE_URL"]
    if role == "participant":
        log_in_with_code(page, app, world.participant_phone)
    elif role in world.logins:
        log_in_with_password(page, base, world.logins[role])


def prove_new_number(page, app, phone: str = NEW_PHONE) -> None:
    """A number nobody has gets its code: the browser lands on the sign-up form."""
    _enter_code(page, app, phone)
    page.wait_for_url(re.compile(r"/signup"))


def choose_language(page, base: str, language: str) -> None:
    """Press the footer's language button, as a person would (works without JavaScript)."""
    if not page.url.startswith(base):
        page.goto(f"{base}/projects")
    page.locator(f"footer button[name=lang][value={language}]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


def serious_violations(page) -> list[str]:
    """Run axe-core on the page; one line per serious or critical violation and node."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    found = []
    for rule in results:
        if rule["impact"] not in ("serious", "critical"):
            continue
        for node in rule["nodes"]:
            message = node.get("failureSummary", "").replace("\n", " ")
            found.append(f"[{rule['impact']}] {rule['id']} {node['target']}: {message}")
    return found


#: Is the focused element drawn with a focus indicator (an outline or a ring)?
FOCUS_INDICATOR = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  if (/^(date|time|datetime-local|month|week)$/.test(el.type) && !el.matches(':focus')) {
    // The focus is on the field's own calendar button, which Chromium rings by itself.
    return {tag: el.tagName, id: el.id, name: el.getAttribute('name'), visible: true,
            outline: 'browser calendar button', shadow: ''};
  }
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const ring = s.boxShadow && s.boxShadow !== 'none';
  return {tag: el.tagName, id: el.id, name: el.getAttribute('name'), visible: outline || ring,
          outline: s.outlineStyle + ' ' + s.outlineWidth, shadow: s.boxShadow};
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUS_INDICATOR)


def assert_focus_visible(page) -> dict:
    state = focused(page)
    assert state is not None, "nothing has the focus"
    assert state["visible"], f"the focused element shows no focus indicator: {state}"
    return state


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until `selector` has the focus; every stop must show it."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        assert_focus_visible(page)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus after {limit} presses of {key}")


CASEWORKER_EMAIL = "operatore.roma@example.org"


def seed_caseworker(app) -> dict:
    """A Roma caseworker (logs in with PASSWORD) and a mobile unit of Roma, in a live
    app's database; the ids and the login."""
    from civic_app.casework.models import Unit, UnitKind
    from civic_app.people.operations import set_password

    with app.app_context():
        roma = db.session.scalar(db.select(Municipality).where(Municipality.slug == "roma"))
        if roma is None:
            roma = Municipality(slug="roma", name="Roma", region="Lazio")
            db.session.add(roma)
        caseworker = User(
            role=Role.CASEWORKER,
            municipality=roma,
            first_name="Giulia",
            last_name="Operatrice",
            email=CASEWORKER_EMAIL,
            profession="caseworker",
        )
        set_password(caseworker, PASSWORD)
        unit = Unit(name="Unità mobile Termini", kind=UnitKind.MOBILE_UNIT)
        db.session.add(caseworker)
        db.session.flush()
        unit.municipality_id = roma.id
        db.session.add(unit)
        db.session.commit()
        ids = {"municipality": roma.id, "caseworker": caseworker.id, "unit": unit.id}
        db.session.remove()
        return ids | {"email": CASEWORKER_EMAIL}


def demo_case_ids(municipality_id: int) -> dict[str, int]:
    """The demo case the caseworker's key pages show: an open case of the municipality
    with a referral and a note the whole team reads (the first such), and that referral;
    a dwelling people live in and the case of one of them. Needs an app context, after
    `seed_demo_casework` and `seed_demo_housing`."""
    from civic_app.casework.models import (
        CaseNote,
        Intake,
        IntakeStatus,
        Referral,
        Sensitivity,
    )

    case_id = db.session.scalar(
        db.select(Intake.id)
        .where(
            Intake.municipality_id == municipality_id,
            Intake.status == IntakeStatus.OPEN,
            db.select(Referral.id).where(Referral.intake_id == Intake.id).exists(),
            db.select(CaseNote.id)
            .where(CaseNote.intake_id == Intake.id, CaseNote.sensitivity == Sensitivity.TEAM)
            .exists(),
        )
        .order_by(Intake.id)
        .limit(1)
    )
    assert case_id is not None, "the demo has no open case with a referral and a note"
    referral_id = db.session.scalar(
        db.select(Referral.id).where(Referral.intake_id == case_id).order_by(Referral.id).limit(1)
    )
    from civic_app.housing.models import HousingMeasure, Placement

    # The housing pages: a dwelling people lived in, and the case of one of them.
    placement = db.session.scalars(
        db.select(Placement)
        .where(Placement.municipality_id == municipality_id)
        .order_by(Placement.id)
        .limit(1)
    ).one()
    housed_case = db.session.get(HousingMeasure, placement.measure_id).intake_id
    return {
        "case": case_id,
        "referral": referral_id,
        "dwelling": placement.dwelling_id,
        "housed_case": housed_case,
    }
