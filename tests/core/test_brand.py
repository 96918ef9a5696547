"""The brand is configurable: names, logo and colours on the pages; today's look by default;
bad values fall back (logged) or stop the start with a clear message, never a 500."""

import base64
import hashlib
import logging
import re

import pytest

from civic_app.core import brand as brand_module
from civic_app.core.brand import (
    DEFAULT_COLOURS,
    SMS_BRAND_MAX,
    BrandError,
    contrast,
    load_brand,
    normalise_hex,
)
from tests.conftest import BRAND, app_with

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
HEADER_BRAND = re.compile(r'<a class="brand" href="/">(.*?)</a>', re.S)
FOOTER_LINE = re.compile(r'<footer class="site-footer">.*?<p class="small">(.*?)</p>', re.S)
STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def style_src(response) -> str:
    csp = response.headers["Content-Security-Policy"]
    return re.search(r"style-src ([^;]*)", csp).group(1)


def test_a_configured_brand_names_the_header_the_title_and_the_footer(branded_client):
    response = branded_client.get("/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert HEADER_BRAND.search(page).group(1).strip() == "Comuni Insieme"
    assert TITLE.search(page).group(1).endswith(" · Comuni Insieme")
    footer = FOOTER_LINE.search(page).group(1).strip()
    assert footer.startswith("Comuni Insieme, Rete Accoglienza Solidale: ")
    assert "civic_app" not in page


def test_the_error_pages_carry_the_brand_too(branded_client):
    page = branded_client.get("/no-such-page").get_data(as_text=True)
    assert HEADER_BRAND.search(page).group(1).strip() == "Comuni Insieme"
    assert TITLE.search(page).group(1).endswith(" · Comuni Insieme")


def test_without_configuration_the_site_looks_as_today(client):
    response = client.get("/login")
    page = response.get_data(as_text=True)
    assert HEADER_BRAND.search(page).group(1).strip() == "civic_app"
    assert TITLE.search(page).group(1).endswith(" · civic_app")
    assert FOOTER_LINE.search(page).group(1).strip() == (
        "Un programma dei Comuni della rete nazionale per l’impegno civico."
    )
    assert not STYLE.search(page)
    assert style_src(response) == "'self'"


def test_the_configured_colours_are_let_in_by_their_hash_and_nothing_else(branded_client):
    response = branded_client.get("/login")
    css = STYLE.search(response.get_data(as_text=True)).group(1)
    assert css == ":root{--brand:#1d4e89;--brand-dark:#143760}"  # the hover: 70 % of it
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert style_src(response) == f"'self' 'sha256-{digest}'"  # no 'unsafe-inline'


def test_a_programme_name_without_a_network_says_the_national_network(app):
    client = app_with(app, BRAND_NAME="Comuni Insieme").test_client()
    page = client.get("/login").get_data(as_text=True)
    assert FOOTER_LINE.search(page).group(1).strip() == (
        "Comuni Insieme: un programma dei Comuni della rete nazionale per l’impegno civico."
    )


@pytest.mark.parametrize(
    "value",
    ["red", "#12345", "#gggggg", "rgb(0,0,0)", "#ffff00", "#0b5d3b; } body { display:none"],
)
def test_a_colour_that_is_not_hex_or_too_pale_falls_back_with_a_warning(value, caplog):
    with caplog.at_level(logging.WARNING, logger="civic_app.core.brand"):
        brand = load_brand({"BRAND_COLOR": value, "BRAND_COLOR_DARK": value})
    assert brand.style == ""  # the defaults of app.css
    assert [r.getMessage() for r in caplog.records if "BRAND_COLOR=" in r.getMessage()]
    assert [r.getMessage() for r in caplog.records if "BRAND_COLOR_DARK=" in r.getMessage()]


def test_bad_colours_still_serve_the_page_in_todays_colours(app, caplog):
    with caplog.at_level(logging.WARNING, logger="civic_app.core.brand"):
        client = app_with(app, BRAND_NAME="Comuni Insieme", BRAND_COLOR="verde").test_client()
    response = client.get("/login")
    assert response.status_code == 200
    assert not STYLE.search(response.get_data(as_text=True))
    assert "BRAND_COLOR='verde' is not a hex colour" in caplog.text


def test_a_good_dark_colour_is_kept_when_the_main_one_falls_back():
    brand = load_brand({"BRAND_COLOR": "#eeeeee", "BRAND_COLOR_DARK": "#112233"})
    assert brand.style == ":root{--brand-dark:#112233}"


def test_hex_colours_are_normalised_and_the_defaults_are_accessible():
    assert normalise_hex("#ABC") == "#aabbcc"
    assert normalise_hex("1D4E89") == "#1d4e89"
    assert normalise_hex("#1d4e8") is None
    for colour in DEFAULT_COLOURS.values():
        assert contrast(colour, "#ffffff") >= 4.5
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0


def test_a_logo_under_static_replaces_the_name_with_the_name_as_its_alt(app):
    client = app_with(app, BRAND_NAME="Comuni Insieme", BRAND_LOGO="icons/favicon.svg")
    page = client.test_client().get("/login").get_data(as_text=True)
    link = HEADER_BRAND.search(page).group(1)
    assert link == '<img class="brand-logo" src="/static/icons/favicon.svg" alt="Comuni Insieme">'
    assert client.test_client().get("/static/icons/favicon.svg").status_code == 200


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("icons/missing.svg", "is not a file under static/"),
        ("../config.py", "is not under static/"),
        ("/etc/hostname", "is not a file under static/"),
        ("css/app.css", "is not one of .svg"),
    ],
)
def test_a_logo_that_cannot_be_shown_leaves_the_name(value, problem, app, caplog):
    with caplog.at_level(logging.WARNING, logger="civic_app.core.brand"):
        built = app_with(app, BRAND_NAME="Comuni Insieme", BRAND_LOGO=value)
    page = built.test_client().get("/login").get_data(as_text=True)
    assert HEADER_BRAND.search(page).group(1).strip() == "Comuni Insieme"
    assert problem in caplog.text


