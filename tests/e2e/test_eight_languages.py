"""The web in all eight languages (issue 22, point 6), in Chromium at 360 px: every key page
(home and marketplace, a project, log-in, sign-up, the participant's, tutor's and staff's
first page) in it, en, fr, ar, es, bn, ur and uk: the page says its language, Arabic and
Urdu are right to left, axe-core finds nothing serious or critical, nothing scrolls
sideways, and a screenshot is saved as `lang-<page>-<lang>-360.png`.

Arabic, Urdu and Bengali pages use the fonts shipped in static/fonts (Noto): the page's
font is theirs, it loads, and it has real glyphs for the script (a word measured in it is
not the width of the fallback's). A page in any other language downloads neither of them,
only the switcher's two tiny subsets.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import (
    AXE_SCRIPT,
    choose_language,
    log_in,
    prove_new_number,
    serious_violations,
)

LANGUAGES = ("it", "en", "fr", "ar", "es", "bn", "ur", "uk")
RTL = ("ar", "ur")
#: The page font of each script's languages, and a word of it to measure.
SCRIPT_FONTS = {
    "ar": ("Civic Arabic", "العربية"),
    "ur": ("Civic Arabic", "اردو زبان"),
    "bn": ("Civic Bengali", "বাংলা ভাষা"),
}
#: Who sees which key pages: (name in the screenshot, path template).
PAGES = {
    "anonymous": [("home", "/"), ("project", "/projects/{project}"), ("login", "/login")],
    "signup": [("signup", "/signup")],
    "participant": [("me", "/me")],
    "tutor": [("tutor", "/tutor")],
    "staff": [("staff-today", "/staff/today")],
}
NAMES = ("Italiano", "English", "Français", "العربية", "Español", "বাংলা", "اردو", "Українська")

#: Is `text` drawn with `family`'s own glyphs? Measured against the fallback alone.
REAL_GLYPHS = """async ([family, text]) => {
  await document.fonts.load(`16px "${family}"`, text);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = `16px "${family}", monospace`;
  const own = ctx.measureText(text).width;
  ctx.font = '16px monospace';
  return {loaded: document.fonts.check(`16px "${family}"`, text),
          differs: Math.abs(own - ctx.measureText(text).width) > 0.5};
}"""


@pytest.fixture
def live_app(seeded_site, own_session):
    return seeded_site[0]


def font_requests(page) -> list[str]:
    return [url for url in page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"
    ) if url.endswith(".woff2")]  # fmt: skip


def check_language(page, language: str) -> None:
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    direction = "rtl" if language in RTL else "ltr"
    assert html.get_attribute("dir") == direction
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == direction
    switcher = page.locator("footer .language-switch button[name=lang]")
    expect(switcher).to_have_count(len(LANGUAGES))
    assert switcher.all_inner_texts() == list(NAMES)
    family = page.evaluate("getComputedStyle(document.querySelector('main')).fontFamily")
    if language in SCRIPT_FONTS:
        font, word = SCRIPT_FONTS[language]
        assert family.startswith(f'"{font}"'), family
        glyphs = page.evaluate(REAL_GLYPHS, [font, word])
        assert glyphs == {"loaded": True, "differs": True}, (language, glyphs)
    else:
        assert "Civic" not in family, family
        page.evaluate("document.fonts.ready.then(() => true)")
        loaded = [name.rsplit("/", 1)[-1] for name in font_requests(page)]
        assert set(loaded) <= {"names-arabic.woff2", "names-bengali.woff2"}, loaded
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"{language}: scrolls sideways ({width})"


@pytest.mark.parametrize("who", list(PAGES))
def test_key_pages_in_all_eight_languages(live_app, world, new_context, screenshots_dir, who):
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make node` (npm ci)")
    base = live_app.config["LIVE_URL"]
    page = new_context("phone", bypass_csp=True).new_page()
    if who == "signup":
        prove_new_number(page, live_app, phone="+393479990088")
    elif who != "anonymous":
        log_in(page, live_app, world, who)
    found = []
    for language in LANGUAGES:
        choose_language(page, base, language)
        for name, template in PAGES[who]:
            path = world.url(template)
            response = page.goto(base + path)
            assert response.ok, f"{path} answered {response.status} in {language}"
            assert re.sub(r"\?.*", "", page.url).endswith(path), page.url
            check_language(page, language)
            page.screenshot(
                path=screenshots_dir / f"lang-{name}-{language}-360.png", full_page=True
            )
            found += [f"{language} {path} {v}" for v in serious_violations(page)]
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)


def test_the_switcher_names_every_language_whole_on_an_italian_page(
    live_app, new_context, screenshots_dir
):
    """Its Arabic, Urdu and Bengali names are drawn by the tiny subsets, not the fallback."""
    page = new_context("phone").new_page()
    page.goto(live_app.config["LIVE_URL"] + "/projects")
    for code, word in (("ar", "العربية"), ("ur", "اردو"), ("bn", "বাংলা")):
        button = page.locator(f"footer button[name=lang][value={code}]")
        assert button.evaluate("b => getComputedStyle(b).fontFamily").startswith('"Civic Names"')
        assert page.evaluate(REAL_GLYPHS, ["Civic Names", word]) == {
            "loaded": True,
            "differs": True,
        }
    footer = page.locator("footer")
    footer.scroll_into_view_if_needed()
    footer.screenshot(path=screenshots_dir / "lang-switcher-it-360.png")
    assert footer.locator(".language-switch").bounding_box()["width"] <= 360


def test_staff_translate_a_project_into_seven_languages_on_a_phone(
    live_app, world, new_context, screenshots_dir
):
    """One folded section per language, named and marked "to complete"; the Urdu one
    writes right to left; the form fits 360 px and stays axe-clean with all of them open."""
    base = live_app.config["LIVE_URL"]
    page = new_context("phone", bypass_csp=True).new_page()
    log_in(page, live_app, world, "staff")
    page.goto(base + "/staff/projects/new")
    page.locator("#translations > summary").click()
    sections = page.locator("#translations details.translation-language")
    expect(sections).to_have_count(7)
    for section in sections.all():
        section.locator("summary").click()
    expect(page.locator("#translation-ur [dir=rtl] #title_ur")).to_be_visible()
    expect(page.locator("#translation-bn summary")).to_contain_text("বাংলা")
    expect(page.locator("#translation-bn summary .translation-hint")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), width
    page.screenshot(path=screenshots_dir / "lang-staff-project-form-it-360.png", full_page=True)
    assert not serious_violations(page)
