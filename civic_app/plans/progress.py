"""Hours done by participants, summed from attendance as exact decimals."""

from decimal import Decimal

from sqlalchemy import func

from civic_app.extensions import db


def hours_done(participant_id: int) -> Decimal:
    """Hours a participant has done in all projects."""
    from civic_app.attendance.models import Attendance

    total = db.session.scalar(
        db.select(func.coalesce(func.sum(Attendance.hours), 0)).where(
            Attendance.participant_id == participant_id
        )
    )
    return Decimal(total).quantize(Decimal("0.01"))
