"""The programme's pillars in figures: people taken in charge and referred, people in
housing measures, the funnel from intake to a completed plan, the dwellings' occupancy and
the money spent. A fixed number of grouped queries, like reports.indicators.

Definitions (docs/reports.md, "The programme's targets"):

- taken in charge and referred: different people with an intake that has at least one
  referral, counted in the intake's municipality, since the programme began; in a month:
  the people whose first referral there was made that month;
- in housing measures: different people with a measure that is active or ended (not
  "not started") and has started by today; in a month: the people whose first such
  measure started that month. Household members are counted apart (per person, the
  largest household of their measures) and never in the target;
- the funnel: people with an intake; of them, with a referral; of those, with a plan
  signed by both sides; of those, with a signed plan now completed;
- money: the euro of the measures above that started in the period, by kind, and the
  cost of the works on dwellings that started in the period (both by today).
"""

from datetime import datetime

from sqlalchemy import case, distinct, func, or_, select

from civic_app.casework.models import Intake, Referral
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.housing.models import (
    BENEFITING,
    HousingMeasure,
    Outcome,
    RefurbishmentWork,
)
from civic_app.plans.models import Plan, PlanStatus
from civic_app.reports.occupancy import place_days
from civic_app.reports.period import Period
from civic_app.reports.queries import decimal_of, signed_plans


def benefiting(today) -> list:
    """Conditions on HousingMeasure: the measures a person has benefited from by `today`."""
    return [
        HousingMeasure.status.in_(BENEFITING),
        or_(HousingMeasure.outcome.is_(None), HousingMeasure.outcome != Outcome.NOT_STARTED),
        HousingMeasure.starts_on <= today,
    ]


def first_referrals(where_m):
    """(municipality, person, first): when each person was first referred, per municipality."""
    return (
        select(
            Intake.municipality_id.label("municipality_id"),
            Intake.person_id.label("person_id"),
            func.min(Referral.created_at).label("first"),
        )
        .join(Referral, Referral.intake_id == Intake.id)
        .where(*where_m(Intake.municipality_id))
        .group_by(Intake.municipality_id, Intake.person_id)
        .subquery()
    )


def housed_people(today, where_m):
    """(municipality, person, first, household): each person's first benefiting measure
    and the largest household of their benefiting measures, per municipality."""
    return (
        select(
            HousingMeasure.municipality_id.label("municipality_id"),
            HousingMeasure.person_id.label("person_id"),
            func.min(HousingMeasure.starts_on).label("first"),
            func.max(HousingMeasure.household_members).label("household"),
        )
        .where(*benefiting(today), *where_m(HousingMeasure.municipality_id))
        .group_by(HousingMeasure.municipality_id, HousingMeasure.person_id)
        .subquery()
    )


def scoped(municipality_id: int | None):
    """`where_m(column)`: the conditions keeping one municipality (none: all of them)."""
    return lambda column: [] if municipality_id is None else [column == municipality_id]


def housed_by_month(period: Period, today, where_m):
    """(municipality, month, people, household members) of the people whose first
    benefiting measure began in each month of the period."""
    housed = housed_people(today, where_m)
    first_month = period.month_of_day(housed.c.first)
    return (
        select(
            housed.c.municipality_id,
            first_month,
            func.count(),
            func.coalesce(func.sum(housed.c.household), 0),
        )
        .where(period.contains_day(housed.c.first))
        .group_by(housed.c.municipality_id, first_month)
    )


def programme_rows(
    period: Period, moment: datetime, municipality_id: int | None = None
) -> dict[str, list[tuple]]:
    """The rows of reports.indicators.Figures for the pillars (nine queries)."""
    run = db.session.execute
    where_m = scoped(municipality_id)
    today = to_local(moment).date()
    rows: dict[str, list[tuple]] = {}

    # The funnel, and with it the first target (its second step).
    # For one municipality only its people's plans and its referrals are read (a
    # referral is always in its intake's municipality); the definition is unchanged.
    people_here = select(Intake.person_id).where(*where_m(Intake.municipality_id))
    plans_here = [Plan.participant_id.in_(people_here)] if municipality_id is not None else []
    signed = signed_plans(*plans_here)
    planned = (
        select(Plan.participant_id).join(signed, signed.c.plan_id == Plan.id).where(*plans_here)
    )
    completed = planned.where(Plan.status == PlanStatus.COMPLETED)
    referred = Intake.id.in_(select(Referral.intake_id).where(*where_m(Referral.municipality_id)))
    person = Intake.person_id

    def people_where(condition):
        return func.count(distinct(case((condition, person))))

    rows["funnel"] = run(
        select(
            Intake.municipality_id,
            func.count(distinct(person)),
            people_where(referred),
            people_where(referred & person.in_(planned)),
            people_where(referred & person.in_(completed)),
        )
        .where(*where_m(Intake.municipality_id))
        .group_by(Intake.municipality_id)
    ).all()
    first = first_referrals(where_m)
    month = period.month_of(first.c.first)
    rows["referred_by_month"] = run(
        select(first.c.municipality_id, month, func.count())
        .where(period.contains(first.c.first))
        .group_by(first.c.municipality_id, month)
    ).all()

    # The second target: people in housing measures, household members apart.
    housed = housed_people(today, where_m)
    rows["housed_all"] = run(
        select(
            housed.c.municipality_id,
            func.count(),
            func.coalesce(func.sum(housed.c.household), 0),
        ).group_by(housed.c.municipality_id)
    ).all()
    rows["housed_by_month"] = run(housed_by_month(period, today, where_m)).all()

    # Money spent in the period: measures by kind, works on dwellings.
    rows["money"] = [
        (m, kind, measures, people, decimal_of(amount))
        for m, kind, measures, people, amount in run(
            select(
                HousingMeasure.municipality_id,
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
            .group_by(HousingMeasure.municipality_id, HousingMeasure.kind)
        )
    ]
    rows["money_people"] = run(
        select(HousingMeasure.municipality_id, func.count(distinct(HousingMeasure.person_id)))
        .where(
            *benefiting(today),
            period.contains_day(HousingMeasure.starts_on),
            *where_m(HousingMeasure.municipality_id),
        )
        .group_by(HousingMeasure.municipality_id)
    ).all()
    rows["works"] = [
        (m, works, decimal_of(cost))
        for m, works, cost in run(
            select(
                RefurbishmentWork.municipality_id,
                func.count(),
                func.sum(RefurbishmentWork.cost),
            )
            .where(
                period.contains_day(RefurbishmentWork.starts_on),
                RefurbishmentWork.starts_on <= today,
                *where_m(RefurbishmentWork.municipality_id),
            )
            .group_by(RefurbishmentWork.municipality_id)
        )
    ]

    # Occupancy of the dwellings (two queries, Python over their rows).
    rows["occupancy"], rows["placed_people"] = place_days(period, today, municipality_id)
    return rows
