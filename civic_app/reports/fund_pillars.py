"""The fund's tables of the first two pillars, per municipality and month: `intake`
(people taken in charge, referred, referrals by kind of service) and `housing` (people
entering housing measures, measures and euro by kind, works, placements, occupancy).

Exact, as reports.fund_tables: what coordinators receive is protected by
reports.protection. Ten queries whatever the size of the data. Each row carries, besides
its columns, `_groups`: {column: the number of people behind it}, so that a small group's
euro, referrals or occupancy are hidden with it.
"""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import distinct, func, select

from civic_app.casework.models import CareService, Intake, Referral, ServiceKind
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.housing.models import HousingMeasure, MeasureKind, Placement, RefurbishmentWork
from civic_app.reports.dashboard import rate
from civic_app.reports.occupancy import place_days
from civic_app.reports.period import Period
from civic_app.reports.programme import benefiting, first_referrals, housed_by_month, scoped
from civic_app.reports.queries import ZERO, decimal_of


def pillar_tables(
    period: Period, moment: datetime, municipality_id: int | None = None
) -> dict[str, dict[tuple, dict]]:
    """{"intake": {(municipality, month): values}, "housing": {...}}."""
    return {
        "intake": _intake(period, municipality_id),
        "housing": _housing(period, to_local(moment).date(), municipality_id),
    }


def _intake(period: Period, municipality_id: int | None) -> dict[tuple, dict]:
    run = db.session.execute
    where_m = scoped(municipality_id)
    rows: dict[tuple, dict] = defaultdict(lambda: {"_groups": {}})
    met = period.month_of_day(Intake.met_on)
    for m, month, people in run(
        select(Intake.municipality_id, met, func.count(distinct(Intake.person_id)))
        .where(period.contains_day(Intake.met_on), *where_m(Intake.municipality_id))
        .group_by(Intake.municipality_id, met)
    ):
        rows[(m, month)]["people_taken_in_charge"] = people
    first = first_referrals(where_m)
    first_month = period.month_of(first.c.first)
    for m, month, people in run(
        select(first.c.municipality_id, first_month, func.count())
        .where(period.contains(first.c.first))
        .group_by(first.c.municipality_id, first_month)
    ):
        rows[(m, month)]["people_referred_first"] = people
    made = period.month_of(Referral.created_at)
    for m, month, referrals, people in run(
        select(
            Referral.municipality_id,
            made,
            func.count(),
            func.count(distinct(Intake.person_id)),
        )
        .join(Intake, Intake.id == Referral.intake_id)
        .where(period.contains(Referral.created_at), *where_m(Referral.municipality_id))
        .group_by(Referral.municipality_id, made)
    ):
        rows[(m, month)]["referrals_made"] = referrals
        rows[(m, month)]["_groups"]["referrals_made"] = people
    for m, month, kind, referrals, people in referral_kinds(period, where_m):
        column = f"referrals_{ServiceKind(kind)}"
        rows[(m, month)][column] = referrals
        rows[(m, month)]["_groups"][column] = people
    return rows


def _housing(period: Period, today, municipality_id: int | None) -> dict[tuple, dict]:
    run = db.session.execute
    where_m = scoped(municipality_id)
    rows: dict[tuple, dict] = defaultdict(lambda: {"_groups": {}})
    for m, month, people, household in run(housed_by_month(period, today, where_m)):
        rows[(m, month)]["people_entering"] = people
        rows[(m, month)]["household_members"] = household
        rows[(m, month)]["_groups"]["household_members"] = people
    started = period.month_of_day(HousingMeasure.starts_on)
    for m, month, kind, measures, people, amount in run(
        select(
            HousingMeasure.municipality_id,
            started,
            HousingMeasure.kind,
            func.count(),
            func.count(distinct(HousingMeasure.person_id)),
            func.sum(HousingMeasure.amount),
        )
        .where(
            *benefiting(today),
            period.contains_day(HousingMeasure.starts_on),
            *where_m(HousingMeasure.municipality_id),
        )
        .group_by(HousingMeasure.municipality_id, started, HousingMeasure.kind)
    ):
        kind = MeasureKind(kind)
        row = rows[(m, month)]
        row[f"measures_{kind}"] = measures
        row[f"euro_{kind}"] = decimal_of(amount)
        row["_groups"][f"measures_{kind}"] = row["_groups"][f"euro_{kind}"] = people
    work_month = period.month_of_day(RefurbishmentWork.starts_on)
    for m, month, cost in run(
        select(RefurbishmentWork.municipality_id, work_month, func.sum(RefurbishmentWork.cost))
        .where(
            period.contains_day(RefurbishmentWork.starts_on),
            RefurbishmentWork.starts_on <= today,
            *where_m(RefurbishmentWork.municipality_id),
        )
        .group_by(RefurbishmentWork.municipality_id, work_month)
    ):
        rows[(m, month)]["euro_dwelling_works"] = decimal_of(cost)
    placed = period.month_of_day(Placement.starts_on)
    for m, month, placements, people in run(
        select(
            Placement.municipality_id,
            placed,
            func.count(),
            func.count(distinct(HousingMeasure.person_id)),
        )
        .join(HousingMeasure, HousingMeasure.id == Placement.measure_id)
        .where(
            period.contains_day(Placement.starts_on),
            Placement.starts_on <= today,
            *where_m(Placement.municipality_id),
        )
        .group_by(Placement.municipality_id, placed)
    ):
        rows[(m, month)]["placements_started"] = placements
        rows[(m, month)]["_groups"]["placements_started"] = people
    days, _people = place_days(period, today, municipality_id)
    for m, month, available, occupied, people in days:
        row = rows[(m, month)]
        row["occupancy_rate"] = rate(occupied, available)
        row["_groups"]["occupancy_rate"] = people
    for row in rows.values():
        for kind in MeasureKind:
            row.setdefault(f"euro_{kind}", ZERO)
        row.setdefault("euro_dwelling_works", ZERO)
        row.setdefault("occupancy_rate", None)
    return rows


def referral_kinds(period: Period, where_m) -> list[tuple]:
    """(municipality, month, service kind, referrals, people): referrals made in the period."""
    month = period.month_of(Referral.created_at)
    return db.session.execute(
        select(
            Referral.municipality_id,
            month,
            CareService.kind,
            func.count(),
            func.count(distinct(Intake.person_id)),
        )
        .join(CareService, CareService.id == Referral.service_id)
        .join(Intake, Intake.id == Referral.intake_id)
        .where(period.contains(Referral.created_at), *where_m(Referral.municipality_id))
        .group_by(Referral.municipality_id, month, CareService.kind)
    ).all()
