"""What coordinators see of the pillars never gives a hidden small count back, nor the euro
of a small group: Roma has 3 people housed (and taken in charge), Bari 10, Torino 12.

Without complementary suppression the network's 25 gave Roma's "<5" away (25 - 10 - 12);
each test plays the reader with every total it can read, on the page and in the files.
"""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from civic_app.core.permissions import Role
from tests.reports.conftest import Q1
from tests.reports.test_dashboards import cells
from tests.reports.test_small_counts_cannot_be_computed_back import (
    HIDDEN,
    SMALL,
    number,
    possible_values,
)
from tests.reports.test_three_targets import read_sheet

PLACES = ("Roma", "Bari", "Torino")


@pytest.fixture
def three_places(db, municipality, create_municipality, build, clock):
    """Each person is taken in charge, referred on 1 Feb and in a rent support of 300 euro
    from 1 Feb 2026 (so everything since the programme began is in the period)."""
    bari = create_municipality(slug="bari", name="Bari")
    torino = create_municipality(slug="torino", name="Torino")
    for place, count in ((municipality, 3), (bari, 10), (torino, 12)):
        build.housed(place.id, count, household=1)
    db.session.commit()


def page(client, login_as, create_user) -> str:
    login_as(create_user(Role.COORDINATOR))
    response = client.get("/network", query_string=Q1)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def network_file(client) -> dict[str, list[dict]]:
    book = load_workbook(io.BytesIO(client.get("/network/fund.xlsx", query_string=Q1).data))
    return {name: read_sheet(book, name) for name in ("intake", "housing")}


def as_text(value) -> str:
    return SMALL if value == "<5" else str(value)


def reader_knows(page_column: dict, file_rows: list[dict], column: str) -> dict[str, str]:
    """What a reader of the page and of the file can tell of each municipality's figure:
    the page's number, or else the sum of its months in the file when all are shown (the
    period holds everything since the programme began), or else the page's marker."""
    out = {}
    for place in PLACES:
        text = page_column[place]
        if text in (SMALL, HIDDEN):
            months = [r[column] for r in file_rows if r["municipality"] == place]
            if months and all(isinstance(v, int) for v in months):
                text = str(sum(months))
        out[place] = text
    return out


@pytest.mark.parametrize(("page_column", "file_table", "file_column"), [
    ("housed", "housing", "people_entering"),
    ("taken_in_charge", "intake", "people_referred_first"),
])  # fmt: skip
def test_three_people_in_one_municipality_cannot_be_computed_back(
    client, login_as, create_user, three_places, page_column, file_table, file_column
):
    body = page(client, login_as, create_user)
    index = ["taken_in_charge", "housed", "household_members", "plans_signed"].index(page_column)
    table = {k: v[index] for k, v in cells(body, "targets-by-municipality-table").items()}
    assert table["Roma"] == SMALL
    assert table["Rete"] == "25"  # the network's total is shown ...
    assert HIDDEN in (table["Bari"], table["Torino"])  # ... so another cell is hidden
    assert possible_values({p: table[p] for p in PLACES}, 25, "Roma") == {1, 2, 3, 4}

    rows = network_file(client)[file_table]
    month = {r["municipality"]: as_text(r[file_column]) for r in rows if r["month"] == "2026-02"}
    assert month["Roma"] == SMALL
    assert possible_values(month, 25, "Roma") == {1, 2, 3, 4}  # the trend's February: 25
    assert possible_values(reader_knows(table, rows, file_column), 25, "Roma") == {1, 2, 3, 4}


def test_the_funnel_and_the_trend_do_not_give_it_back_either(
    client, login_as, create_user, three_places
):
    body = page(client, login_as, create_user)
    funnel = cells(body, "funnel-table")  # intake, referred, plan, completed
    for step in (0, 1):
        column = {p: funnel[p][step] for p in PLACES}
        assert column["Roma"] == SMALL
        total = number(funnel["Rete"][step]) if funnel["Rete"][step] != HIDDEN else None
        if total is not None:
            assert possible_values(column, int(total), "Roma") == {1, 2, 3, 4}
    trend = cells(body, "programme-trend-table")["02/2026"]
    assert trend[:2] == ["25", "25"]  # everyone came in February: the network's month


def test_a_small_groups_money_is_hidden_and_cannot_be_computed_back(
    client, login_as, create_user, three_places
):
    body = page(client, login_as, create_user)
    housing = cells(body, "housing-table")  # occupancy, euro of measures, euro of works
    euro = {p: housing[p][1] for p in [*PLACES, "Rete"]}
    assert euro["Roma"] == HIDDEN  # 900 euro of 3 people
    assert "900,00" not in body
    if euro["Rete"] != HIDDEN:
        assert HIDDEN in (euro["Bari"], euro["Torino"])
    money = cells(body, "money-table")
    assert money["Contributo all&#39;affitto"][1] != HIDDEN  # 25 people: shown
    # Their household members (one each) are a count about them: hidden with them.
    assert cells(body, "targets-by-municipality-table")["Roma"][2] in (SMALL, HIDDEN)

    rows = network_file(client)["housing"]
    roma = next(r for r in rows if r["municipality"] == "Roma")
    assert roma["euro_rent_support"] == HIDDEN
    assert roma["household_members"] in ("<5", HIDDEN)
    shown = [r["euro_rent_support"] for r in rows if r["municipality"] != "Roma"]
    assert HIDDEN in shown  # the page's 7,500 less Bari and Torino would give Roma's


def test_the_network_csv_hides_the_same_cells_as_the_xlsx(
    client, login_as, create_user, three_places
):
    login_as(create_user(Role.COORDINATOR))
    sheets = network_file(client)
    for table in ("intake", "housing"):
        text = client.get("/network/fund.csv", query_string=Q1 | {"table": table}).get_data(
            as_text=True
        )
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == len(sheets[table])
        for in_csv, in_xlsx in zip(rows, sheets[table], strict=True):
            for key, value in in_xlsx.items():
                if isinstance(value, int | float):  # the XLSX has numbers, the CSV text
                    assert Decimal(in_csv[key]) == Decimal(str(value)), (table, key)
                else:
                    assert in_csv[key] == ("" if value is None else str(value)), (table, key)
    roma = next(r for r in sheets["intake"] if r["municipality"] == "Roma")
    assert roma["people_referred_first"] == "<5"


def test_the_municipal_dashboard_is_exact_for_its_own_staff(
    client, login_as, create_user, three_places
):
    login_as(create_user(Role.STAFF))
    body = client.get("/staff/reports", query_string=Q1).get_data(as_text=True)
    assert 'id="kf-housed" dir="ltr">3<' in body
    assert "900,00" in body