def test_a_logo_too_heavy_for_a_cheap_phone_is_not_shown(app, monkeypatch, caplog):
    monkeypatch.setattr(brand_module, "LOGO_MAX_BYTES", 100)  # the favicon is 180 bytes
    with caplog.at_level(logging.WARNING, logger="civic_app.core.brand"):
        brand = load_brand({"BRAND_LOGO": "icons/favicon.svg"}, app.static_folder)
    assert brand.logo is None
    assert "weighs more than" in caplog.text


def test_an_sms_signature_too_long_or_not_plain_gsm7_stops_the_start(app):
    with pytest.raises(RuntimeError, match=r"SMS_BRAND='Comuni Insieme Lazio' is 20 characters"):
        app_with(app, SMS_BRAND="Comuni Insieme Lazio")
    with pytest.raises(RuntimeError, match=r"SMS_BRAND='Città €' has characters"):
        app_with(app, SMS_BRAND="Città €")


def test_a_long_programme_name_needs_a_short_sms_signature(app):
    long_name = "Comuni per l'impegno civico"
    with pytest.raises(RuntimeError, match=r"BRAND_NAME .* Set SMS_BRAND to a short name"):
        app_with(app, BRAND_NAME=long_name)
    built = app_with(app, BRAND_NAME=long_name, SMS_BRAND="Impegno")
    assert built.extensions["civic_brand"].sms_name == "Impegno"


def test_the_sms_signature_is_the_programme_name_when_that_fits():
    assert load_brand({"BRAND_NAME": "Comuni Insieme"}).sms_name == "Comuni Insieme"
    assert load_brand({"SMS_BRAND": "x" * SMS_BRAND_MAX}).sms_name == "x" * SMS_BRAND_MAX
    with pytest.raises(BrandError):
        load_brand({"SMS_BRAND": "x" * (SMS_BRAND_MAX + 1)})


def test_the_brand_used_by_the_tests_is_the_one_configured(branded_app):
    brand = branded_app.extensions["civic_brand"]
    assert (brand.name, brand.network, brand.sms_name) == (
        BRAND["BRAND_NAME"],
        BRAND["BRAND_NETWORK"],
        BRAND["SMS_BRAND"],
    )


def test_a_name_with_markup_is_shown_as_text(app):
    client = app_with(app, BRAND_NAME="<b>Comuni</b>", BRAND_NETWORK="A&B", SMS_BRAND="Comuni")
    page = client.test_client().get("/login").get_data(as_text=True)
    assert "<b>Comuni</b>" not in page
    assert HEADER_BRAND.search(page).group(1).strip() == "&lt;b&gt;Comuni&lt;/b&gt;"
    assert "&lt;b&gt;Comuni&lt;/b&gt;, A&amp;B: " in FOOTER_LINE.search(page).group(1)
