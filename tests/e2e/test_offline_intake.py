"""A caseworker of a mobile unit without signal records an intake; it is sent once when
signal returns, and the case is there."""

import re

from playwright.sync_api import expect

from civic_app.casework.models import Intake
from civic_app.core.accounts import User
from civic_app.extensions import db
from tests.e2e.pages import log_in_with_password, seed_caseworker

ALIAS = "Rosa del ponte"
SUBMIT = "input[type=submit][value='Registra la presa in carico']"


def intakes_of(app, first_name: str) -> list:
    """(id, client_key, interpreter) of the intakes of people called `first_name`."""
    with app.app_context():
        rows = db.session.execute(
            db.select(Intake.id, Intake.client_key, Intake.interpreter)
            .join(User, User.id == Intake.person_id)
            .where(User.first_name == first_name)
        ).all()
        db.session.remove()
        return [tuple(row) for row in rows]


def controlled(page) -> None:
    """Wait until the service worker is active (it has kept the form and what the form
    needs), then reload so that it controls the page."""
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()
    assert page.evaluate("!!navigator.serviceWorker.controller")


def test_an_intake_made_offline_is_sent_once_when_signal_returns(live_app, phone_page):
    seeded = seed_caseworker(live_app)
    base = live_app.config["LIVE_URL"]
    page = phone_page
    status = page.locator("[data-offline-status]")
    log_in_with_password(page, base, seeded["email"])
    page.goto(f"{base}/cases/new")
    controlled(page)

    page.context.set_offline(True)
    page.reload()  # no signal: the form opens from the phone
    expect(page.locator("h1")).to_have_text("Nuova presa in carico")
    page.select_option("#language", "ar")  # the consent text to read out follows
    expect(page.locator("[data-consent-text]")).to_have_attribute("lang", "ar")
    page.fill("#first_name", ALIAS)
    page.select_option("#unit", str(seeded["unit"]))
    page.fill("#zone", "Ponte Garibaldi")
    page.check("input[name=needs][value=basic_needs]")
    page.check("input[name=needs][value=legal]")
    page.check("input[name=consent_method][value=verbal]")
    page.fill("#interpreter", "Mediatore Karim")
    page.click(SUBMIT)
    expect(status).to_contain_text("Nessuna rete")
    expect(status).to_contain_text("1 presa in carico da inviare")
    assert intakes_of(live_app, ALIAS) == []
    assert page.input_value("#first_name") == ""  # ready for the next person

    page.reload()  # still offline: the page comes from the phone, the intake still waits
    expect(status).to_contain_text("In attesa di rete: 1")

    page.context.set_offline(False)
    expect(status).to_contain_text("inviate", timeout=10_000)
    sent = intakes_of(live_app, ALIAS)
    assert len(sent) == 1
    intake_id, key, interpreter = sent[0]
    assert re.fullmatch(r"[0-9a-f]{32}", key) and interpreter == "Mediatore Karim"
    assert page.evaluate("localStorage.getItem('civic-intake-queue')") == "[]"

    # The answer was lost on the way and the phone sends the same form again: still one.
    queued = {"key": key, "url": "/cases/new", "label": ALIAS, "check": False}
    queued["body"] = f"csrf_token=x&client_key={key}&first_name={ALIAS}&consent_method=verbal"
    page.evaluate(
        "item => localStorage.setItem('civic-intake-queue', JSON.stringify([item]))", queued
    )
    page.reload()
    expect(status).to_contain_text("inviate", timeout=10_000)
    assert intakes_of(live_app, ALIAS) == sent

    page.goto(f"{base}/cases/{intake_id}")
    expect(page.locator("h1")).to_contain_text(ALIAS)
    expect(page.locator("main")).to_contain_text("Unità mobile Termini")
    expect(page.locator("main")).to_contain_text("Mediatore Karim")
    # The phone keeps the form, never a case.
    cached = page.evaluate(
        """async () => {
             const urls = [];
             for (const name of await caches.keys()) {
               for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
             }
             return urls;
           }"""
    )
    assert any(url.endswith("/cases/new") for url in cached)
    assert not [url for url in cached if re.search(r"/cases/\d+", url)]


