"""A tutor in a park without signal marks attendance; it is sent once when signal returns."""

from playwright.sync_api import expect

from civic_app.attendance.models import Attendance, AttendanceSubmission, Mark
from civic_app.extensions import db
from tests.e2e.tutor_day import PASSWORD, seed_tutor_day


def seed(app):
    [session_id], people = seed_tutor_day(app)
    return session_id, people["Yusuf"]


def marks(app, session_id):
    with app.app_context():
        rows = db.session.scalars(db.select(Attendance).where(Attendance.session_id == session_id))
        result = {a.participant_id: a.mark for a in rows}
        submissions = db.session.scalar(db.select(db.func.count(AttendanceSubmission.id)))
        db.session.remove()
        return result, submissions


def test_marks_made_offline_are_sent_once_when_signal_returns(live_app, phone_page):
    session_id, yusuf_id = seed(live_app)
    base = live_app.config["LIVE_URL"]
    page = phone_page
    page.goto(f"{base}/login")
    page.fill("#email", "luca@example.org")
    page.fill("#password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{base}/tutor/sessions/{session_id}")
    if not page.context.service_workers:
        page.context.wait_for_event("serviceworker")
    page.reload()  # the service worker now controls the page and keeps a copy of it
    page.reload()

    page.context.set_offline(True)
    page.check(f"input[name=mark-{yusuf_id}][value=absent]")
    page.click("input[type=submit][value='Salva le presenze']")
    expect(page.locator("[data-offline-status]")).to_contain_text("Nessuna rete")
    assert marks(live_app, session_id) == ({}, 0)

    page.reload()  # still offline: the page comes from the phone, the mark still waits
    expect(page.locator("[data-offline-status]")).to_contain_text("In attesa di rete: 1")

    page.context.set_offline(False)
    expect(page.locator("[data-offline-status]")).to_contain_text("inviate", timeout=10_000)
    recorded, submissions = marks(live_app, session_id)
    assert recorded[yusuf_id] == Mark.ABSENT and len(recorded) == 2
    assert submissions == 1
    page.reload()  # nothing is sent twice
    page.wait_for_timeout(500)
    assert marks(live_app, session_id)[1] == 1


def test_without_javascript_the_plain_form_works(live_app, browser):
    session_id, yusuf_id = seed(live_app)
    base = live_app.config["LIVE_URL"]
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#email", "luca@example.org")
    page.fill("#password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{base}/tutor/sessions/{session_id}")
    page.check(f"input[name=mark-{yusuf_id}][value=late]")
    page.click("input[type=submit][value='Salva le presenze']")
    assert "Presenze salvate" in page.content()
    assert marks(live_app, session_id)[0][yusuf_id] == Mark.LATE
    context.close()


def test_marks_made_offline_wait_for_the_next_login_if_the_session_ended(live_app, phone_page):
    session_id, yusuf_id = seed(live_app)
    base = live_app.config["LIVE_URL"]
    page = phone_page

    def log_in():
        page.goto(f"{base}/login")
        page.fill("#email", "luca@example.org")
        page.fill("#password", PASSWORD)
        page.click("input[type=submit]")

    log_in()
    page.goto(f"{base}/tutor/sessions/{session_id}")
    page.context.set_offline(True)
    page.check(f"input[name=mark-{yusuf_id}][value=absent]")
    page.click("input[type=submit][value='Salva le presenze']")
    expect(page.locator("[data-offline-status]")).to_contain_text("Nessuna rete")

    live_app.config["SESSION_IDLE_MINUTES"] = 0  # the session ends while the phone is offline
    page.wait_for_timeout(1100)
    page.context.set_offline(False)
    # Sent, answered with the login page: kept on the phone, not dropped.
    expect(page.locator("[data-offline-status]")).to_contain_text("In attesa di rete: 1")
    assert marks(live_app, session_id) == ({}, 0)

    live_app.config["SESSION_IDLE_MINUTES"] = 30
    log_in()
    page.goto(f"{base}/tutor/sessions/{session_id}")
    expect(page.locator("[data-offline-status]")).to_contain_text("inviate", timeout=10_000)
    assert marks(live_app, session_id)[0][yusuf_id] == Mark.ABSENT
