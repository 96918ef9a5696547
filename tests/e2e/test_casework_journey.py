"""Issue 20's acceptance, in Chromium at phone width: from the street to a project.

A caseworker of a Roma mobile unit opens the intake form, loses the signal, records a
woman who speaks Arabic (her phone, her SMS consent, a verbal consent through an
interpreter); the signal returns and the intake is sent once. On the case page the
caseworker refers her to a legal-aid service found in the directory (it speaks Arabic),
with an appointment tomorrow at 10:00: the dispatcher sends her the appointment by SMS,
in Arabic. The service's answer is recorded step by step (accepted, attended, closed
with its outcome) and the history shows each step. A second referral, to the
municipality's civic-engagement programme, is accepted: she is a participant, the same
record. She logs in on her own phone with the code sent by SMS, finds a published
project and asks to join it. Nobody types her name, phone or language a second time.

Only what has no page in this journey is put in the database directly: the municipality,
the caseworker and the unit, a venue, tutor and a published project, the legal-aid
services. The live app's clock is frozen on a Wednesday morning in Rome (within the SMS
hours); the SMS gateway is the fake one, which keeps what the phones received.
Screenshots (`screenshots_dir`): the filled intake form, the case page and the worklist
in Italian at phone width, then the case team's pages in Arabic at phone and desktop width.
"""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from civic_app.casework.models import (
    CareService,
    Intake,
    Referral,
    ReferralChange,
    ReferralStatus,
    ServiceKind,
)
from civic_app.core.accounts import User
from civic_app.core.clock import FrozenClock
from civic_app.core.consent import active_consent
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.jobs import JOBS
from civic_app.projects.models import Enrolment, EnrolmentStatus
from civic_app.scheduler.jobs import run_job
from civic_app.sms.gateways import FakeGateway
from civic_app.sms.models import Status
from tests.e2e.pages import log_in_with_password, seed_caseworker
from tests.e2e.test_journeys import (
    NOW,
    PROJECT,
    TODAY,
    choose_language,
    expect_success,
    last_code,
    read,
    seed_people,
    seed_project,
    shoot_all,
    sms_to,
)
from tests.e2e.test_offline_intake import controlled

#: The woman met on the street: as the caseworker types her phone, and as it is stored.
PHONE_TYPED, PHONE = "347 000 0501", "+393470000501"
FIRST, LAST = "Amal", "Haddad"
TOMORROW = "2026-03-05"
#: Thursday 5 March 2026, 10:00 in Rome (CET).
APPOINTMENT = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
PLACE = "Via dei Diritti 1, Roma"
LEGAL_AID = "Sportello legale Diritti"
OUTCOME = "Domanda di permesso presentata in questura."
SUBMIT_INTAKE = "form[data-intake] [type=submit]"
#: Any letter of the Arabic script.
ARABIC = re.compile(r"[\u0600-\u06ff]")


def dispatch(app) -> None:
    """What the scheduler does every few seconds: send what is due in the outbox."""
    run_job(app, next(job for job in JOBS if job.id == "dispatch_outbox"))


def seed_services(app, municipality_id: int) -> dict:
    """Two legal-aid desks of Roma: one speaks Italian and Arabic, the other does not."""
    with app.app_context():
        arabic = CareService(
            municipality_id=municipality_id,
            name=LEGAL_AID,
            kind=ServiceKind.LEGAL_AID,
            languages=",it,ar,",
            address="Via dei Diritti 1, Roma",
            phone="+390600000501",
            opening_hours="mar e gio 9–13",
        )
        italian = CareService(
            municipality_id=municipality_id,
            name="Avvocati di strada",
            kind=ServiceKind.LEGAL_AID,
            languages=",it,",
        )
        db.session.add_all([arabic, italian])
        db.session.commit()
        ids = {"legal": arabic.id, "legal_it": italian.id}
        db.session.remove()
        return ids


def only_intake(app) -> Intake:
    """The one intake in the live database (the test fails if there are none or two)."""

    def query():
        rows = db.session.scalars(db.select(Intake)).all()
        db.session.expunge_all()
        return rows

    rows = read(app, query)
    assert len(rows) == 1, f"{len(rows)} intakes in the live database"
    return rows[0]


def person(app, person_id: int) -> User:
    def query():
        user = db.session.get(User, person_id)
        db.session.expunge(user)
        return user

    return read(app, query)


