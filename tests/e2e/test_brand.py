"""A configured brand in a real browser: its name and colours, under the real CSP, with no
serious accessibility finding, in Italian and in Arabic, at phone width.

Screenshots: brand-configured-it.png and brand-configured-ar.png (phone, the home page),
brand-configured-desktop-it.png (desktop, the projects page).
"""

import pytest

from civic_app.core.clock import now
from civic_app.core.network import ensure_network
from civic_app.extensions import db
from civic_app.seeding.demo_projects import seed_demo_projects
from tests.e2e.pages import AXE_SCRIPT, PHONE, choose_language, live_site, serious_violations

BRAND = {
    "BRAND_NAME": "Comuni Insieme",
    "BRAND_NETWORK": "Rete Accoglienza Solidale",
    "SMS_BRAND": "ComuniInsieme",
    "BRAND_COLOR": "#6a1b4d",  # a plum: 11:1 on white
    "BRAND_COLOR_DARK": "#4a1236",
}
PLUM = "rgb(106, 27, 77)"


@pytest.fixture(scope="module")
def branded_site(tmp_path_factory):
    with live_site(tmp_path_factory.mktemp("brand"), **BRAND) as app:
        with app.app_context():
            seed_demo_projects(ensure_network(), now())
            db.session.commit()
            db.session.remove()
        yield app


@pytest.fixture
def live_app(branded_site, own_session):
    return branded_site


def header_colour(page) -> str:
    return page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")


@pytest.mark.parametrize("language", ["it", "ar"])
def test_the_configured_brand_shows_under_the_real_csp(
    live_app, new_context, screenshots_dir, language
):
    base = live_app.config["LIVE_URL"]
    page = new_context("phone", locale="it-IT").new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{base}/projects")
    choose_language(page, base, language)
    page.goto(f"{base}/")
    assert page.locator("header .brand").inner_text() == "Comuni Insieme"
    assert page.title().endswith(" · Comuni Insieme")
    footer = page.locator("footer p.small").inner_text()
    assert "Comuni Insieme" in footer and "Rete Accoglienza Solidale" in footer
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    # The inline colours are let in by their hash: the header is plum, nothing was refused.
    assert header_colour(page) == PLUM
    assert refused == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways at {width}px"
    page.screenshot(path=str(screenshots_dir / f"brand-configured-{language}.png"), full_page=True)


def test_the_configured_colours_keep_axe_quiet(live_app, browser, screenshots_dir):
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make node` (npm ci)")
    base = live_app.config["LIVE_URL"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found = []
    try:
        for language in ("it", "ar"):
            choose_language(page, base, language)
            for url in ("/", "/projects", "/login", "/login/phone"):
                page.goto(f"{base}{url}")
                found += [f"{language} {url} {line}" for line in serious_violations(page)]
        choose_language(page, base, "it")
        page.goto(f"{base}/projects")
        page.screenshot(path=str(screenshots_dir / "brand-configured-desktop-it.png"))
    finally:
        context.close()
    assert found == []
