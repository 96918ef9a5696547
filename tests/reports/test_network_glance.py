"""Issue 26: the national page read at a glance (reports/network_glance.py and
templates/reports/_national_body.html), against the pillars of conftest.py.

Clock: 4 March 2026; period Q1 2026. Taken in charge and referred: Roma 4, Milano 1;
by month 1, 2, 1 (March: P5). Housed: 4 (January 1, February 2, March 0). Plans: 2.
"""

import re
from datetime import date
from html.parser import HTMLParser

import pytest

from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from tests.reports.conftest import Q1, utc
from tests.reports.test_dashboards import cells


@pytest.fixture
def all_shown(app, monkeypatch):
    monkeypatch.setitem(app.config, "SUPPRESS_BELOW", 1)


@pytest.fixture
def quiet(db):
    """Three municipalities of the network: two where nothing was ever recorded, and
    Ancona, whose only person was taken in charge and referred in 2025 (before the period)."""
    made = {}
    for slug, name in (("ancona", "Ancona"), ("bari", "Bari"), ("cagliari", "Cagliari")):
        made[slug] = Municipality(slug=slug, name=name, region="Italia", istat_code=None)
        db.session.add(made[slug])
    db.session.flush()
    return made


@pytest.fixture
def ancona_history(db, quiet, build):
    build.person(quiet["ancona"].id, met_on=date(2025, 5, 2), referred=[utc(2025, 5, 3, 10)])
    db.session.flush()


