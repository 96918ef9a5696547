"""Whole journeys through the real server, in Chromium: the web one and the SMS one.

Only what has no page is put in the database directly (the municipality, the staff and
tutor accounts, a venue); everything else goes through the pages a person would use:
staff publish a project with sessions on a desktop, a participant signs up on a phone
with the code read from the outbox, asks to join, signs the plan with an SMS code, the
tutor marks the roster on a phone, the participant sees the hours and downloads the
certificate. The journey runs in Italian and in Arabic (right to left). The SMS journey
signs up through the signed Twilio webhook and answers a reminder, NEXT and HOURS.

The live app's clock is frozen on a Wednesday morning in Rome, so that the session of
the day has begun (the roster opens) and the next one is due for its 24-hour reminder.
Every key page is saved as a screenshot at phone and desktop width (`screenshots_dir`).
"""

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from twilio.request_validator import RequestValidator

from civic_app.attendance.models import Mark
from civic_app.attendance.operations import MarkInput, record_marks
from civic_app.core.accounts import User
from civic_app.core.clock import FrozenClock
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.jobs import JOBS
from civic_app.people.operations import set_password
from civic_app.plans.models import Plan, PlanStatus
from civic_app.plans.operations import save_plan
from civic_app.plans.progress import hours_done
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    ProjectStatus,
    Rsvp,
    Sector,
    Venue,
)
from civic_app.reports.certificates import issue_certificate
from civic_app.scheduler.jobs import run_job
from civic_app.sms.models import Direction, Message

PASSWORD = "a staff password for the journeys"
STAFF_EMAIL = "staff@roma.example.org"
TUTOR_EMAIL = "tutor@roma.example.org"
TWILIO_TOKEN = "journey-auth-token"
#: Wednesday 4 March 2026, 10:30 in Rome (CET): the session of 10:00 has begun.
NOW = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
TODAY = "2026-03-04"

PROJECT = {
    "it": ("Cura del Parco della Pace", "Puliamo i prati e curiamo le aiuole insieme."),
    "en": ("Peace Park care", "We clean the lawns and tend the flower beds together."),
    "fr": ("Soin du parc de la Paix", "Nous nettoyons les pelouses et les massifs ensemble."),
    "ar": ("العناية بحديقة السلام", "ننظف المروج ونعتني بأحواض الزهور معًا."),
}
PARTICIPANT = {
    "it": ("Amina", "Diallo", "+393470000401"),
    "ar": ("ليلى", "حداد", "+393470000402"),
}


# Helpers ---------------------------------------------------------------------------------


def read(app, query):
    """Run `query()` against the live app's database and return what it gives."""
    with app.app_context():
        try:
            return query()
        finally:
            db.session.remove()


def t(app, msgid: str, language: str, **values) -> str:
    """The interface text `msgid` in `language`, as the site's catalogs have it."""
    with app.test_request_context(), force_locale(language):
        return gettext(msgid, **values)


def sms_to(app, phone: str, kind: str | None = None) -> list[Message]:
    """The SMS queued for `phone` (oldest first), optionally of one kind."""

    def query():
        select = db.select(Message).where(
            Message.phone == phone, Message.direction == Direction.OUT
        )
        if kind:
            select = select.where(Message.kind == kind)
        rows = db.session.scalars(select.order_by(Message.id)).all()
        db.session.expunge_all()
        return rows

    return read(app, query)


def last_code(app, phone: str) -> str:
    """The 6-digit code of the last code SMS queued for `phone` (the outbox keeps its body)."""
    body = sms_to(app, phone, "login_code")[-1].body
    match = re.search(r"(?<!\d)(\d{6})(?!\d)", body)
    assert match, f"no code in {body!r}"
    return match.group(1)


def submit(page, form: str = "main form:has(#submit)") -> None:
    page.locator(form).locator("[type=submit]").first.click()


def expect_success(page) -> None:
    expect(page.locator("main .flash-success").first).to_be_visible()


