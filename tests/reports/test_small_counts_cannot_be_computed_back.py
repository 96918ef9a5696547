"""What coordinators see never gives a hidden small count back, nor a small group's hours.

Each test builds a case that leaked before complementary suppression, then plays the
reader: it takes every total it can read (another dimension of the same breakdown, the
network's row) and checks that the hidden cell still has more than one possible value.
"""

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import product

import pytest
from openpyxl import load_workbook

from civic_app.attendance import summary
from civic_app.attendance.models import Attendance, Mark
from civic_app.core.permissions import Role
from civic_app.plans.models import Plan, PlanSignature, PlanStatus
from tests.reports.conftest import Q1
from tests.reports.test_dashboards import cells

SMALL, HIDDEN = "&lt;5", "x"


def number(text: str):
    return Decimal(text.replace(".", "").replace(",", "."))


def possible_values(column: dict[str, str], total: int, target: str) -> set[int]:
    """Every value the `target` cell of a column of counts may have, for a reader who
    knows the column's total: "<5" is 1 to 4, "x" is 5 or more, the rest is shown."""
    hidden = [key for key, text in column.items() if text in (SMALL, HIDDEN)]
    if target not in hidden:
        return {int(number(column[target]))}
    rest = total - sum(int(number(t)) for k, t in column.items() if k not in hidden)
    ranges = [range(1, 5) if column[k] == SMALL else range(5, rest + 1) for k in hidden]
    return {values[hidden.index(target)] for values in product(*ranges) if sum(values) == rest}


@pytest.fixture
def one_woman_among_sixteen(db, municipality, create_user, create_project, add_session, clock):
    """Roma: 16 people with a signed plan and hours, 15 men and 1 woman (80.5 hours);
    nobody stated a year of birth or a citizenship, so those tables show the total, 16."""
    staff = create_user(Role.STAFF)
    project = create_project(title="Parco")
    session = add_session(project, datetime(2026, 2, 10, 9, tzinfo=UTC))
    people = [create_user(Role.PARTICIPANT, sex="male") for _ in range(15)]
    woman = create_user(Role.PARTICIPANT, first_name="Amina", sex="female")
    for person in [*people, woman]:
        hours = Decimal("80.5") if person is woman else Decimal("3")
        db.session.add(
            Attendance(
                municipality_id=municipality.id, session_id=session.id,
                session_starts_at=session.starts_at, project_id=project.id,
                participant_id=person.id, mark=Mark.PRESENT, hours=hours,
                recorded_by_id=staff.id, recorded_at=session.starts_at,
            )
        )  # fmt: skip
        plan = Plan(
            municipality_id=municipality.id, participant_id=person.id, goals="g",
            target_hours=Decimal(100), start_date=date(2026, 1, 1), end_date=date(2026, 6, 30),
            status=PlanStatus.ACTIVE,
        )  # fmt: skip
        db.session.add(plan)
        db.session.flush()
        for role, signer in (("participant", person), ("staff", staff)):
            db.session.add(
                PlanSignature(
                    plan_id=plan.id, version=1, content_hash="0" * 64, signer_id=signer.id,
                    signer_role=role, method="paper", signed_at=datetime(2026, 1, 20, tzinfo=UTC),
                )
            )  # fmt: skip
    summary.rebuild()  # marks added directly, not by record_marks
    db.session.commit()
    return woman


def test_one_woman_with_a_plan_cannot_be_computed_back_from_the_other_dimensions(
    client, login_as, create_user, one_woman_among_sixteen
):
    login_as(create_user(Role.COORDINATOR))
    body = client.get("/network", query_string=Q1).get_data(as_text=True)
    sex = cells(body, "breakdown-sex-table")
    age = cells(body, "breakdown-age_band-table")
    # Columns: reached, active plan, plans started, plans completed, hours, at events.
    assert age["Non indicato"][:3] == ["16", "16", "16"]  # the total anyone can read
    for measure in range(3):
        column = {label: values[measure] for label, values in sex.items()}
        assert column["Donna"] == SMALL
        assert column["Uomo"] == HIDDEN  # 15: shown, it gave her away (16 - 15 = 1)
        assert possible_values(column, 16, "Donna") == {1, 2, 3, 4}
    # Her hours are hidden with her, and the men's too: the total hours are on the page.
    assert sex["Donna"][4] == HIDDEN and sex["Uomo"][4] == HIDDEN
    assert "80,5" not in body
    roma = cells(body, "by-municipality-table")["Roma"]
    assert roma[1] == "16" and roma[4] == "125,5"  # 16 people's hours: shown


def test_the_network_file_hides_the_same_cells(
    client, login_as, create_user, one_woman_among_sixteen
):
    login_as(create_user(Role.COORDINATOR))
    book = load_workbook(io.BytesIO(client.get("/network/fund.xlsx", query_string=Q1).data))
    header, *rows = list(book["breakdowns"].values)
    rows = [dict(zip(header, row, strict=True)) for row in rows]
    for measure in ("reached", "active_plan", "plans_started", "hours"):
        by_sex = {
            r["category"]: r["value"]
            for r in rows
            if (r["measure"], r["dimension"]) == (measure, "sex") and r["value"] != 0
        }
        assert by_sex == {"female": "<5" if measure != "hours" else "x", "male": "x"}, measure
        if measure == "hours":
            continue
        by_age = {
            r["category"]: r["value"]
            for r in rows
            if (r["measure"], r["dimension"]) == (measure, "age_band")
        }
        assert by_age["not_stated"] == 16  # the total anyone can read
        column = {
            r["category"]: SMALL if r["value"] == "<5" else str(r["value"])
            for r in rows
            if (r["measure"], r["dimension"]) == (measure, "sex")
        }
        assert possible_values(column, 16, "female") == {1, 2, 3, 4}
    values = [cell for row in book["breakdowns"].values for cell in row]
    assert 80.5 not in values
    readme = [row[0] for row in book["readme"].values]
    assert any(note.startswith("x: hidden") for note in readme)


def test_one_municipality_small_count_cannot_be_taken_from_the_networks_total(
    client, login_as, create_user, known
):
    """Milano reached 1 person, Roma 11, the network 12: Roma's 11 gave Milano's 1 away."""
    login_as(create_user(Role.COORDINATOR))
    body = client.get("/network", query_string=Q1).get_data(as_text=True)
    table = cells(body, "by-municipality-table")
    reached = {name: values[3] for name, values in table.items() if name != "Rete"}
    assert table["Rete"][3] == "12"
    assert reached == {"Milano": SMALL, "Roma": HIDDEN}
    assert possible_values(reached, 12, "Milano") == {1, 2, 3, 4}
    # Milano's only active person: her hours (2) and her rate are not shown either.
    assert table["Milano"][4:6] == [HIDDEN, "—"]
