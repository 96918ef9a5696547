"""Browser tests: the site served by a real server on loopback, driven by Debian's Chromium.

Nothing downloads a browser: Playwright launches /usr/bin/chromium. Without it (or
without Playwright) these tests are skipped on a laptop and fail in CI.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.e2e.pages import live_site, seed_world

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}


def _missing(message):
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed")
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path, own_session):
    """A real server on a free loopback port over its own SQLite database (real commits)."""
    with live_site(tmp_path) as app:
        yield app


@pytest.fixture(scope="module")
def seeded_site(tmp_path_factory):
    """One server for a whole module, seeded once with the key pages' world (for modules
    whose tests only read: they override `live_app` with `seeded_site[0]`)."""
    with live_site(tmp_path_factory.mktemp("site")) as app:
        yield app, seed_world(app)


@pytest.fixture
def world(seeded_site, own_session):
    return seeded_site[1]


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="it-IT")
    page = context.new_page()
    yield page
    context.close()


DESKTOP = {"width": 1280, "height": 900}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def screenshots_dir():
    """Where the browser tests leave their screenshots: $SCREENSHOTS_DIR or artifacts/screenshots.

    CI keeps the folder as an artefact, so a person can look at the pages.
    """
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def new_context(browser):
    """`new_context("phone" | "desktop", locale=..., **options)`; closed after the test."""
    contexts = []

    def make(size: str = "phone", locale: str = "it-IT", **options):
        if size == "phone":
            options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} | options
        else:
            options = {"viewport": DESKTOP} | options
        context = browser.new_context(locale=locale, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
