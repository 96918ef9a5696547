"""Hours done by participants, summed from attendance as exact decimals."""

from decimal import Decimal


def hours_done(participant_id: int) -> Decimal:
    """Hours a participant has done in all projects (no attendance is recorded yet)."""
    return Decimal("0.00")