def choose_language(page, language: str) -> None:
    """Press the footer's language button, as a person would."""
    page.locator(f"footer button[name=lang][value={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def log_in_with_password(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    submit(page)
    expect(page.locator("form[action='/logout']")).to_be_attached()


def log_in_with_code(page, app, phone: str) -> None:
    base = app.config["LIVE_URL"]
    page.goto(f"{base}/login/phone")
    page.fill("#phone", phone)
    submit(page)
    page.wait_for_url(re.compile(r"/login/code$"))
    page.fill("#code", last_code(app, phone))
    submit(page)
    expect(page.locator("form[action='/logout']")).to_be_attached()


def assert_direction(page, language: str) -> None:
    """lang and dir on <html>, the direction the layout really has, and the mirrored header."""
    rtl = language == "ar"
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if rtl else "ltr")
    direction = page.locator("main").evaluate("main => getComputedStyle(main).direction")
    assert direction == ("rtl" if rtl else "ltr")
    width = page.viewport_size["width"]
    brand = page.locator(".site-header .brand").bounding_box()
    items = page.locator(".site-header .nav > li")
    first, second = items.nth(0).bounding_box(), items.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 5, "the first two menu items are on one line"
    if rtl:  # the brand sits at the right edge, and the menu reads from right to left
        assert brand["x"] + brand["width"] > width - 40, brand
        assert first["x"] > second["x"], (first, second)
    else:
        assert brand["x"] < 40, brand
        assert first["x"] < second["x"], (first, second)


def shoot_all(new_context, page, language, pages, folder) -> None:
    """`pages` as `page`'s visitor sees them, at phone and at desktop width.

    Saved as `{language}-{phone|desktop}-{name}.png`; the language is the one the visitor
    already chose (their account's, or the session's for someone not logged in).
    """
    base = re.match(r"https?://[^/]+", page.url).group(0)
    state = page.context.storage_state()
    for size in ("phone", "desktop"):
        shot = new_context(size, storage_state=state).new_page()
        for name, url in pages:
            response = shot.goto(base + url)
            assert response.ok, f"{url} answered {response.status}"
            expect(shot.locator("html")).to_have_attribute("lang", language)
            expect(shot.locator("main h1").first).to_be_visible()
            shot.screenshot(path=folder / f"{language}-{size}-{name}.png", full_page=True)
        shot.context.close()


def seed_people(app) -> dict:
    """What has no page: the municipality, its staff and tutor accounts, and a venue."""
    with app.app_context():
        roma = Municipality(slug="roma", name="Roma", region="Lazio")
        staff = User(
            role=Role.STAFF, municipality=roma, first_name="Giulia", last_name="Rossi",
            email=STAFF_EMAIL, preferred_language="it",
        )  # fmt: skip
        tutor = User(
            role=Role.TUTOR, municipality=roma, first_name="Luca", last_name="Bianchi",
            email=TUTOR_EMAIL, preferred_language="it",
        )  # fmt: skip
        for account in (staff, tutor):
            set_password(account, PASSWORD)
        db.session.add_all([roma, staff, tutor])
        db.session.flush()
        venue = Venue(
            municipality_id=roma.id, name="Parco della Pace", address="Via della Pace 12, Roma"
        )
        db.session.add(venue)
        db.session.commit()
        ids = {"roma": roma.id, "staff": staff.id, "tutor": tutor.id, "venue": venue.id}
        db.session.remove()
        return ids


@pytest.fixture
def journey_app(live_app):
    """The live app with its clock frozen, and Twilio's signature checked on its own URL."""
    live_app.extensions["civic_clock"] = FrozenClock(NOW)
    live_app.config["TWILIO_AUTH_TOKEN"] = TWILIO_TOKEN
    live_app.config["PUBLIC_BASE_URL"] = live_app.config["LIVE_URL"]
    return live_app


# The web journey -------------------------------------------------------------------------


