"""Small pieces of SQL and arithmetic that several report modules share."""

from decimal import Decimal

from sqlalchemy import distinct, func, select

from civic_app.plans.models import PlanSignature

ZERO = Decimal("0.00")


def decimal_of(value) -> Decimal:
    """A sum from SQL as an exact Decimal with two places (SQLite sums in floats)."""
    return ZERO if value is None else Decimal(str(value)).quantize(ZERO)


def signed_plans():
    """Plans signed by both sides: (plan_id, first signature time)."""
    return (
        select(PlanSignature.plan_id, func.min(PlanSignature.signed_at).label("first"))
        .group_by(PlanSignature.plan_id)
        .having(func.count(distinct(PlanSignature.signer_role)) == 2)
        .subquery()
    )
