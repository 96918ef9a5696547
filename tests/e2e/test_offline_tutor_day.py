"""A tutor's whole day without signal: "I miei turni" and today's and
tomorrow's rosters open from the phone, marks made offline are sent once from whatever
page is open when the network returns, tomorrow's roster stays read-only."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from civic_app.attendance.models import Attendance, AttendanceSubmission, Mark
from civic_app.core.accounts import User
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.people.operations import set_password
from civic_app.projects.models import (
    ProjectSession,
)
from tests.e2e.pages import choose_language
from tests.e2e.tutor_day import PASSWORD, seed_tutor_day

OWNER = "/tutor/offline.owner"  # where the worker notes whose pages it keeps


def seed(app):
    """Today's session (started half an hour ago), tomorrow's, and one next week."""
    return seed_tutor_day(app, days=(0, 1, 7))


def recorded(app):
    with app.app_context():
        rows = db.session.scalars(db.select(Attendance))
        result = {(a.session_id, a.participant_id): a.mark for a in rows}
        submissions = db.session.scalar(db.select(db.func.count(AttendanceSubmission.id)))
        db.session.remove()
        return result, submissions


def queue(page):
    return page.evaluate("JSON.parse(localStorage.getItem('civic-roster-queue') || '[]').length")


def log_in(page, base):
    page.goto(f"{base}/login")
    page.fill("#email", "luca@example.org")
    page.fill("#password", PASSWORD)
    page.click("input[type=submit]")


def test_a_day_without_signal(live_app, phone_page, screenshots_dir):
    (today, tomorrow, next_week), ids = seed(live_app)
    base = live_app.config["LIVE_URL"]
    page = phone_page
    page.set_default_timeout(10_000)
    log_in(page, base)

    # With signal, in the morning: "I miei turni" once, and the phone keeps the day.
    page.goto(f"{base}/tutor")
    expect(page.locator("html[data-offline-kept]")).to_have_attribute("data-offline-kept", "3")
    kept = page.evaluate(
        "caches.open('civic-tutor-pages').then(c => c.keys())"
        ".then(ks => ks.map(r => new URL(r.url).pathname).sort())"
    )
    assert kept == sorted(
        [
            "/tutor",
            f"/tutor/sessions/{today}",
            f"/tutor/sessions/{tomorrow}",
            "/tutor/offline.owner",
        ]
    )  # next week's roster is not kept, nor any other page

    page.context.set_offline(True)
    page.reload()
    note = page.locator("[data-offline-note]")
    expect(note).to_contain_text("Senza rete: pagina com'era alle")
    expect(note).to_contain_text(":")
    expect(page.get_by_role("heading", name="I miei turni")).to_be_visible()
    page.screenshot(path=str(screenshots_dir / "offline-tutor-home.png"), full_page=True)

    # Today's roster, never opened before: from the phone, with its form.
    page.click(f"a[href='/tutor/sessions/{today}'] >> nth=0")
    expect(page.locator("[data-offline-note]")).to_be_visible()
    expect(page.locator("form[data-roster]")).to_be_visible()
    page.check(f"input[name=mark-{ids['Yusuf']}][value=absent]")
    page.click("input[type=submit][value='Salva le presenze']")
    expect(page.locator("[data-offline-status]")).to_contain_text("Nessuna rete")
    page.screenshot(path=str(screenshots_dir / "offline-roster.png"), full_page=True)
    assert queue(page) == 1
    page.click("input[type=submit][value='Salva le presenze']")  # a second tap: still one
    assert queue(page) == 1

    # Tomorrow's roster: who is expected, nothing to mark.
    page.goto(f"{base}/tutor")
    page.click(f"a[href='/tutor/sessions/{tomorrow}'] >> nth=0")
    expect(page.locator(".roster-not-open")).to_contain_text("non è ancora cominciato")
    expect(page.locator(".roster-read-only")).to_contain_text("Yusuf")
    assert page.locator("input[type=radio]").count() == 0
    assert page.locator("form[data-roster]").count() == 0

    # Back on today's roster: the marks that wait are the ones shown.
    page.goto(f"{base}/tutor/sessions/{today}")
    expect(page.locator(f"input[name=mark-{ids['Yusuf']}][value=absent]")).to_be_checked()
    expect(page.locator("[data-offline-status]")).to_contain_text("In attesa di rete: 1")

    # A page the phone did not keep: the offline page, not the browser's error.
    page.goto(f"{base}/me/calendar")
    expect(page.get_by_role("heading", name="Senza rete")).to_be_visible()
    expect(page.locator("[data-offline-status]")).to_contain_text("In attesa di rete: 1")
    page.screenshot(path=str(screenshots_dir / "offline-queued.png"), full_page=True)
    assert recorded(live_app) == ({}, 0)

    # Signal again, on the offline page: the marks go, once, and the queue empties.
    page.context.set_offline(False)
    expect(page.locator("[data-offline-status]")).to_contain_text("inviate")
    marks, submissions = recorded(live_app)
    assert marks == {(today, ids["Yusuf"]): Mark.ABSENT, (today, ids["Amina"]): Mark.PRESENT}
    assert submissions == 1
    assert queue(page) == 0

    page.goto(f"{base}/tutor")  # nothing is sent twice
    page.goto(f"{base}/tutor/sessions/{today}")
    page.wait_for_timeout(500)
    assert recorded(live_app)[1] == 1
    expect(page.locator("[data-offline-note]")).to_have_count(0)  # online: the real page


def test_logging_out_drops_the_kept_pages(live_app, phone_page):
    seed(live_app)
    base = live_app.config["LIVE_URL"]
    page = phone_page
    log_in(page, base)
    page.goto(f"{base}/tutor")
    expect(page.locator("html[data-offline-kept]")).to_have_attribute("data-offline-kept", "3")
    page.click("button:has-text('Esci')")
    expect(page.locator(".flash")).to_contain_text("Sei uscito")
    names = page.evaluate("caches.keys()")
    assert "civic-tutor-pages" not in names
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    page.context.set_offline(True)
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(f"{base}/tutor")  # nothing left on the phone: the browser's own error


def test_a_tutor_s_phone_forgets_when_staff_log_in_on_it(live_app, phone_page):
    seed(live_app)
    with live_app.app_context():
        staff = User(
            role=Role.STAFF,
            municipality=db.session.scalar(db.select(Municipality)),
            first_name="Sara",
            email="sara@example.org",
        )
        set_password(staff, PASSWORD)
        db.session.add(staff)
        db.session.commit()
        db.session.remove()
    base = live_app.config["LIVE_URL"]
    page = phone_page
    log_in(page, base)
    page.goto(f"{base}/tutor")
    expect(page.locator("html[data-offline-kept]")).to_have_attribute("data-offline-kept", "3")
    page.context.clear_cookies()  # the tutor's session ends without logging out
    page.goto(f"{base}/login")
    page.fill("#email", "sara@example.org")
    page.fill("#password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    page.wait_for_timeout(300)
    assert "civic-tutor-pages" not in page.evaluate("caches.keys()")


def test_tomorrow_s_kept_roster_opens_at_its_start_but_the_server_decides(
    live_app, phone_page, screenshots_dir
):
    """Still offline the next morning: the kept roster brings its form out when the phone's
    clock reaches the start. Sent while the server's clock says the session has not begun,
    it is refused (409), leaves the queue, and the tutor is told."""
    (_today, tomorrow, _next_week), ids = seed(live_app)
    base = live_app.config["LIVE_URL"]
    page = phone_page
    page.set_default_timeout(10_000)
    log_in(page, base)
    page.goto(f"{base}/tutor")
    expect(page.locator("html[data-offline-kept]")).to_have_attribute("data-offline-kept", "3")

    page.context.set_offline(True)
    page.goto(f"{base}/tutor/sessions/{tomorrow}")
    expect(page.locator(".roster-not-open")).to_be_visible()
    assert page.locator("input[type=radio]").count() == 0

    with live_app.app_context():
        starts = db.session.get(ProjectSession, tomorrow).starts_at
        db.session.remove()
    page.clock.set_fixed_time(starts + timedelta(minutes=5))  # the phone's clock, next day
    page.reload()
    expect(page.locator("form[data-roster]")).to_be_visible()
    expect(page.locator(".roster-not-open")).to_have_count(0)
    page.check(f"input[name=mark-{ids['Amina']}][value=late]")
    page.click("input[type=submit][value='Salva le presenze']")
    expect(page.locator("[data-offline-status]")).to_contain_text("Nessuna rete")
    assert queue(page) == 1

    page.clock.set_fixed_time(datetime.now(UTC))  # back to today, for the test's sake
    page.context.set_offline(False)
    expect(page.locator("[data-offline-status]")).to_contain_text("rifiutato 1 invio")
    assert recorded(live_app) == ({}, 0)
    assert queue(page) == 0


def test_the_kept_pages_in_arabic_right_to_left(live_app, phone_page, screenshots_dir):
    (today, _tomorrow, _next_week), _ids = seed(live_app)
    base = live_app.config["LIVE_URL"]
    page = phone_page
    log_in(page, base)
    choose_language(page, base, "ar")
    page.goto(f"{base}/tutor")
    expect(page.locator("html[data-offline-kept]")).to_have_attribute("data-offline-kept", "3")
    page.context.set_offline(True)
    page.goto(f"{base}/tutor/sessions/{today}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("[data-offline-note]")).to_be_visible()
    page.screenshot(path=str(screenshots_dir / "offline-roster-ar.png"), full_page=True)
    page.goto(f"{base}/me/calendar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("main.offline-page h1")).to_be_visible()
    page.screenshot(path=str(screenshots_dir / "offline-page-ar.png"))
