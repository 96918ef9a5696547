"""Little things found in the walk, in a browser with JavaScript off: the staff menu takes
at most two lines of a phone, and the marketplace's filters are open on a wide screen and
folded on a phone; in Italian and in Arabic (right to left)."""

import pytest

from civic_app.core.accounts import User
from civic_app.extensions import db
from tests.e2e.pages import LANGUAGES, STAFF_EMAIL, choose_language, log_in_with_password

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def live_app(seeded_site, own_session):
    """One server for the module, seeded once: a staff member with every grant."""
    app = seeded_site[0]
    with app.app_context():
        staff = db.session.scalar(db.select(User).where(User.email == STAFF_EMAIL))
        staff.grants = ",casework,housing,"
        db.session.commit()
        db.session.remove()
    return app


def shot_name(language: str, name: str) -> str:
    return f"{name}.png" if language == "it" else f"{language}-{name}.png"


def no_js(browser, size: dict):
    return browser.new_context(locale="it-IT", java_script_enabled=False, **size)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_staff_menu_takes_at_most_two_lines_on_a_phone(
    live_app, browser, screenshots_dir, language
):
    base = live_app.config["LIVE_URL"]
    context = no_js(browser, PHONE)
    page = context.new_page()
    try:
        log_in_with_password(page, base, STAFF_EMAIL)
        choose_language(page, base, language)
        page.goto(f"{base}/staff/projects")
        nav = page.locator("header nav")
        line = page.locator("header nav .nav > li").first.bounding_box()["height"]
        height = nav.bounding_box()["height"]
        page.screenshot(path=str(screenshots_dir / shot_name(language, "little-nav-staff-phone")))
        assert height <= 2 * line + 8, f"the menu is {height}px high, lines of {line}px"
        # Everything else is one tap away, under "Altro", without JavaScript.
        dashboard = page.locator("header .nav-more-list a[href='/staff/reports']")
        assert not dashboard.is_visible()
        page.locator("header .nav-more-toggle summary").click()
        assert dashboard.is_visible()
        assert page.locator("header .nav-more-list a[href='/housing/dwellings']").is_visible()
        assert page.locator("header .nav-more-list a[href='/cases']").is_visible()
        assert page.locator("header .nav-more-list button[type=submit]").is_visible()  # Esci
        page.screenshot(
            path=str(screenshots_dir / shot_name(language, "little-nav-staff-phone-open"))
        )
        dashboard.click()
        page.wait_for_load_state()
        assert page.url == f"{base}/staff/reports"
    finally:
        context.close()


def test_the_staff_menu_shows_every_link_on_a_desktop(live_app, browser, screenshots_dir):
    base = live_app.config["LIVE_URL"]
    context = no_js(browser, DESKTOP)
    page = context.new_page()
    try:
        log_in_with_password(page, base, STAFF_EMAIL)
        page.goto(f"{base}/staff/projects")
        page.screenshot(path=str(screenshots_dir / "little-nav-staff-desktop.png"))
        assert not page.locator("header .nav-more-toggle").is_visible()
        for href in ("/staff/reports", "/housing/dwellings", "/cases", "/staff/participants"):
            assert page.locator(f"header nav a[href='{href}']").is_visible(), href
    finally:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_filters_are_open_on_a_desktop_and_folded_on_a_phone(
    live_app, browser, screenshots_dir, language
):
    base = live_app.config["LIVE_URL"]
    for size, name, visible in ((DESKTOP, "little-filters-desktop", True),
                                (PHONE, "little-filters-phone", False)):  # fmt: skip
        context = no_js(browser, size)
        page = context.new_page()
        try:
            choose_language(page, base, language)
            page.goto(f"{base}/projects")
            page.screenshot(path=str(screenshots_dir / shot_name(language, name)))
            for selector in ("#q", "#municipality", "#date_from", "#date_to"):
                assert page.locator(selector).is_visible() is visible, (name, selector)
            toggle = page.locator(".filters-toggle summary")
            assert toggle.is_visible() is not visible
            if not visible:  # one tap opens them on a phone
                toggle.click()
                assert page.locator("#q").is_visible()
                assert page.locator("#date_to").is_visible()
        finally:
            context.close()