def referral(app, referral_id: int) -> tuple[Referral, list]:
    """The referral and the statuses of its history, oldest first."""

    def query():
        row = db.session.get(Referral, referral_id)
        db.session.expunge(row)
        steps = db.session.scalars(
            db.select(ReferralChange.status)
            .where(ReferralChange.referral_id == referral_id)
            .order_by(ReferralChange.at, ReferralChange.id)
        ).all()
        return row, list(steps)

    return read(app, query)


def newest_referral_id(app, intake_id: int) -> int:
    return read(
        app,
        lambda: db.session.scalar(
            db.select(db.func.max(Referral.id)).where(Referral.intake_id == intake_id)
        ),
    )


def programme_id(app, municipality_id: int) -> int:
    """The municipality's civic-engagement programme (made when the first case page showed)."""
    return read(
        app,
        lambda: db.session.scalar(
            db.select(CareService.id).where(
                CareService.municipality_id == municipality_id,
                CareService.kind == ServiceKind.CIVIC_ENGAGEMENT,
            )
        ),
    )


def step(page, referral_id: int, status: str, note: str = "") -> None:
    """Move a referral on from the case page: open "change the status", choose, send."""
    card = page.locator(f"#referral-{referral_id}")
    card.locator("details.referral-step > summary").click()
    page.select_option(f"#r{referral_id}-status-status", status)
    if note:
        page.fill(f"#r{referral_id}-status-note", note)
    page.click(f"#r{referral_id}-status-submit")
    expect_success(page)


@pytest.fixture
def casework_app(live_app):
    """The live app on a Wednesday at 10:30 in Rome, with a gateway that keeps what it sent."""
    live_app.extensions["civic_clock"] = FrozenClock(NOW)
    live_app.extensions["civic_sms_gateway"] = FakeGateway(config=live_app.config)
    live_app.config["PUBLIC_BASE_URL"] = live_app.config["LIVE_URL"]
    return live_app


