"""Accessibility: axe-core finds nothing serious on the key pages; forms work by keyboard.

axe-core (npm, `node_modules/axe-core/axe.min.js`) is injected into each page with
`page.add_script_tag`. The site's Content-Security-Policy allows no script but its own
(and a nonce), so the axe runs, and only they, use a browser context with
`bypass_csp=True`; the keyboard and error tests run under the real policy.
"""

import re

import pytest
from playwright.sync_api import expect

from civic_app.core.accounts import User
from civic_app.extensions import db
from civic_app.projects.models import Project
from tests.e2e.pages import (
    AXE_SCRIPT,
    KEY_PAGES,
    LANGUAGES,
    PASSWORD,
    PHONE,
    STAFF_EMAIL,
    assert_focus_visible,
    choose_language,
    focused,
    last_code,
    log_in,
    prove_new_number,
    serious_violations,
    tab_to,
)

KEYBOARD_PHONE = "+393479990077"


@pytest.fixture
def live_app(seeded_site, own_session):
    """One server for the module, seeded once (conftest's `seeded_site`): these tests only read."""
    return seeded_site[0]


@pytest.mark.parametrize("role", list(KEY_PAGES))
def test_axe_finds_no_serious_violation_on_the_key_pages(live_app, browser, world, role):
    """Every key page of `role`, in Italian and in Arabic (right to left)."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make node` (npm ci)")
    base = live_app.config["LIVE_URL"]
    context = browser.new_context(viewport=PHONE, locale="it-IT", bypass_csp=True)
    page = context.new_page()
    log_in(page, live_app, world, role)
    found = []
    try:
        for language in LANGUAGES:
            choose_language(page, base, language)
            for template in KEY_PAGES[role]:
                url = world.url(template)
                if url == "/signup":
                    prove_new_number(page, live_app)
                else:
                    response = page.goto(base + url)
                    assert response.ok, f"{url} answered {response.status}"
                    # Not sent elsewhere (a login page would be checked in its place).
                    assert page.url == base + url, f"{url} led to {page.url}"
                assert page.locator("html").get_attribute("lang") == language
                found += [f"{language} {url} {v}" for v in serious_violations(page)]
    finally:
        context.close()
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)


@pytest.fixture
def keyboard_page(browser):
    """A phone under the site's real Content-Security-Policy (no axe here)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="it-IT")
    page = context.new_page()
    yield page
    context.close()


#: Marks the focused element; true when it was marked before.
MARK_SEEN = """() => {
  const el = document.activeElement;
  const before = el.dataset.focusSeen === '1';
  el.dataset.focusSeen = '1';
  return before;
}"""


def submit_with_enter(page) -> None:
    """Press Enter in a form field and wait for the answer page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def is_active(page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement.matches(s)", selector)


def assert_errors_announced(page, field_ids: list[str]) -> None:
    """The error summary is an alert and has the focus; each field names its error text."""
    summary = page.locator("main .error-summary")
    expect(summary).to_be_visible()
    assert summary.get_attribute("role") == "alert"
    assert is_active(page, "main .error-summary"), f"focus is on {focused(page)}"
    for field_id in field_ids:
        control = page.locator(f"#{field_id}")
        assert control.get_attribute("aria-invalid") == "true", field_id
        described = control.get_attribute("aria-describedby").split()
        assert f"{field_id}-error" in described, (field_id, described)
        error = page.locator(f"#{field_id}-error").inner_text().strip()
        assert error and error in summary.inner_text(), (field_id, error)


def test_a_new_participant_signs_up_with_the_keyboard_alone(live_app, keyboard_page, world):
    """Tab, Shift+Tab, Enter and Space only: the number, the code, the sign-up form."""
    page, base = keyboard_page, live_app.config["LIVE_URL"]
    page.goto(f"{base}/login/phone")
    tab_to(page, "#phone")
    page.keyboard.type(KEYBOARD_PHONE)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/login/code"))
    tab_to(page, "#code")
    page.keyboard.type(last_code(live_app, KEYBOARD_PHONE))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/signup"))

    # Sent empty: the errors are announced and each one leads to its field.
    tab_to(page, "#first_name")
    submit_with_enter(page)
    assert_errors_announced(page, ["first_name", "municipality"])
    page.keyboard.press("Tab")
    assert_focus_visible(page)
    assert is_active(page, "main .error-summary a[href='#first_name']")
    page.keyboard.press("Enter")
    assert is_active(page, "#first_name")

    page.keyboard.type("Samira")
    tab_to(page, "#municipality")
    page.keyboard.type("Roma")
    assert page.eval_on_selector("#municipality", "e => e.value") == "roma"
    tab_to(page, "#sectors-0")
    page.keyboard.press("Space")
    tab_to(page, "#programme_consent")
    page.keyboard.press("Space")
    tab_to(page, "#sectors-0", backwards=True)  # back to check the choice, then on again
    assert page.is_checked("#sectors-0")
    tab_to(page, "main form [type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/me(#.*)?$"))
    with live_app.app_context():
        person = db.session.scalar(db.select(User).where(User.phone == KEYBOARD_PHONE))
        assert person.first_name == "Samira" and person.municipality.slug == "roma"
        db.session.remove()


def test_staff_create_a_project_with_the_keyboard_alone(live_app, keyboard_page, world):
    page, base = keyboard_page, live_app.config["LIVE_URL"]
    page.goto(f"{base}/login")
    tab_to(page, "#email")
    page.keyboard.type(STAFF_EMAIL)
    tab_to(page, "#password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)

    page.goto(f"{base}/staff/projects/new")
    tab_to(page, "#title")
    submit_with_enter(page)
    assert_errors_announced(page, ["title", "start_date", "end_date", "capacity"])
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert is_active(page, "#title")
    page.keyboard.type("Orti condivisi")
    tab_to(page, "#description")
    page.keyboard.type("Curiamo insieme gli orti del quartiere.")
    tab_to(page, "#start_date")
    page.keyboard.type("09092027")  # day = month: the same in every date order
    tab_to(page, "#end_date")
    page.keyboard.type("11112027")
    tab_to(page, "#capacity")
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/projects/\d+(#.*)?$"))
    with live_app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.title == "Orti condivisi"))
        assert project.capacity == 12 and str(project.end_date) == "2027-11-11"
        db.session.remove()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_focus_stop_is_visible(live_app, keyboard_page, world, language):
    """Tabbing through a whole page: each control shows where the focus is (it and ar)."""
    page, base = keyboard_page, live_app.config["LIVE_URL"]
    choose_language(page, base, language)
    for url in ("/login/phone", world.url("/projects/{project}"), "/projects"):
        page.goto(base + url)
        seen = []
        for _ in range(60):
            page.keyboard.press("Tab")
            state = focused(page)
            # Stop at the page itself, or when the focus comes round to a control seen before.
            if state is None or page.evaluate(MARK_SEEN):
                break
            assert state["visible"], f"{language} {url}: no focus indicator on {state}"
            seen.append(state)
        assert len(seen) > 5, f"{language} {url}: only {len(seen)} focus stops"