def staff_publishes_a_project(page, app) -> int:
    base = app.config["LIVE_URL"]
    page.goto(f"{base}/staff/projects/new")
    title, description = PROJECT["it"]
    page.fill("#title", title)
    page.fill("#description", description)
    page.select_option("#sector", Sector.GREEN.value)
    page.locator("main details summary").first.click()
    for language in ("en", "fr", "ar"):
        page.locator(f"#translation-{language} > summary").click()  # one section each
        page.fill(f"#title_{language}", PROJECT[language][0])
        page.fill(f"#description_{language}", PROJECT[language][1])
    page.fill("#start_date", "2026-03-01")
    page.fill("#end_date", "2026-06-30")
    page.fill("#capacity", "12")
    page.select_option("#venue_id", index=1)
    page.fill("#meeting_point", "Ingresso di via della Pace")
    page.check("#languages-group input[value=ar]")
    page.check("#tutors-0")
    page.fill("#what_to_bring", "Scarpe comode e una bottiglia d'acqua.")
    submit(page)
    page.wait_for_url(re.compile(r"/staff/projects/\d+$"))
    expect_success(page)
    project_id = int(page.url.rsplit("/", 1)[1])

    # Today's session, already begun at 10:00, then every Thursday of March.
    page.locator(f"main a[href='/staff/projects/{project_id}/sessions/new']").click()
    page.fill("#day", TODAY)
    page.fill("#start_time", "10:00")
    page.fill("#end_time", "13:00")
    submit(page)
    expect_success(page)
    page.locator(f"main a[href='/staff/projects/{project_id}/schedule']").click()
    page.check("#weekdays-3")  # Thursday
    page.fill("#start_time", "09:00")
    page.fill("#end_time", "12:00")
    page.fill("#from_date", "2026-03-05")
    page.fill("#until_date", "2026-03-26")
    submit(page)
    expect_success(page)
    expect(page.locator("main table tbody tr")).to_have_count(5)

    publish = page.locator(f"form[action='/staff/projects/{project_id}/status/published'] button")
    publish.click()
    expect(publish).to_have_count(0)
    expect_success(page)
    assert read(app, lambda: db.session.get(Project, project_id).status) == (
        ProjectStatus.PUBLISHED
    )
    return project_id


def participant_signs_up(page, app, language: str, project_id: int) -> int:
    base = app.config["LIVE_URL"]
    first, last, phone = PARTICIPANT[language]
    page.goto(f"{base}/")
    choose_language(page, language)
    assert_direction(page, language)

    page.goto(f"{base}/projects")
    page.locator(f"main a[href='/projects/{project_id}']").first.click()
    expect(page.locator("main h1")).to_have_text(PROJECT[language][0])
    page.locator("main a[href*='/login/phone']").click()
    page.fill("#phone", "347 000 04" + phone[-2:])  # as people type it, without +39
    submit(page)
    page.wait_for_url(re.compile(r"/login/code$"))
    code_sms = sms_to(app, phone, "login_code")[-1]
    assert code_sms.body.startswith("civic_app: ")
    if language == "ar":
        assert "رمزك" in code_sms.body  # the code comes in the language chosen on the page
    page.fill("#code", last_code(app, phone))
    submit(page)

    page.wait_for_url(re.compile(r"/signup$"))
    assert_direction(page, language)
    expect(page.locator("#language")).to_have_value(language)
    page.fill("#first_name", first)
    page.fill("#last_name", last)
    page.select_option("#municipality", "roma")
    page.check("#sectors-0")
    page.check("#programme_consent")
    page.check("#sms_consent")
    submit(page)
    page.wait_for_url(re.compile(r"/me$"))
    expect(page.locator("main h1")).to_have_text(t(app, "Ciao, %(name)s", language, name=first))
    assert_direction(page, language)
    user = read(app, lambda: db.session.scalar(db.select(User).where(User.phone == phone)))
    assert (user.first_name, user.preferred_language) == (first, language)

    page.goto(f"{base}/projects/{project_id}")
    page.locator(f"form[action='/projects/{project_id}/join'] button").click()
    expect_success(page)
    return user.id