def test_without_javascript_the_plain_form_works(live_app, browser):
    seeded = seed_caseworker(live_app)
    base = live_app.config["LIVE_URL"]
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    log_in_with_password(page, base, seeded["email"])
    page.goto(f"{base}/cases/new")
    page.fill("#first_name", "Nadia")
    page.check("input[name=consent_method][value=written]")
    page.click(SUBMIT)
    expect(page.locator(".flash")).to_contain_text("Presa in carico registrata")
    assert len(intakes_of(live_app, "Nadia")) == 1
    assert re.search(r"/cases/\d+$", page.url)
    context.close()


def add_participant(app, phone: str) -> int:
    from civic_app.core.models import Municipality
    from civic_app.core.permissions import Role

    with app.app_context():
        roma = db.session.scalar(db.select(Municipality).where(Municipality.slug == "roma"))
        person = User(
            role=Role.PARTICIPANT,
            municipality_id=roma.id,
            first_name="Amina",
            phone=phone,
            birth_year=1990,
        )
        db.session.add(person)
        db.session.commit()
        person_id = person.id
        db.session.remove()
        return person_id


def test_a_known_person_met_offline_is_offered_when_signal_returns(live_app, phone_page):
    """Sent from the queue, the form comes back with a match: the caseworker chooses."""
    seeded = seed_caseworker(live_app)
    known = add_participant(live_app, "+393470000301")
    base = live_app.config["LIVE_URL"]
    page = phone_page
    log_in_with_password(page, base, seeded["email"])
    page.goto(f"{base}/cases/new")
    controlled(page)
    page.context.set_offline(True)
    page.fill("#phone", "347 000 0301")
    page.fill("#first_name", "Amina B.")
    page.check("input[name=consent_method][value=verbal]")
    page.click(SUBMIT)
    expect(page.locator("[data-offline-status]")).to_contain_text("Nessuna rete")

    page.context.set_offline(False)
    review = page.locator("[data-offline-review]")
    expect(review).to_be_visible(timeout=10_000)
    expect(review).to_contain_text("Amina B.")
    assert intakes_of(live_app, "Amina") == []
    review.get_by_role("button", name="Apri").click()
    assert page.input_value("#phone") == "347 000 0301"
    page.click(SUBMIT)
    expect(page.locator("#person")).to_contain_text("Usa questa persona: Amina, 1990")
    page.check(f"input[name=person][value='{known}']")
    page.click(SUBMIT)
    expect(page.locator(".flash")).to_contain_text("Presa in carico registrata")
    assert len(intakes_of(live_app, "Amina")) == 1
    assert page.evaluate("localStorage.getItem('civic-intake-queue')") == "[]"


def test_an_intake_made_offline_waits_for_the_next_login_if_the_session_ended(live_app, phone_page):
    seeded = seed_caseworker(live_app)
    base = live_app.config["LIVE_URL"]
    page = phone_page
    status = page.locator("[data-offline-status]")
    log_in_with_password(page, base, seeded["email"])
    page.goto(f"{base}/cases/new")
    page.context.set_offline(True)
    page.fill("#first_name", ALIAS)
    page.check("input[name=consent_method][value=written]")
    page.click(SUBMIT)
    expect(status).to_contain_text("Nessuna rete")

    live_app.config["SESSION_IDLE_MINUTES"] = 0  # the session ends while the phone is offline
    page.wait_for_timeout(1100)
    page.context.set_offline(False)
    page.wait_for_function("() => document.querySelector('form[data-intake]').dataset.flushed")
    # Nothing can be sent without a login: kept on the phone, not dropped.
    expect(status).to_contain_text("In attesa di rete: 1")
    assert intakes_of(live_app, ALIAS) == []

    live_app.config["SESSION_IDLE_MINUTES"] = 30
    log_in_with_password(page, base, seeded["email"])
    page.goto(f"{base}/cases/new")
    expect(status).to_contain_text("inviate", timeout=10_000)
    assert len(intakes_of(live_app, ALIAS)) == 1