def test_from_an_offline_intake_to_a_project_without_retyping(
    casework_app, new_context, screenshots_dir
):
    app = casework_app
    base = app.config["LIVE_URL"]
    ids = seed_people(app)
    ids |= seed_project(app, ids)
    seeded = seed_caseworker(app)
    assert seeded["municipality"] == ids["roma"]
    ids |= seed_services(app, ids["roma"])
    gateway = app.extensions["civic_sms_gateway"]

    # The caseworker, on the street with a phone: the form is kept on the phone.
    phone = new_context("phone").new_page()
    log_in_with_password(phone, base, seeded["email"])
    phone.goto(f"{base}/cases/new")
    controlled(phone)
    phone.context.set_offline(True)
    phone.reload()  # no signal: the form opens from the phone
    expect(phone.locator("main h1")).to_have_text("Nuova presa in carico")
    phone.fill("#phone", PHONE_TYPED)
    phone.fill("#first_name", FIRST)
    phone.fill("#last_name", LAST)
    phone.select_option("#language", "ar")
    expect(phone.locator("[data-consent-text]")).to_have_attribute("lang", "ar")
    phone.select_option("#sex", "female")
    phone.fill("#birth_year", "1994")
    phone.select_option("#citizenship", "SY")
    phone.select_option("#unit", str(seeded["unit"]))
    phone.fill("#zone", "Piazza dei Cinquecento")
    phone.fill("#met_on", TODAY)  # the day of the app's (frozen) clock
    phone.check("input[name=needs][value=legal]")
    phone.check("input[name=needs][value=housing]")
    phone.check("input[name=consent_method][value=verbal]")
    phone.fill("#interpreter", "Mediatrice Samira")
    phone.check("#sms")
    phone.screenshot(path=screenshots_dir / "it-phone-casework-intake.png", full_page=True)
    phone.click(SUBMIT_INTAKE)
    status = phone.locator("[data-offline-status]")
    expect(status).to_contain_text("Nessuna rete")
    expect(status).to_contain_text("1 presa in carico da inviare")
    assert read(app, lambda: db.session.scalar(db.select(db.func.count(Intake.id)))) == 0

    # The signal returns: the intake leaves the phone once, and only once.
    phone.context.set_offline(False)
    expect(status).to_contain_text("inviate", timeout=15_000)
    assert phone.evaluate("localStorage.getItem('civic-intake-queue')") == "[]"
    phone.reload()  # a later visit sends nothing again
    expect(phone.locator("main h1")).to_have_text("Nuova presa in carico")
    intake = only_intake(app)
    amal = person(app, intake.person_id)
    assert (amal.role, amal.first_name, amal.last_name) == (Role.IN_CARE, FIRST, LAST)
    assert (amal.phone, amal.preferred_language) == (PHONE, "ar")
    assert (amal.birth_year, amal.citizenship, amal.sex) == (1994, "SY", "female")
    assert (intake.unit_id, intake.interpreter) == (seeded["unit"], "Mediatrice Samira")
    assert intake.need_codes == ["housing", "legal"]
    consents = read(
        app,
        lambda: [
            active_consent(db.session.get(User, amal.id), purpose) is not None
            for purpose in ("casework", "sms", "programme")
        ],
    )
    assert consents == [True, True, False]

    # The worklist lists her; her case page shows what was recorded.
    phone.goto(f"{base}/cases")
    expect(phone.locator("main h1")).to_have_text("Casi")
    phone.locator(f"main a[href='/cases/{intake.id}']").first.click()
    phone.wait_for_url(re.compile(rf"/cases/{intake.id}$"))
    expect(phone.locator("main h1")).to_have_text(f"{FIRST} {LAST}")
    facts = phone.locator("main dl.facts")
    for shown in ("Unità mobile Termini", "Mediatrice Samira", "Piazza dei Cinquecento"):
        expect(facts).to_contain_text(shown)

    # The directory: legal aid in Arabic finds one of the two desks.
    phone.goto(f"{base}/cases/services")
    phone.select_option("#kind", ServiceKind.LEGAL_AID.value)
    phone.select_option("#language", "ar")
    phone.locator("main form[role=search] [type=submit]").click()
    phone.wait_for_url(re.compile(r"language=ar"))
    expect(phone.locator("main ul.cards > li.card")).to_have_count(1)
    expect(phone.locator("main ul.cards")).to_contain_text(LEGAL_AID)

    # Referred to it with an appointment tomorrow at 10:00: the SMS goes out in Arabic.
    phone.goto(f"{base}/cases/{intake.id}")
    phone.select_option("#service_id", str(ids["legal"]))
    phone.fill("#reason", "Rinnovo del permesso di soggiorno.")
    phone.fill("#appointment_day", TOMORROW)
    phone.fill("#appointment_time", "10:00")
    phone.fill("#appointment_place", PLACE)
    phone.click("#referral-submit")
    expect_success(phone)
    legal_id = newest_referral_id(app, intake.id)
    legal, steps = referral(app, legal_id)
    assert (legal.service_id, legal.appointment_at) == (ids["legal"], APPOINTMENT)
    assert steps == [ReferralStatus.PROPOSED]
    card = phone.locator(f"#referral-{legal_id}")
    expect(card).to_contain_text(LEGAL_AID)
    expect(card).to_contain_text(PLACE)

    assert [to for to, _body, _sid in gateway.sent] == []  # queued, not sent yet
    dispatch(app)
    received = [body for to, body, _sid in gateway.sent if to == PHONE]
    assert len(received) == 1, received
    (body,) = received
    assert ARABIC.search(body), f"not in Arabic: {body!r}"
    assert "5/03 10:00" in body, body  # Rome time, tomorrow at 10:00
    assert LEGAL_AID in body and PLACE[:20] in body
    (message,) = sms_to(app, PHONE, "referral_appointment")
    assert (message.status, message.body) == (Status.SENT, body)
    dispatch(app)  # the dispatcher runs again: nothing is sent twice
    assert len([to for to, _body, _sid in gateway.sent if to == PHONE]) == 1
    phone.screenshot(path=screenshots_dir / "it-phone-casework-case.png", full_page=True)
    phone.goto(f"{base}/cases")
    expect(phone.locator("main")).to_contain_text(FIRST)
    phone.screenshot(path=screenshots_dir / "it-phone-casework-worklist.png", full_page=True)

    # The service answers: accepted, attended, closed with its outcome.
    phone.goto(f"{base}/cases/{intake.id}")
    step(phone, legal_id, ReferralStatus.ACCEPTED.value)
    step(phone, legal_id, ReferralStatus.ATTENDED.value)
    step(phone, legal_id, ReferralStatus.CLOSED.value, OUTCOME)
    legal, steps = referral(app, legal_id)
    assert steps == [
        ReferralStatus.PROPOSED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.ATTENDED,
        ReferralStatus.CLOSED,
    ]
    assert (legal.status, legal.outcome) == (ReferralStatus.CLOSED, OUTCOME)
    expect(phone.locator(f"#referral-{legal_id} details.referral-step")).to_have_count(0)
    phone.locator(f"#referral-{legal_id} h3 a").click()
    phone.wait_for_url(re.compile(rf"/cases/referrals/{legal_id}$"))
    history = phone.locator("main ol.referral-steps > li")
    expect(history).to_have_count(4)
    labels = ["Proposto", "Accettato dal servizio", "Presentato", "Chiuso"]
    for row, label in enumerate(labels):
        expect(history.nth(row)).to_contain_text(label)
        expect(history.nth(row)).to_contain_text("Giulia Operatrice")
    expect(history.nth(3)).to_contain_text(OUTCOME)

    # A second referral, to the civic-engagement programme, with its consent read aloud.
    phone.goto(f"{base}/cases/{intake.id}")
    programme = programme_id(app, ids["roma"])
    assert programme is not None
    phone.select_option("#service_id", str(programme))
    phone.fill("#reason", "Vuole fare qualcosa per il quartiere.")
    phone.locator("main details.programme-consent > summary").click()
    phone.check("#programme_consent")
    phone.click("#referral-submit")
    expect_success(phone)
    civic_id = newest_referral_id(app, intake.id)
    assert civic_id != legal_id
    assert person(app, amal.id).role == Role.IN_CARE  # proposed: not a participant yet
    step(phone, civic_id, ReferralStatus.ACCEPTED.value)
    expect(phone.locator("main .flash-success").last).to_contain_text("Ora partecipa al programma")

    # The same person, now a participant: nothing was typed again.
    joined = person(app, amal.id)
    assert joined.role == Role.PARTICIPANT
    assert (joined.id, joined.first_name, joined.last_name) == (amal.id, FIRST, LAST)
    assert (joined.phone, joined.preferred_language) == (PHONE, "ar")
    assert (joined.birth_year, joined.citizenship) == (1994, "SY")
    assert joined.signed_up_via == "assisted" and joined.referral_source == "mobile_unit"
    same_phone = db.select(db.func.count(User.id)).where(User.phone == PHONE)
    assert read(app, lambda: db.session.scalar(same_phone)) == 1
    welcome = sms_to(app, PHONE, "referral_civic_welcome")
    assert len(welcome) == 1 and ARABIC.search(welcome[0].body)

    # She logs in on her own phone with the code she is sent, in her language.
    own = new_context("phone").new_page()
    own.goto(f"{base}/login/phone")
    own.fill("#phone", PHONE_TYPED)
    own.locator("main form [type=submit]").click()
    own.wait_for_url(re.compile(r"/login/code$"))
    own.fill("#code", last_code(app, PHONE))
    own.locator("main form [type=submit]").click()
    expect(own.locator("form[action='/logout']")).to_be_attached()
    assert "/signup" not in own.url  # known already: no sign-up form to fill in
    expect(own.locator("html")).to_have_attribute("lang", "ar")
    expect(own.locator("main h1").first).to_contain_text(FIRST)

    # She finds the published project and asks to join it.
    own.goto(f"{base}/projects")
    own.locator(f"main a[href='/projects/{ids['project']}']").first.click()
    expect(own.locator("main h1")).to_have_text(PROJECT["ar"][0])
    own.locator(f"form[action='/projects/{ids['project']}/join'] button").click()
    expect_success(own)
    enrolment = read(
        app,
        lambda: db.session.execute(
            db.select(Enrolment.participant_id, Enrolment.status).where(
                Enrolment.project_id == ids["project"]
            )
        ).all(),
    )
    assert enrolment == [(amal.id, EnrolmentStatus.APPLIED)]
    assert read(app, lambda: db.session.scalar(db.select(db.func.count(Intake.id)))) == 1

    # The case team's pages in Arabic (right to left), at phone and desktop width.
    phone.goto(f"{base}/cases")
    choose_language(phone, "ar")
    casework_pages = [
        ("casework-worklist", "/cases"),
        ("casework-intake", "/cases/new"),
        ("casework-case", f"/cases/{intake.id}"),
        ("casework-services", "/cases/services"),
        ("casework-referral", f"/cases/referrals/{legal_id}"),
    ]
    shoot_all(new_context, phone, "ar", casework_pages, screenshots_dir)
