"""Small pieces of SQL and arithmetic that several report modules share."""

from decimal import Decimal

from sqlalchemy import distinct, func, select

from civic_app.plans.models import Plan, PlanSignature

ZERO = Decimal("0.00")


def decimal_of(value) -> Decimal:
    """A sum from SQL as an exact Decimal with two places (SQLite sums in floats)."""
    return ZERO if value is None else Decimal(str(value)).quantize(ZERO)


def signed_plans(*plan_conditions):
    """Plans signed by both sides: (plan_id, first signature time).

    `plan_conditions` on Plan keep only some plans (e.g. one municipality's): without them
    every signature of the network is grouped, which a municipality's page must not wait for.
    """
    query = select(PlanSignature.plan_id, func.min(PlanSignature.signed_at).label("first"))
    if plan_conditions:
        query = query.join(Plan, Plan.id == PlanSignature.plan_id).where(*plan_conditions)
    return (
        query.group_by(PlanSignature.plan_id)
        .having(func.count(distinct(PlanSignature.signer_role)) == 2)
        .subquery()
    )