def staff_accepts_and_drafts_a_plan(page, app, project_id, participant_id, language) -> int:
    base = app.config["LIVE_URL"]
    page.goto(f"{base}/staff/projects/{project_id}/requests")
    page.locator("main form[action$='/accept'] button").click()
    expect_success(page)
    accepted = sms_to(app, PARTICIPANT[language][2], "enrolment_accepted")[-1].body
    assert PROJECT[language][0] in accepted  # the SMS is in the participant's language

    page.locator(f"main a[href='/staff/participants/{participant_id}']").click()
    page.locator(f"main a[href='/staff/participants/{participant_id}/plan/new']").click()
    expect(page.locator("#projects-0")).to_be_checked()  # the accepted project
    page.fill("#goals", "Curare il verde del quartiere e imparare a lavorare in gruppo.")
    if language != "it":
        page.fill("#goals_translated", "رعاية المساحات الخضراء في الحي والعمل ضمن فريق.")
    page.fill("#target_hours", "20")
    page.fill("#start_date", TODAY)
    page.fill("#end_date", "2026-06-30")
    page.select_option("#tutor_id", str(read(app, lambda: _tutor_id())))
    submit(page)
    page.wait_for_url(re.compile(r"/staff/plans/\d+$"))
    expect_success(page)
    plan_id = int(page.url.rsplit("/", 1)[1])
    page.locator(f"form[action='/staff/plans/{plan_id}/send'] button").click()
    expect(page.locator("main .flash-success")).to_have_text(t(app, "Fatto.", "it"))
    countersign = page.locator(f"form[action='/staff/plans/{plan_id}/countersign'] button")
    countersign.click()
    expect(countersign).to_have_count(0)  # signed for the municipality
    assert sms_to(app, PARTICIPANT[language][2], "plan_ready")
    return plan_id


def _tutor_id() -> int:
    return db.session.scalar(db.select(User.id).where(User.email == TUTOR_EMAIL))


def participant_signs_the_plan(page, app, language: str, plan_id: int) -> None:
    base = app.config["LIVE_URL"]
    page.goto(f"{base}/me/plan")
    expect(page.locator("main h1")).to_have_text(t(app, "Il mio piano", language))
    assert_direction(page, language)
    page.locator("form[action='/me/plan/code'] button").click()
    expect_success(page)
    page.fill("#code", last_code(app, PARTICIPANT[language][2]))
    page.locator("main form:has(#code) button[type=submit]").click()
    expect(page.locator("#code")).to_have_count(0)  # nothing left to sign
    expect_success(page)
    status = read(app, lambda: db.session.get(Plan, plan_id).status)
    assert status == PlanStatus.SIGNED  # both signatures now


def tutor_marks_the_roster(page, app, participant_id: int) -> int:
    base = app.config["LIVE_URL"]
    log_in_with_password(page, base, TUTOR_EMAIL)
    page.goto(f"{base}/tutor")
    page.locator("main .session-card.today a.button").click()
    page.wait_for_url(re.compile(r"/tutor/sessions/\d+$"))
    session_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator(f"input[name=mark-{participant_id}][value=present]")).to_be_checked()
    page.locator("form[data-roster] [type=submit]").click()
    expect_success(page)
    assert read(app, lambda: hours_done(participant_id)) == Decimal("3.00")
    return session_id


