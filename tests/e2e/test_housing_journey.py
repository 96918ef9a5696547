"""Issue 21's acceptance, in Chromium at phone width: from a flat under works to a
family living in it and leaving for a home of their own, and the counts that follow.

Roma's staff add a flat being refurbished (three places), record the works and their
cost, and mark it available. A caseworker opens the housing page of a woman taken in
charge, proposes a placement for her and her two children, places the three of them in
the flat (which is then full), and later ends the measure with "autonomous housing".
The municipal dashboard and its fund XLSX count her (household apart); on /network
Milano's three people in housing show as "<5" and nothing on the page lets anyone
work that number out again, and the network's XLSX agrees with the page.

Only what has no page in this journey goes into the database directly: the accounts,
the woman's case with its referral, and the other people in housing measures (six more
in Roma, three in Milano, eight in Palermo). Screenshots: the dwelling page and the
case's housing page at phone width, in Italian and in Arabic.
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from civic_app.casework.models import (
    CareService,
    ConsentMethod,
    Intake,
    Referral,
    ReferralStatus,
    ServiceKind,
)
from civic_app.core.accounts import User
from civic_app.core.clock import FrozenClock
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.housing.models import (
    Dwelling,
    DwellingState,
    HousingMeasure,
    MeasureKind,
    MeasureStatus,
    Outcome,
    Placement,
)
from civic_app.people.operations import set_password
from tests.e2e.test_journeys import NOW, choose_language, expect_success, read

PASSWORD = "a housing password for the journey"
STAFF_EMAIL, CASEWORKER_EMAIL = "casa@roma.example.org", "operatore@roma.example.org"
COORDINATOR_EMAIL = "rete@example.org"
TODAY = NOW.date()
FLAT = "Via Giolitti 41, int. 6"
MONTH = TODAY.strftime("%Y-%m")


def seed(app) -> dict:
    """Roma, Milano, Palermo; Roma's staff and caseworker with the housing grant; the
    woman's open case with a referral; other people in housing measures."""
    with app.app_context():
        cities = {
            slug: Municipality(slug=slug, name=slug.title(), region="-")
            for slug in ("roma", "milano", "palermo")
        }
        db.session.add_all(cities.values())
        db.session.flush()
        roma = cities["roma"]
        accounts = [
            User(role=Role.STAFF, municipality_id=roma.id, first_name="Carla", last_name="Casa",
                 email=STAFF_EMAIL, grants=",housing,", preferred_language="it"),
            User(role=Role.CASEWORKER, municipality_id=roma.id, first_name="Omar",
                 last_name="Operatore", email=CASEWORKER_EMAIL, grants=",housing,",
                 profession="social_worker", preferred_language="it"),
            User(role=Role.COORDINATOR, first_name="Rete", last_name="Nazionale",
                 email=COORDINATOR_EMAIL, preferred_language="it"),
        ]  # fmt: skip
        for account in accounts:
            set_password(account, PASSWORD)
        db.session.add_all(accounts)
        db.session.flush()
        cases = {}
        for slug, count in (("roma", 7), ("milano", 3), ("palermo", 8)):
            city = cities[slug]
            service = CareService(municipality_id=city.id, name="Ufficio casa",
                                  kind=ServiceKind.HOUSING_OFFICE)  # fmt: skip
            db.session.add(service)
            db.session.flush()
            for n in range(count):
                person = User(role=Role.IN_CARE, municipality_id=city.id,
                              first_name="Amal" if (slug, n) == ("roma", 0) else f"P{slug}{n}",
                              preferred_language="ar")  # fmt: skip
                db.session.add(person)
                db.session.flush()
                intake = Intake(municipality_id=city.id, person_id=person.id, met_on=TODAY,
                                last_seen_on=TODAY, needs=",housing,",
                                consent_method=ConsentMethod.VERBAL)  # fmt: skip
                db.session.add(intake)
                db.session.flush()
                db.session.add(
                    Referral(
                        municipality_id=city.id,
                        intake_id=intake.id,
                        service_id=service.id,
                        status=ReferralStatus.SENT,
                        status_changed_at=NOW,
                    )  # fmt: skip
                )
                if (slug, n) == ("roma", 0):
                    cases["amal"] = intake.id
                    continue  # her measure is made in the browser
                db.session.add(
                    HousingMeasure(
                        municipality_id=city.id,
                        intake_id=intake.id,
                        person_id=person.id,
                        kind=MeasureKind.DEPOSIT_SUPPORT,
                        status=MeasureStatus.ACTIVE,
                        starts_on=TODAY,
                        amount=Decimal("500.00"),
                    )  # fmt: skip
                )
        db.session.commit()
        ids = {slug: city.id for slug, city in cities.items()} | cases
        db.session.remove()
        return ids


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"password login failed for {email}: {page.url}"


