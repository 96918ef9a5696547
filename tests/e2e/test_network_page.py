"""Issue 26: the national coordinator's first page, in Chromium, read at a glance.

The coordinator logs in and `/` lands on /network: the three targets with their bars
and this month's progress come before any table; the municipalities with nothing in the
period are one line whose names open behind a disclosure; the long tables are closed
toggles that open on a click, also with JavaScript off. At phone width (360 px) nothing
is wider than the page, in Italian, Arabic (right to left), English and French; axe-core
finds nothing serious. Screenshots: network-<lang>-<width>.png in `screenshots_dir`.

The demo world (tests/e2e/pages.py) plus two municipalities of the network where nothing
ever happened, so that the line of the inactive ones is there whatever the demo holds.
"""

import re

import pytest
from playwright.sync_api import expect

from civic_app.core.models import Municipality
from civic_app.extensions import db
from tests.e2e.pages import AXE_SCRIPT, choose_language, log_in, serious_violations

LANGUAGES = ("it", "ar", "en", "fr")
SIZES = {"phone": 360, "desktop": 1280}
QUIET = (
    ("Comune Quieto Uno", "quieto-uno", "999001"),
    ("Comune Quieto Due", "quieto-due", "999002"),
)


@pytest.fixture(scope="module")
def site(seeded_site):
    app, world = seeded_site
    with app.app_context():
        for name, slug, istat in QUIET:
            if not db.session.scalar(db.select(Municipality.id).where(Municipality.slug == slug)):
                db.session.add(Municipality(name=name, slug=slug, region="Lazio", istat_code=istat))
        db.session.commit()
    return app, world


@pytest.fixture
def live_app(site, own_session):
    return site[0]


def _land_on_network(page, app, world, language: str) -> str:
    """Log in as the coordinator, choose `language`, open `/`: the network's page."""
    base = app.config["LIVE_URL"]
    log_in(page, app, world, "coordinator")
    choose_language(page, base, language)
    page.goto(base + "/")
    assert page.url == base + "/network", f"/ led the coordinator to {page.url}"
    return base


def _no_wider_than_the_page(page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in {widths[1]} px"


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_coordinator_lands_on_the_network_read_at_a_glance(
    live_app, site, new_context, screenshots_dir, language, size
):
    world = site[1]
    page = new_context(size).new_page()
    _land_on_network(page, live_app, world, language)
    # The page as the coordinator lands on it, every toggle closed.
    page.screenshot(path=screenshots_dir / f"network-{language}-{SIZES[size]}.png", full_page=True)
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")

    # The three targets, each with its figure, bar and month's progress, above every table.
    bars = page.locator(".target-bar")
    expect(bars).to_have_count(3)
    for key in ("taken-in-charge", "housed", "plans"):
        expect(page.locator(f"#target-{key}")).to_be_visible()
        expect(page.locator(f"#target-{key}-month")).to_contain_text("+")
        bar = page.locator(f"#target-card-{key} .target-bar")
        expect(bar).to_be_visible()
        # The bar is named by the text beside it, which holds the numbers.
        labelled = bar.get_attribute("aria-labelledby").split()
        assert labelled == [f"target-{key}-label", f"target-{key}-month"]
    first_table = page.locator("table").first
    expect(first_table).to_be_visible()
    assert first_table.get_attribute("id") == "municipalities-table"
    targets_bottom = page.locator(".targets").bounding_box()
    table_top = first_table.bounding_box()["y"]
    assert targets_bottom["y"] + targets_bottom["height"] <= table_top
    # On a phone the first target is on the first screen, without scrolling.
    first = page.locator("#target-card-taken-in-charge .target-bar").bounding_box()
    assert first["y"] + first["height"] <= page.viewport_size["height"]

    # The municipalities with nothing in the period: one line, the names behind it.
    inactive = page.locator("#inactive-municipalities")
    summary = inactive.locator("summary")
    expect(summary).to_be_visible()
    assert re.search(r"\d+", summary.inner_text())
    names = inactive.locator("li")
    expect(names.first).to_be_hidden()
    summary.click()
    expect(inactive.locator("li", has_text="Comune Quieto Uno")).to_be_visible()
    expect(inactive.locator("li", has_text="Comune Quieto Due")).to_be_visible()
    # They are not in the compact table of the active ones.
    expect(page.locator("#municipalities-table tr[data-municipality=quieto-uno]")).to_have_count(0)

    # A long table is behind a closed toggle that opens on a click.
    toggles = page.locator("details.table-toggle")
    assert toggles.count() >= 10
    assert page.locator("details.table-toggle[open]").count() == 0
    table = page.locator("#targets-by-municipality-table")
    expect(table).to_be_hidden()
    page.locator("details.table-toggle:has(#targets-by-municipality-table) > summary").click()
    expect(table).to_be_visible()

    if size == "phone":
        _no_wider_than_the_page(page)
        # Every table open: the widest ones scroll inside their wrapper, not the page.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        expect(page.locator("#by-municipality-table")).to_be_visible()
        _no_wider_than_the_page(page)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_table_toggles_open_without_javascript(live_app, site, new_context, size):
    page = new_context(size, java_script_enabled=False).new_page()
    _land_on_network(page, live_app, site[1], "it")
    table = page.locator("#trend-table")
    expect(table).to_be_hidden()
    page.locator("details.table-toggle:has(#trend-table) > summary").click()
    expect(table).to_be_visible()
    inactive = page.locator("#inactive-municipalities")
    inactive.locator("summary").click()
    expect(inactive.locator("li", has_text="Comune Quieto Uno")).to_be_visible()


def test_axe_finds_no_serious_violation_on_the_network_page(live_app, site, browser):
    """Every language, phone and desktop, with every toggle open (axe skips what is hidden)."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make node` (npm ci)")
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = context.new_page()
    found = []
    try:
        log_in(page, live_app, site[1], "coordinator")
        base = live_app.config["LIVE_URL"]
        for language in LANGUAGES:
            choose_language(page, base, language)
            for width in SIZES.values():
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(base + "/network")
                found += [f"{language} {width} closed: {v}" for v in serious_violations(page)]
                page.evaluate(
                    "() => document.querySelectorAll('details').forEach(d => d.open = true)"
                )
                found += [f"{language} {width} open: {v}" for v in serious_violations(page)]
    finally:
        context.close()
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