@pytest.mark.parametrize("language", ["it", "ar"])
def test_the_whole_journey_on_the_web(journey_app, new_context, screenshots_dir, language):
    app = journey_app
    base = app.config["LIVE_URL"]
    seed_people(app)
    staff = new_context("desktop").new_page()
    phone = new_context("phone").new_page()

    log_in_with_password(staff, base, STAFF_EMAIL)
    project_id = staff_publishes_a_project(staff, app)
    participant_id = participant_signs_up(phone, app, language, project_id)
    plan_id = staff_accepts_and_drafts_a_plan(staff, app, project_id, participant_id, language)
    participant_signs_the_plan(phone, app, language, plan_id)
    tutor = new_context("phone").new_page()
    session_id = tutor_marks_the_roster(tutor, app, participant_id)

    # The participant sees the hours against the plan's target.
    phone.goto(f"{base}/me")
    expect(phone.locator("#hours-label")).to_have_text(
        t(app, "%(done)s ore fatte su %(target)s", language, done="3", target="20")
    )
    expect(phone.locator("main progress")).to_have_attribute("value", "15")
    assert_direction(phone, language)

    # Staff issue the certificate; the participant downloads it on the phone.
    staff.goto(f"{base}/staff/participants/{participant_id}/certificates")
    expect(staff.locator("#engagement-table")).to_contain_text(PROJECT["it"][0])
    staff.locator("main form:not([action]) button[type=submit]").click()
    expect_success(staff)
    phone.goto(f"{base}/me/certificates")
    expect(phone.locator("main h1")).to_have_text(t(app, "I miei certificati", language))
    link = phone.locator("main a[href^='/me/certificates/']")
    with phone.expect_download() as info:
        link.click()
    download = info.value
    assert re.fullmatch(r"certificate-\d+\.pdf", download.suggested_filename)
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"%PDF-") and len(body) > 5_000

    # Every key page, at phone and desktop width, in the journey's language.
    participant_pages = [
        ("me", "/me"),
        ("plan", "/me/plan"),
        ("certificates", "/me/certificates"),
        ("projects", "/projects"),
        ("project", f"/projects/{project_id}"),
    ]
    tutor_pages = [("tutor", "/tutor"), ("roster", f"/tutor/sessions/{session_id}")]
    staff_pages = [
        ("staff-projects", "/staff/projects"),
        ("staff-project", f"/staff/projects/{project_id}"),
        ("staff-requests", f"/staff/projects/{project_id}/requests"),
        ("staff-participant", f"/staff/participants/{participant_id}"),
        ("staff-plan", f"/staff/plans/{plan_id}"),
        ("staff-certificates", f"/staff/participants/{participant_id}/certificates"),
        ("staff-reports", "/staff/reports"),
    ]
    public_pages = [("home", "/"), ("login-phone", "/login/phone")]
    # Staff and the tutor choose the journey's language too: Arabic is right to left for them.
    staff.goto(f"{base}/staff/projects")
    choose_language(staff, language)
    assert_direction(staff, language)
    tutor.goto(f"{base}/tutor/sessions/{session_id}")
    choose_language(tutor, language)
    assert_direction(tutor, language)
    visitor = new_context("phone").new_page()
    visitor.goto(f"{base}/projects")
    choose_language(visitor, language)
    for page, pages in (
        (phone, participant_pages),
        (tutor, tutor_pages),
        (staff, staff_pages),
        (visitor, public_pages),
    ):
        shoot_all(new_context, page, language, pages, screenshots_dir)


# The SMS journey -------------------------------------------------------------------------


class Phone:
    """A basic phone texting the app through Twilio's signed webhook, on the real server."""

    def __init__(self, app, number: str):
        self.app, self.number = app, number
        self.url = app.config["LIVE_URL"] + "/sms/inbound"

    def text(self, body: str, *, signature: str | None = None) -> list[str]:
        """Send `body`; return the texts the app answered with."""
        before = len(sms_to(self.app, self.number))
        params = {
            "MessageSid": "SM" + uuid.uuid4().hex,
            "AccountSid": "AC" + "0" * 32,
            "From": self.number,
            "To": "+390600000000",
            "Body": body,
        }
        signed = RequestValidator(TWILIO_TOKEN).compute_signature(self.url, params)
        response = requests.post(
            self.url,
            data=params,
            headers={"X-Twilio-Signature": signature or signed},
            timeout=10,
        )
        if signature is not None:
            assert response.status_code == 403
            return []
        assert response.status_code == 200 and "<Response>" in response.text
        return [m.body for m in sms_to(self.app, self.number)[before:]]


def seed_project(app, ids: dict) -> dict:
    """A published project with today's session (begun) and tomorrow's."""
    with app.app_context():
        roma = db.session.get(Municipality, ids["roma"])
        project = Project(
            municipality=roma,
            title=PROJECT["it"][0],
            description=PROJECT["it"][1],
            translations={lang: dict(zip(("title", "description"), PROJECT[lang], strict=True))
                          for lang in ("en", "fr", "ar")},
            sector=Sector.GREEN,
            status=ProjectStatus.PUBLISHED,
            capacity=10,
            venue_id=ids["venue"],
            start_date=date(2026, 3, 1),
            end_date=date(2026, 6, 30),
            tutors=[db.session.get(User, ids["tutor"])],
        )  # fmt: skip
        db.session.add(project)
        db.session.flush()
        sessions = []
        # 10:00 today in Rome (begun) and 09:00 tomorrow.
        for start in (NOW - timedelta(minutes=30), NOW + timedelta(hours=22, minutes=30)):
            session = ProjectSession(
                project_id=project.id,
                municipality_id=roma.id,
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                local_weekday=start.weekday(),
            )
            db.session.add(session)
            sessions.append(session)
        db.session.commit()
        result = {"project": project.id, "today": sessions[0].id, "tomorrow": sessions[1].id}
        db.session.remove()
        return result