def stored(app, model, **where):
    def query():
        rows = db.session.scalars(db.select(model).filter_by(**where)).all()
        db.session.expunge_all()
        return rows

    return read(app, query)


def sheet_rows(data: bytes, name: str) -> list[dict]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


@pytest.fixture
def housing_app(live_app):
    live_app.extensions["civic_clock"] = FrozenClock(NOW)
    return live_app


def test_from_a_flat_under_works_to_a_home_of_their_own(housing_app, new_context, screenshots_dir):
    app = housing_app
    base = app.config["LIVE_URL"]
    ids = seed(app)

    # Staff add the flat: being refurbished, three places; the works; then available.
    staff = new_context("phone").new_page()
    log_in(staff, base, STAFF_EMAIL)
    staff.goto(f"{base}/housing/dwellings")
    staff.get_by_role("link", name="Nuovo alloggio").click()
    staff.fill("#name", FLAT)
    staff.fill("#address", "Via Giolitti 41, 00185 Roma")
    staff.select_option("#kind", "temporary_flat")
    staff.fill("#places", "3")
    staff.select_option("#state", "refurbishing")
    staff.locator("main form [type=submit]").click()
    expect_success(staff)
    expect(staff.locator("main")).to_contain_text("In ristrutturazione")
    staff.fill("#description", "Tinteggiatura e caldaia nuova")
    staff.fill("#starts_on", "2026-02-02")
    staff.fill("#ends_on", "2026-02-27")
    staff.fill("#cost", "-40")
    staff.get_by_role("button", name="Aggiungi i lavori").click()
    expect(staff.locator("main")).to_contain_text("negativo")
    expect(staff.locator("#description")).to_have_value("Tinteggiatura e caldaia nuova")
    staff.fill("#cost", "2.450,50")
    staff.get_by_role("button", name="Aggiungi i lavori").click()
    expect_success(staff)
    expect(staff.locator("#works")).to_contain_text("2.450,50")
    staff.get_by_role("button", name="Segna disponibile").click()
    expect_success(staff)
    [flat] = stored(app, Dwelling, name=FLAT)
    assert (flat.state, flat.places, flat.available_from) == (DwellingState.AVAILABLE, 3, TODAY)

    # The caseworker: a placement for Amal and her two children, in the flat.
    worker = new_context("phone").new_page()
    log_in(worker, base, CASEWORKER_EMAIL)
    worker.goto(f"{base}/cases/{ids['amal']}/housing")
    worker.select_option("#kind", "placement")
    worker.fill("#household_members", "2")
    worker.fill("#starts_on", TODAY.isoformat())
    worker.fill("#ends_on", "2026-03-01")  # before the start: refused, nothing lost
    worker.get_by_role("button", name="Proponi la misura").click()
    expect(worker.locator("main")).to_contain_text("prima dell'inizio")
    expect(worker.locator("#household_members")).to_have_value("2")
    worker.fill("#ends_on", "")
    worker.get_by_role("button", name="Proponi la misura").click()
    expect_success(worker)
    [measure] = stored(app, HousingMeasure, intake_id=ids["amal"])
    assert (measure.kind, measure.household_members) == (MeasureKind.PLACEMENT, 2)
    card = worker.locator(f"#measure-{measure.id}")
    card.locator("summary", has_text="Inserisci in un alloggio").click()
    worker.select_option(f"#m{measure.id}-place-dwelling_id", str(flat.id))
    worker.fill(f"#m{measure.id}-place-starts_on", TODAY.isoformat())
    worker.click(f"#m{measure.id}-place-submit")
    expect_success(worker)
    [placement] = stored(app, Placement, measure_id=measure.id)
    assert (placement.dwelling_id, placement.places, placement.ends_on) == (flat.id, 3, None)
    [flat] = stored(app, Dwelling, id=flat.id)
    assert flat.state == DwellingState.OCCUPIED
    worker.goto(f"{base}/housing/dwellings/{flat.id}")
    expect(worker.locator("#occupancy")).to_contain_text("Amal")
    for language in ("it", "ar"):
        if language == "ar":
            choose_language(worker, "ar")
            expect(worker.locator("html")).to_have_attribute("dir", "rtl")
        worker.goto(f"{base}/housing/dwellings/{flat.id}")
        worker.screenshot(path=screenshots_dir / f"{language}-phone-dwelling.png", full_page=True)
        worker.goto(f"{base}/cases/{ids['amal']}/housing")
        worker.screenshot(
            path=screenshots_dir / f"{language}-phone-case-housing.png", full_page=True
        )
    choose_language(worker, "it")

    # Three months later she has a rental contract: the measure ends.
    left = date(2026, 6, 1)
    worker.goto(f"{base}/cases/{ids['amal']}/housing")
    card.locator("summary", has_text="Concludi la misura").click()
    worker.select_option(f"#m{measure.id}-end-outcome", "autonomous_housing")
    worker.fill(f"#m{measure.id}-end-ends_on", left.isoformat())
    worker.click(f"#m{measure.id}-end-submit")
    expect_success(worker)
    [measure] = stored(app, HousingMeasure, id=measure.id)
    assert (measure.status, measure.outcome) == (MeasureStatus.ENDED, Outcome.AUTONOMOUS_HOUSING)
    [placement] = stored(app, Placement, id=placement.id)
    assert placement.ends_on == left

    # The municipal dashboard and its file: Roma's seven, and Amal's two children apart.
    staff.goto(f"{base}/staff/reports")
    expect(staff.locator("#kf-housed")).to_have_text("7")
    expect(staff.locator("#kf-taken-in-charge")).to_have_text("7")
    expect(staff.locator("#kf-household")).to_contain_text("2")
    response = staff.request.get(f"{base}/staff/reports/fund.xlsx")
    assert response.ok
    [row] = [r for r in sheet_rows(response.body(), "housing") if r["month"] == MONTH]
    assert (row["municipality"], row["people_entering"], row["household_members"]) == (
        "Roma",
        7,
        2,
    )
    assert row["measures_placement"] == 1 and row["measures_deposit_support"] == 6
    assert Decimal(str(row["euro_deposit_support"])) == Decimal("3000")

    # The network: Milano's three are "<5", and the page does not give them back.
    coordinator = new_context("phone").new_page()
    log_in(coordinator, base, COORDINATOR_EMAIL)
    coordinator.goto(f"{base}/network")
    table = coordinator.locator("#targets-by-municipality-table")
    # The table sits behind its "show the table" toggle, closed as the page opens.
    coordinator.locator("details:has(#targets-by-municipality-table) > summary").click()

    def cell(municipality: str, key: str) -> str:
        return table.locator(
            f"tr[data-municipality={municipality}] td[data-key={key}]"
        ).inner_text()

    housed = {m: cell(m, "housed") for m in ("roma", "milano", "palermo", "network")}
    assert housed["milano"] == "<5", housed
    numbers = [int(v) for v in housed.values() if v.isdigit()]
    assert len(numbers) <= 2, f"Milano can be computed back from {housed}"
    if housed["network"].isdigit():
        assert not (housed["roma"].isdigit() and housed["palermo"].isdigit()), housed
    response = coordinator.request.get(f"{base}/network/fund.xlsx")
    assert response.ok
    rows = {r["municipality"]: r for r in sheet_rows(response.body(), "housing")}
    assert rows["Milano"]["people_entering"] == "<5"
    for name in ("Roma", "Palermo"):
        shown = rows[name]["people_entering"]
        page_value = housed[name.lower()]
        # The file never shows what the page hides, nor a different number.
        assert str(shown) == page_value or (not page_value.isdigit() and not str(shown).isdigit())
