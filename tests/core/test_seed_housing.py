"""Housing in `flask seed demo` and `flask seed scale`: dwellings, works, measures and
placements at the seed's proportions (500 people benefiting at factor 1), keeping the
housing rules (no dwelling overbooked on any day, one home at a time per person)."""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from civic_app.casework.models import Intake
from civic_app.core.accounts import User
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role, can_manage_housing
from civic_app.core.timeutil import to_local
from civic_app.housing.dwellings import occupied_places, peak_occupancy
from civic_app.housing.models import (
    BENEFITING,
    Dwelling,
    DwellingKind,
    DwellingState,
    HousingMeasure,
    ManagedBy,
    MeasureKind,
    MeasureStatus,
    Outcome,
    Placement,
    RefurbishmentWork,
)
from civic_app.seeding.bulk import EMAIL_DOMAIN, split, wipe
from civic_app.seeding.demo_housing import HOUSING_ACCOUNTS, add_months
from civic_app.seeding.scale_housing import housing_sizes

CITIES = ("roma", "milano", "palermo")
CENT = Decimal("0.01")


def benefiting(query):
    """Measures the housing target counts: active, or ended and not "not started"."""
    return query.where(
        HousingMeasure.status.in_(BENEFITING),
        HousingMeasure.outcome.is_(None) | (HousingMeasure.outcome != Outcome.NOT_STARTED),
    )


def benefiting_people(db, municipality_id=None) -> int:
    query = benefiting(db.select(db.func.count(db.distinct(HousingMeasure.person_id))))
    if municipality_id is not None:
        query = query.where(HousingMeasure.municipality_id == municipality_id)
    return db.session.scalar(query)


def check_housing_rules(db, today: date) -> dict:
    """Every housing row keeps the rules the operations enforce; returns the rows."""
    measures = db.session.scalars(db.select(HousingMeasure)).all()
    intakes = {i.id: i for i in db.session.scalars(db.select(Intake))}
    people = {u.id: u for u in db.session.scalars(db.select(User).where(User.role.in_(
        (Role.IN_CARE, Role.PARTICIPANT))))}  # fmt: skip
    for m in measures:
        intake = intakes[m.intake_id]
        assert m.person_id == intake.person_id, m.id
        assert m.municipality_id == intake.municipality_id == people[m.person_id].municipality_id
        assert 0 <= m.household_members <= 4, m.id
        assert m.starts_on >= intake.met_on, m.id
        assert (
            isinstance(m.amount, Decimal) and m.amount >= 0 and m.amount == m.amount.quantize(CENT)
        )
        if m.kind == MeasureKind.RENT_SUPPORT:
            assert m.monthly_amount > 0 and m.months >= 1, m.id
            assert m.amount == m.monthly_amount * m.months, m.id
        else:
            assert m.monthly_amount is None and m.months is None, m.id
        if m.ends_on is not None:
            assert m.ends_on >= m.starts_on, m.id
        if m.status == MeasureStatus.ENDED:
            assert m.outcome is not None and m.ends_on is not None and m.ends_on <= today
        else:
            assert m.outcome is None, m.id
        if m.status in BENEFITING:
            assert m.starts_on <= today, m.id
        assert m.created_at <= m.updated_at
    by_id = {m.id: m for m in measures}
    dwellings = {d.id: d for d in db.session.scalars(db.select(Dwelling))}
    placements = db.session.scalars(db.select(Placement)).all()
    homes = defaultdict(list)
    for p in placements:
        m, d = by_id[p.measure_id], dwellings[p.dwelling_id]
        assert m.kind == MeasureKind.PLACEMENT and m.status in BENEFITING, p.id
        assert p.municipality_id == m.municipality_id == d.municipality_id
        assert p.places == m.people <= d.places
        assert p.starts_on >= m.starts_on and p.starts_on <= today
        assert d.available_from is not None and p.starts_on >= d.available_from
        if p.ends_on is not None:
            assert p.ends_on > p.starts_on
        if m.status == MeasureStatus.ENDED:
            assert p.ends_on is not None and p.ends_on <= m.ends_on, p.id
        homes[m.person_id].append((p.starts_on, p.ends_on or date.max))
    # One home at a time: a person's placements never share a day.
    for person, stays in homes.items():
        stays.sort()
        for (_s1, e1), (s2, _e2) in zip(stays, stays[1:], strict=False):
            assert e1 <= s2, person
    # Never more people than places, on any day (the operations' own count).
    first = min((p.starts_on for p in placements), default=today)
    for d in dwellings.values():
        assert d.places >= 1
        assert peak_occupancy(d.id, first, None) <= d.places, d.name
        if d.state == DwellingState.REFURBISHING:
            assert not any(p.dwelling_id == d.id for p in placements)
        else:
            full = occupied_places(d.id, today) >= d.places
            assert d.state == (DwellingState.OCCUPIED if full else DwellingState.AVAILABLE)
        assert (d.managed_by == ManagedBy.PARTNER) == bool(d.manager_name)
    for work in db.session.scalars(db.select(RefurbishmentWork)):
        assert work.cost >= 0 and work.cost == work.cost.quantize(CENT)
        assert work.municipality_id == dwellings[work.dwelling_id].municipality_id
        assert work.ends_on is None or work.ends_on >= work.starts_on
    return {"measures": measures, "dwellings": dwellings, "placements": placements}