def test_the_journey_partly_by_sms(journey_app, new_context, screenshots_dir):
    app = journey_app
    base = app.config["LIVE_URL"]
    ids = seed_people(app)
    ids |= seed_project(app, ids)
    number = "+393470000403"
    phone = Phone(app, number)

    # A forged signature is refused before anything is read.
    phone.text("JOIN", signature="forged")
    assert read(app, lambda: db.session.scalar(db.select(db.func.count(Message.id)))) == 0

    # Sign-up by SMS, step by step, in English.
    assert "2" in phone.text("JOIN")[0]
    assert phone.text("2") == ["What is your name? Write first and last name."]
    assert "municipality" in phone.text("Karim Benali")[0]
    assert "1 Green spaces" in phone.text("Roma")[0]
    assert "What year were you born?" in phone.text("1")[0]
    confirm = phone.text("1990")[0]
    assert confirm.startswith("Karim Benali, Roma. Reply YES")
    assert phone.text("YES")[0].startswith("Welcome Karim!")
    karim = read(app, lambda: db.session.scalar(db.select(User).where(User.phone == number)))
    assert (karim.preferred_language, karim.pending_review) == ("en", True)

    # Staff check the sign-up; Karim asks to join on the web once; staff accept.
    staff = new_context("desktop").new_page()
    log_in_with_password(staff, base, STAFF_EMAIL)
    staff.goto(f"{base}/staff/participants/{karim.id}")
    staff.locator(f"form[action='/staff/participants/{karim.id}/reviewed'] button").click()
    expect_success(staff)
    web = new_context("phone", locale="en-GB").new_page()
    log_in_with_code(web, app, number)
    web.goto(f"{base}/projects/{ids['project']}")
    expect(web.locator("main h1")).to_have_text(PROJECT["en"][0])
    web.locator(f"form[action='/projects/{ids['project']}/join'] button").click()
    expect_success(web)
    staff.goto(f"{base}/staff/projects/{ids['project']}/requests")
    staff.locator("main form[action$='/accept'] button").click()
    expect_success(staff)
    accepted = sms_to(app, number, "enrolment_accepted")[-1].body
    assert accepted.startswith(f'civic_app: you are accepted in "{PROJECT["en"][0]}"')

    # The reminder job: tomorrow's session is 24 hours away; the outbox sends it.
    run_job(app, next(job for job in JOBS if job.id == "send_reminders"))
    run_job(app, next(job for job in JOBS if job.id == "dispatch_outbox"))
    reminders = sms_to(app, number, "reminder")
    assert len(reminders) == 1
    assert reminders[0].status == "sent"
    assert reminders[0].body == (
        f"civic_app: Thu 5/03 09:00 {PROJECT['en'][0]}, Via della Pace 12, Roma. Coming? 1=YES 2=NO"
    )

    # YES confirms; the tutor's roster of tomorrow shows it.
    assert phone.text("yes") == ["Thank you, see you there!"]
    rsvp = read(
        app,
        lambda: db.session.scalar(db.select(Rsvp).where(Rsvp.participant_id == karim.id)),
    )
    assert (rsvp.session_id, rsvp.coming, rsvp.source) == (ids["tomorrow"], True, "sms")
    tutor = new_context("phone").new_page()
    log_in_with_password(tutor, base, TUTOR_EMAIL)
    tutor.goto(f"{base}/tutor/sessions/{ids['tomorrow']}")
    expect(tutor.locator("main .roster-row .badge")).to_have_text(t(app, "ha confermato", "it"))

    # Today's roster: present, three hours. NEXT and HOURS answer by SMS.
    tutor.goto(f"{base}/tutor/sessions/{ids['today']}")
    tutor.locator("form[data-roster] [type=submit]").click()
    expect_success(tutor)
    assert phone.text("NEXT") == [
        f"Next shift: Thu 5/03 09:00, Via della Pace 12, Roma. {PROJECT['en'][0]}"
    ]
    (hours,) = phone.text("HOURS")
    assert hours == "You have done 3 hours. Your plan is not signed yet."  # no plan yet

    # Karim's page lists the conversation; staff read it in the inbox.
    web.goto(f"{base}/me")
    expect(web.locator("main")).to_contain_text(hours)
    shoot_all(new_context, web, "en", [("sms-me", "/me")], screenshots_dir)
    shoot_all(new_context, staff, "it", [("sms-staff-inbox", "/staff/inbox")], screenshots_dir)