def page(client, login_as, create_user, query=Q1, language=None):
    login_as(create_user(Role.COORDINATOR))
    if language:
        client.post_form("/language", {"lang": language, "next": "/network"})
    response = client.get("/network", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


class Tables(HTMLParser):
    """For every table of a page: whether it is inside a <details>, and whether open."""

    def __init__(self):
        super().__init__()
        self.stack = []  # the open <details> elements: their `open` attribute
        self.tables = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "details":
            self.stack.append(("open" in attrs, attrs.get("class", "")))
        elif tag == "table":
            self.tables[attrs.get("id")] = list(self.stack)

    def handle_endtag(self, tag):
        if tag == "details":
            self.stack.pop()


def test_the_coordinator_goes_straight_to_the_network(client, login_as, create_user):
    login_as(create_user(Role.COORDINATOR))
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/network")


def test_staff_still_get_their_home_page(client, login_as, create_user):
    login_as(create_user(Role.STAFF))
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith("/staff/today")


def test_the_targets_show_their_progress_and_this_months(
    client, login_as, create_user, pillars, all_shown, app, monkeypatch
):
    monkeypatch.setitem(app.config, "TARGET_TAKEN_IN_CHARGE", 10)
    body = page(client, login_as, create_user)
    targets = body[body.index('id="targets"') : body.index('id="municipalities-title"')]
    # 5 of 10 people, 1 of them this month (P5, referred on 2 March).
    assert re.search(
        r'id="target-taken-in-charge" dir="ltr">5</span> / <span dir="ltr">10</span>\s*'
        r'\(<span dir="ltr">50%</span>\)',
        targets,
    )
    month = re.search(
        r'<p class="target-month" id="target-taken-in-charge-month">(.*?)</p>', targets, re.S
    )
    assert re.sub(r"<[^>]+>|\s+", " ", month.group(1)).split() == ["+1", "questo", "mese"]
    assert 'id="target-housed-month-figure">+0<' in targets  # nobody new in March
    assert 'id="target-plans-month-figure">+0<' in targets
    # The bar: 40% before this month, 10% this month; named by the text with the numbers.
    bar = re.search(r'<svg class="target-bar".*?</svg>', targets, re.S).group(0)
    assert 'aria-labelledby="target-taken-in-charge-label target-taken-in-charge-month"' in bar
    assert '<rect x="0.00" y="0" width="40.00" height="10" class="target-done"/>' in bar
    assert '<rect x="40.00" y="0" width="10.00" height="10" class="target-recent"/>' in bar
    # Housed: 4 of 500 (0.8%), none this month: no part drawn for the month.
    housed = targets[targets.index('id="target-card-housed"') :]
    housed = re.search(r'<svg class="target-bar".*?</svg>', housed, re.S).group(0)
    assert 'width="0.80" height="10" class="target-done"' in housed
    assert "target-recent" not in housed
    assert targets.count('class="target-bar"') == 3
    # The targets come before every table of the page.
    assert body.index('id="targets"') < body.index("<table")


def test_the_bars_run_from_the_right_in_arabic(
    client, login_as, create_user, pillars, all_shown, app, monkeypatch
):
    monkeypatch.setitem(app.config, "TARGET_TAKEN_IN_CHARGE", 10)
    body = page(client, login_as, create_user, language="ar")
    assert 'lang="ar" dir="rtl"' in body
    bar = re.search(r'<svg class="target-bar".*?</svg>', body, re.S).group(0)
    assert 'x="60.00" y="0" width="40.00" height="10" class="target-done"' in bar
    assert 'x="50.00" y="0" width="10.00" height="10" class="target-recent"' in bar


def test_a_period_without_this_month_shows_its_last_month(
    client, login_as, create_user, pillars, all_shown
):
    body = page(client, login_as, create_user, {"date_from": "2026-01-01", "date_to": "2026-02-28"})
    month = re.search(r'id="target-taken-in-charge-month">(.*?)</p>', body, re.S).group(1)
    assert re.sub(r"<[^>]+>|\s+", " ", month).split() == ["+2", "nel", "mese", "02/2026"]
    assert "questo mese" not in body


def test_the_municipalities_without_activity_are_one_line_with_their_names_behind_it(
    client, login_as, create_user, pillars, ancona_history, all_shown
):
    body = page(client, login_as, create_user)
    assert "2 Comuni con attività in questo periodo" in body
    details = re.search(
        r'<details class="inactive-municipalities" id="inactive-municipalities">(.*?)</details>',
        body,
        re.S,
    ).group(1)
    summary = re.search(r"<summary>(.*?)</summary>", details, re.S).group(1)
    assert summary.strip() == "3 Comuni senza attività in questo periodo"
    names = re.findall(r'<li data-municipality="[^"]+">([^<]+)</li>', details)
    assert names == ["Ancona", "Bari", "Cagliari"]
    # The compact table holds the active ones only, with the network's total.
    compact = cells(body, "municipalities-table")
    assert list(compact) == ["Milano", "Roma", "Rete"]
    # taken in charge and referred, housed, plans signed (since the beginning), active
    assert compact["Roma"][:3] == ["4", "3", "2"]
    # Ancona's 2025 person counts in its target, in the full table.
    assert cells(body, "targets-by-municipality-table")["Ancona"][0] == "1"
    assert compact["Rete"][0] == "6"


def test_one_municipality_without_activity_is_said_in_the_singular(
    client, login_as, create_user, pillars, all_shown, db
):
    db.session.add(Municipality(slug="bari", name="Bari", region="Puglia"))
    db.session.flush()
    body = page(client, login_as, create_user)
    assert "<summary>1 Comune senza attività in questo periodo</summary>" in body


def test_every_municipality_active_leaves_no_inactive_line(
    client, login_as, create_user, pillars, all_shown
):
    body = page(client, login_as, create_user)
    assert 'id="inactive-municipalities"' not in body
    assert list(cells(body, "municipalities-table")) == ["Milano", "Roma", "Rete"]


def test_the_active_municipalities_come_first_in_every_table(
    client, login_as, create_user, pillars, ancona_history, all_shown
):
    body = page(client, login_as, create_user)
    for table in ("targets-by-municipality-table", "by-municipality-table", "funnel-table"):
        rows = list(cells(body, table))
        assert rows == ["Milano", "Roma", "Ancona", "Bari", "Cagliari", "Rete"], table
    # The charts of the municipalities leave out those at 0 (Bari and Cagliari).
    chart = body[body.index('id="chart-taken-title"') : body.index('id="chart-housed-title"')]
    labels = re.findall(r'<span class="list-bar-label">([^<]+)</span>', chart)
    assert labels == ["Milano", "Roma", "Ancona"]


def test_the_long_tables_are_behind_closed_toggles(
    client, login_as, create_user, pillars, quiet, all_shown
):
    body = page(client, login_as, create_user)
    parser = Tables()
    parser.feed(body)
    assert parser.tables.pop("municipalities-table") == []  # the compact one, in view
    assert len(parser.tables) >= 15
    for table, around in parser.tables.items():
        assert around, f"{table} is not behind a toggle"
        assert around == [(False, "table-toggle")], f"{table}: {around}"
    assert body.count('<span class="when-closed">Mostra la tabella</span>') == len(parser.tables)
    # A chart comes before its table.
    assert body.index('id="chart-taken-title"') < body.index('id="targets-by-municipality-table"')
    assert body.index('id="trend-plans-title"') < body.index('id="trend-table"')


def test_the_compact_table_keeps_the_small_number_rule(
    client, login_as, create_user, pillars, quiet
):
    body = page(client, login_as, create_user)
    compact = cells(body, "municipalities-table")
    full = cells(body, "targets-by-municipality-table")
    period = cells(body, "by-municipality-table")
    shown = [value for row in compact.values() for value in row]
    assert "&lt;5" in shown
    assert not {"1", "2", "3", "4"} & set(shown)
    for name, row in compact.items():
        # The same cells as the full tables, so no more than they give away.
        assert row[:2] == full[name][:2], name
        assert row[2] == full[name][3], name
        assert row[3] == period[name][1], name
    # Milano's one person and Roma's four are "<5" in the targets' bar text too.
    assert compact["Milano"][0] == "&lt;5"
    assert compact["Roma"][0] == "&lt;5"
    # A month's progress is a count of people: under 5 it reads "<5" as well.
    assert 'id="target-taken-in-charge-month-figure">+&lt;5<' in body
    assert 'class="target-recent"' not in body  # no bar length from a hidden figure
    # Nor in the chart of the municipalities: a grey stub and the marker.
    chart = body[body.index('id="chart-taken-title"') : body.index('id="chart-housed-title"')]
    assert chart.count('class="chart-bar chart-bar-hidden"') == 2
    assert 'class="chart-bar"' not in chart
    assert chart.count('<span class="list-bar-value" dir="ltr">&lt;5</span>') == 2


def test_the_toggle_says_which_table_it_opens(client, login_as, create_user, pillars):
    body = page(client, login_as, create_user)
    assert (
        '<summary><span class="when-closed">Mostra la tabella</span>'
        '<span class="when-open">Nascondi la tabella</span>'
        '<span class="visually-hidden">: Obiettivi per Comune</span></summary>'
    ) in body