# --- flask seed demo ----------------------------------------------------------------


def demo(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    return result


def test_demo_has_dwellings_and_measures_in_the_casework_cities(app, db, clock):
    result = demo(app)
    assert "housing (dwellings and measures): operatore.roma@" in result.output
    today = to_local(clock.now()).date()
    rows = check_housing_rules(db, today)
    assert {m.municipality_id for m in rows["measures"]} == {
        db.session.scalar(db.select(Municipality.id).where(Municipality.slug == slug))
        for slug in CITIES
    }
    for slug in CITIES:
        mid = db.session.scalar(db.select(Municipality.id).where(Municipality.slug == slug))
        dwellings = [d for d in rows["dwellings"].values() if d.municipality_id == mid]
        assert {d.kind for d in dwellings} == set(DwellingKind)
        assert {d.state for d in dwellings} == {
            DwellingState.REFURBISHING, DwellingState.AVAILABLE, DwellingState.OCCUPIED
        }  # fmt: skip
        (refurbishing,) = [d for d in dwellings if d.state == DwellingState.REFURBISHING]
        works = db.session.scalars(
            db.select(RefurbishmentWork).where(RefurbishmentWork.dwelling_id == refurbishing.id)
        ).all()
        assert [(w.ends_on, w.cost) for w in works] == [(None, Decimal("3200.00"))]
        assert refurbishing.available_from is None
        (partner,) = [d for d in dwellings if d.managed_by == ManagedBy.PARTNER]
        assert partner.manager_name and partner.state == DwellingState.AVAILABLE
        measures = [m for m in rows["measures"] if m.municipality_id == mid]
        kinds = Counter((m.kind, m.status) for m in measures)
        assert {kind for kind, _status in kinds} == set(MeasureKind)
        assert kinds[MeasureKind.PLACEMENT, MeasureStatus.PROPOSED] == 1
        # A mother and her two children live in the temporary flat.
        (family,) = [m for m in measures if m.household_members == 2 and m.status == "active"]
        (stay,) = [p for p in rows["placements"] if p.measure_id == family.id]
        home = rows["dwellings"][stay.dwelling_id]
        assert (stay.places, stay.ends_on, home.kind) == (3, None, DwellingKind.TEMPORARY_FLAT)
        assert occupied_places(home.id, today) == 3 < home.places
        # A placement in the partner's flat ended in a home of their own, then rent support
        # of 350,00 € a month for 6 months for the same person.
        (ended,) = [m for m in measures if m.kind == "placement" and m.status == "ended"]
        assert ended.outcome == Outcome.AUTONOMOUS_HOUSING
        (left,) = [p for p in rows["placements"] if p.measure_id == ended.id]
        assert (left.dwelling_id, left.ends_on) == (partner.id, ended.ends_on)
        (rent,) = [m for m in measures if m.kind == "rent_support" and m.status == "active"]
        assert (rent.person_id, rent.starts_on) == (ended.person_id, ended.ends_on)
        assert (rent.monthly_amount, rent.months, rent.amount) == (
            Decimal("350.00"), 6, Decimal("2100.00")
        )  # fmt: skip
        assert rent.ends_on == add_months(rent.starts_on, 6)
        (deposit,) = [m for m in measures if m.kind == "deposit_support"]
        assert (deposit.status, deposit.amount) == ("active", Decimal("900.00"))
        assert [m.status for m in measures if m.kind == "autonomy_support"] == ["active"]
        (declined,) = [m for m in measures if m.outcome == Outcome.NOT_STARTED]
        assert declined.status == MeasureStatus.ENDED
        # Six people benefit: the not-started and the proposed ones are not counted.
        assert benefiting_people(db, mid) == 6
        assert len({m.person_id for m in measures}) == 8
    assert benefiting_people(db) == 18


def test_the_demo_housing_accounts_have_the_housing_grant(app, db, clock):
    demo(app)
    granted = set(
        db.session.scalars(db.select(User.email).where(User.grants.contains(",housing,")))
    )
    assert granted == set(HOUSING_ACCOUNTS)
    for email, allowed in [
        ("operatore.roma@demo.civic.local", True),
        ("staff.roma@demo.civic.local", True),
        ("operatore.milano@demo.civic.local", True),
        ("operatore.palermo@demo.civic.local", True),
        ("psicologa.roma@demo.civic.local", False),
        ("staff.milano@demo.civic.local", False),
        ("tutor.roma@demo.civic.local", False),
    ]:
        user = db.session.scalar(db.select(User).where(User.email == email))
        assert can_manage_housing(user) is allowed, email


def housing_snapshot(db) -> list:
    rows = []
    for query in (
        db.select(Dwelling.name, Dwelling.kind, Dwelling.places, Dwelling.state,
                  Dwelling.managed_by, Dwelling.manager_name, Dwelling.available_from,
                  Dwelling.created_at, Dwelling.updated_at),
        db.select(RefurbishmentWork.description, RefurbishmentWork.starts_on,
                  RefurbishmentWork.ends_on, RefurbishmentWork.cost),
        db.select(User.first_name, HousingMeasure.kind, HousingMeasure.status,
                  HousingMeasure.household_members, HousingMeasure.starts_on,
                  HousingMeasure.ends_on, HousingMeasure.monthly_amount, HousingMeasure.months,
                  HousingMeasure.amount, HousingMeasure.outcome, HousingMeasure.created_at,
                  HousingMeasure.updated_at).join(User, User.id == HousingMeasure.person_id),
        db.select(Dwelling.name, Placement.places, Placement.starts_on, Placement.ends_on,
                  Placement.created_at).join(Dwelling, Dwelling.id == Placement.dwelling_id),
        db.select(User.email, User.grants).where(User.grants != ""),
    ):  # fmt: skip
        rows.append(db.session.execute(query.order_by(*query.selected_columns)).all())
    return rows


def test_the_demo_housing_is_the_same_each_time_and_not_made_twice(app, db, clock):
    demo(app)
    first = housing_snapshot(db)
    assert all(first)
    demo(app)  # again: nothing added, the grants not doubled
    assert housing_snapshot(db) == first
    wipe()
    demo(app)
    assert housing_snapshot(db) == first


# --- flask seed scale ---------------------------------------------------------------


def scale(app, factor: str):
    result = app.test_cli_runner().invoke(args=["seed", "scale", "--factor", factor])
    assert result.exit_code == 0, result.output
    return result


def test_housing_sizes_follow_the_factor():
    intakes = split(30000, [1.0 + (n % 7) / 10 for n in range(180)])
    housed, dwellings = housing_sizes(10, intakes)
    assert (sum(housed), sum(dwellings)) == (5000, 1500)
    assert housed == split(5000, intakes)
    housed, dwellings = housing_sizes(1, split(3000, [1.0 + (n % 5) / 4 for n in range(18)]))
    assert (sum(housed), sum(dwellings)) == (500, 150)


def test_scale_factor_1_houses_exactly_500_people_and_keeps_the_rules(app, db, clock):
    result = scale(app, "1")
    assert "housing (dwellings and measures): staff1.<slug>@" in result.output
    today = to_local(clock.now()).date()
    rows = check_housing_rules(db, today)
    measures, dwellings, placements = rows["measures"], rows["dwellings"], rows["placements"]
    # Exactly 500 distinct people benefit (active, or ended other than "not started"),
    # shared out like the intakes; others have measures that are not counted.
    assert benefiting_people(db) == 500
    municipalities = db.session.scalars(db.select(Municipality).order_by(Municipality.id)).all()
    assert len(municipalities) == 18
    intakes = [
        db.session.scalar(db.select(db.func.count(Intake.id)).where(Intake.municipality_id == m.id))
        for m in municipalities
    ]
    housed, dwelling_counts = housing_sizes(1, intakes)
    assert [benefiting_people(db, m.id) for m in municipalities] == housed
    statuses = Counter((m.status, m.outcome == Outcome.NOT_STARTED) for m in measures)
    assert statuses[MeasureStatus.PROPOSED, False] and statuses[MeasureStatus.APPROVED, False]
    assert statuses[MeasureStatus.ENDED, True] and statuses[MeasureStatus.ACTIVE, False]
    counted = {m.person_id for m in measures if m.status in BENEFITING
               and m.outcome != Outcome.NOT_STARTED}  # fmt: skip
    assert len(counted) == 500 < len({m.person_id for m in measures})
    assert len(measures) > 500  # some have a second measure
    # About 40 % of the people come with 1 to 4 household members.
    first_measure = {}
    for m in sorted(measures, key=lambda m: m.id):
        first_measure.setdefault(m.person_id, m)
    households = [m.household_members for m in first_measure.values()]
    assert set(households) == {0, 1, 2, 3, 4}
    assert 0.33 <= sum(h > 0 for h in households) / len(households) <= 0.47
    # About 45 % of measures are placements; every kind and outcome occurs.
    assert 0.40 <= sum(m.kind == MeasureKind.PLACEMENT for m in measures) / len(measures) <= 0.50
    assert {m.kind for m in measures} == set(MeasureKind)
    assert {m.outcome for m in measures} == set(Outcome) | {None}
    rents = [m for m in measures if m.kind == MeasureKind.RENT_SUPPORT]
    assert len({m.monthly_amount for m in rents}) > 5 and len({m.months for m in rents}) > 5
    # Dwellings: 150, 1 to 8 places, about one in ten being refurbished (with works
    # going on), one or two run by a partner body in each municipality.
    assert len(dwellings) == sum(dwelling_counts) == 150
    assert {d.places for d in dwellings.values()} == set(range(1, 9))
    refurbishing = [d for d in dwellings.values() if d.state == DwellingState.REFURBISHING]
    assert 0.07 <= len(refurbishing) / len(dwellings) <= 0.15
    open_works = set(
        db.session.scalars(
            db.select(RefurbishmentWork.dwelling_id).where(RefurbishmentWork.ends_on.is_(None))
        )
    )
    assert open_works == {d.id for d in refurbishing}
    assert {DwellingState.AVAILABLE, DwellingState.OCCUPIED} <= {
        d.state for d in dwellings.values()
    }
    partners = Counter(
        d.municipality_id for d in dwellings.values() if d.managed_by == ManagedBy.PARTNER
    )
    assert {partners[m.id] for m in municipalities} <= {1, 2}
    # Some people moved from one dwelling to another within one measure.
    assert len(placements) > len({p.measure_id for p in placements})
    # The first staff member and the caseworker of each municipality manage housing.
    granted = set(db.session.scalars(db.select(User.email).where(User.grants == ",housing,")))
    assert granted == {
        f"{who}.{m.slug}@{EMAIL_DOMAIN}"
        for m in municipalities
        for who in ("staff1", "caseworker1")
    }


def scale_digest(db) -> list:
    return [
        db.session.execute(query.order_by(*query.selected_columns)).all()
        for query in (
            db.select(Dwelling.id, Dwelling.name, Dwelling.places, Dwelling.state),
            db.select(HousingMeasure.id, HousingMeasure.person_id, HousingMeasure.kind,
                      HousingMeasure.status, HousingMeasure.starts_on, HousingMeasure.amount),
            db.select(Placement.id, Placement.dwelling_id, Placement.starts_on, Placement.ends_on),
        )
    ]  # fmt: skip


def test_scale_housing_is_deterministic_and_follows_small_factors(app, db, clock):
    scale(app, "0.1")
    today = to_local(clock.now()).date()
    check_housing_rules(db, today)
    assert benefiting_people(db) == 50
    assert db.session.scalar(db.select(db.func.count(Dwelling.id))) == 15
    first = scale_digest(db)
    wipe()
    scale(app, "0.1")
    assert scale_digest(db) == first