# Key pages in English and French --------------------------------------------------------

#: Each role's key pages and the Italian source of their heading (None: the project's title).
KEY_PAGES = {
    "anonymous": [
        ("home", "/", "Impegno civico nel tuo Comune"),
        ("projects", "/projects", "Progetti di impegno civico"),
        ("project", "/projects/{project}", None),
    ],
    "participant": [
        ("me", "/me", "Ciao, %(name)s"),
        ("plan", "/me/plan", "Il mio piano"),
        ("certificates", "/me/certificates", "I miei certificati"),
    ],
    "tutor": [("tutor", "/tutor", "I miei turni")],
    "staff": [
        ("staff-projects", "/staff/projects", "Progetti del Comune"),
        ("staff-reports", "/staff/reports", "Cruscotto del Comune"),
    ],
}


def seed_world(app) -> dict:
    """A participant with an accepted place, a plan, three hours done and a certificate."""
    ids = seed_people(app)
    ids |= seed_project(app, ids)
    with app.app_context():
        staff, tutor = db.session.get(User, ids["staff"]), db.session.get(User, ids["tutor"])
        person = User(
            role=Role.PARTICIPANT, municipality_id=ids["roma"], first_name="Sara",
            last_name="Tesfaye", phone="+393470000404", preferred_language="it",
        )  # fmt: skip
        db.session.add(person)
        db.session.flush()
        project = db.session.get(Project, ids["project"])
        db.session.add(
            Enrolment(
                project_id=project.id,
                participant_id=person.id,
                municipality_id=ids["roma"],
                status=EnrolmentStatus.ACCEPTED,
                requested_at=NOW - timedelta(days=3),
            )  # fmt: skip
        )
        save_plan(
            None, person,
            {"goals": "Curare il verde.", "target_hours": Decimal("20"),
             "start_date": date(2026, 3, 1), "end_date": date(2026, 6, 30)},
            tutor=tutor, projects=[project], actor=staff, now=NOW,
        )  # fmt: skip
        db.session.flush()
        record_marks(
            db.session.get(ProjectSession, ids["today"]),
            [MarkInput(person.id, Mark.PRESENT)],
            by=tutor, now=NOW, key=uuid.uuid4().hex,
        )  # fmt: skip
        issue_certificate(person, staff, NOW)
        db.session.commit()
        ids |= {"participant": person.id, "phone": person.phone, "name": person.first_name}
        db.session.remove()
    return ids


def check_key_page(page, app, base, language, url, msgid, ids) -> None:
    response = page.goto(base + url.format(**ids))
    assert response.ok, f"{url} answered {response.status}"
    assert_direction(page, language)
    if msgid is None:
        expected = PROJECT[language][0]
    else:
        values = {"name": ids["name"]} if "%(name)s" in msgid else {}
        expected = t(app, msgid, language, **values)
        assert expected != t(app, msgid, "it", **values), f"{msgid!r} has no {language} text"
    expect(page.locator("main h1").first).to_have_text(expected)
    expect(page.locator("#language-label")).to_have_text(t(app, "Lingua", language) + ":")


def test_the_key_pages_in_english_and_french(journey_app, new_context, screenshots_dir):
    """Each role's key pages: <html lang>, the heading in the language, never the Italian."""
    app = journey_app
    base = app.config["LIVE_URL"]
    ids = seed_world(app)
    for role, pages in KEY_PAGES.items():
        size = "desktop" if role == "staff" else "phone"
        page = new_context(size).new_page()
        if role == "participant":
            log_in_with_code(page, app, ids["phone"])
        elif role in ("staff", "tutor"):
            log_in_with_password(page, base, STAFF_EMAIL if role == "staff" else TUTOR_EMAIL)
        else:
            page.goto(f"{base}/projects")
        for language in ("en", "fr"):
            choose_language(page, language)
            for name, url, msgid in pages:
                check_key_page(page, app, base, language, url, msgid, ids)
                page.screenshot(
                    path=screenshots_dir / f"{language}-{size}-{name}.png", full_page=True
                )
        page.context.close()
