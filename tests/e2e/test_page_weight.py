"""Low bandwidth: participant pages weigh at most 60 KB on first load and work without JavaScript.

The weight is what crosses the wire on a first visit with an empty cache: for every HTML,
CSS, JavaScript and font response, Chromium's `encodedDataLength` (DevTools protocol,
Network.loadingFinished): the bytes received, headers included, compressed if the server
compressed. Images are measured and shown, but not counted (the budget is for what blocks
reading the page). The figures are printed as a table (`pytest -s` shows them).
"""

import re

import pytest

from civic_app.extensions import db
from civic_app.plans.models import PlanSignature
from civic_app.projects.models import Enrolment
from tests.e2e.pages import (
    PARTICIPANT_PAGES,
    PHONE,
    add_participant_with_draft_plan,
    last_code,
    log_in_with_code,
    prove_new_number,
)

BUDGET = 60 * 1024
COUNTED = {"Document", "Stylesheet", "Script", "Font"}


@pytest.fixture
def live_app(seeded_site, own_session):
    """One server for the module, seeded once (conftest's `seeded_site`): these tests only read."""
    return seeded_site[0]


def phone_context(browser, **options):
    return browser.new_context(viewport=PHONE, is_mobile=True, locale="it-IT", **options)


def first_load(browser, url: str, storage_state=None) -> dict[str, int]:
    """Bytes on the wire per resource type for one page, in a context with an empty cache."""
    context = phone_context(browser, storage_state=storage_state)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    types, sizes = {}, {}
    cdp.on("Network.responseReceived", lambda e: types.__setitem__(e["requestId"], e["type"]))
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    response = page.goto(url, wait_until="load")
    assert response.ok, f"{url} answered {response.status}"
    page.wait_for_load_state("networkidle")
    final_url = page.url
    context.close()
    totals: dict[str, int] = {"_url": final_url}
    for request_id, size in sizes.items():
        kind = types.get(request_id, "Other")
        totals[kind] = totals.get(kind, 0) + size
    return totals


def test_participant_pages_weigh_at_most_60_kb(live_app, browser, world):
    base = live_app.config["LIVE_URL"]
    # Logged in once; each page is then loaded by a fresh context that only has the cookie.
    context = phone_context(browser)
    page = context.new_page()
    prove_new_number(page, live_app)
    signup_state = context.storage_state()
    context.close()
    context = phone_context(browser)
    page = context.new_page()
    log_in_with_code(page, live_app, world.participant_phone)
    participant_state = context.storage_state()
    context.close()

    rows, over = [], []
    for template, logged_in in PARTICIPANT_PAGES:
        path = world.url(template)
        state = participant_state if logged_in else (signup_state if path == "/signup" else None)
        totals = first_load(browser, base + path, storage_state=state)
        counted = sum(v for k, v in totals.items() if k in COUNTED)
        assert totals["_url"].endswith(path), f"{path} ended at {totals['_url']}"
        rows.append((path, totals, counted))
        if counted > BUDGET:
            over.append(f"{path}: {counted} bytes")

    header = f"{'page':<20}{'HTML':>8}{'CSS':>8}{'JS':>8}{'fonts':>8}{'total':>9}{'images':>9}"
    lines = ["", "First load on a phone, empty cache, bytes on the wire:", header]
    for path, totals, counted in rows:
        lines.append(
            f"{path:<20}{totals.get('Document', 0):>8}{totals.get('Stylesheet', 0):>8}"
            f"{totals.get('Script', 0):>8}{totals.get('Font', 0):>8}{counted:>9}"
            f"{totals.get('Image', 0):>9}"
        )
    lines.append(f"budget: {BUDGET} bytes (HTML + CSS + JS + fonts)")
    print("\n".join(lines))
    assert not over, "over the 60 KB budget:\n" + "\n".join(over)


def test_without_javascript_a_participant_logs_in_joins_and_signs_the_plan(
    live_app, browser, world
):
    """Plain forms only: the code login, /me, asking to join a project, signing the plan."""
    base = live_app.config["LIVE_URL"]
    person = add_participant_with_draft_plan(live_app)
    context = phone_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in_with_code(page, live_app, person["phone"])
        assert re.search(r"/me$", page.url), page.url
        assert page.locator("main h1").count() == 1

        page.goto(base + world.url("/projects/{project}"))
        page.locator("form[action$='/join'] button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".flash").count() == 1, page.content()

        page.goto(f"{base}/me/plan")
        page.locator("form[action$='/me/plan/code'] button[type=submit]").click()
        page.wait_for_load_state()
        page.fill("#code", last_code(live_app, person["phone"]))
        page.locator("main form:has(#code) button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".flash-success").count() == 1, page.content()
    finally:
        context.close()

    with live_app.app_context():
        joined = db.session.scalar(
            db.select(Enrolment).where(
                Enrolment.participant_id == person["participant"],
                Enrolment.project_id == world.ids["project"],
            )
        )
        signature = db.session.scalar(
            db.select(PlanSignature).where(PlanSignature.plan_id == person["plan"])
        )
        assert joined is not None
        assert signature is not None and signature.signer_role == "participant"
        db.session.remove()
