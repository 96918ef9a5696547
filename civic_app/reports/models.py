"""Certificates of civic engagement, as issued: what they said stays verifiable."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic_app.core.models import MunicipalityScoped
from civic_app.core.types import UTCDateTime
from civic_app.extensions import db


class Certificate(MunicipalityScoped, db.Model):
    """One certificate issued to a participant, signed for the municipality by a staff member.

    The public verification page reads this row, so it shows what was certified
    on the day even if attendance changes later.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    participant = relationship("User", foreign_keys=[participant_id])
    municipality = relationship("Municipality")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    #: The only personal value the public page shows, e.g. "A. K.".
    initials: Mapped[str] = mapped_column(String(12))
    #: Local dates of the first and last session counted.
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    total_hours: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    #: [{"project_id", "title", "sector", "hours", "first", "last"}], as certified.
    by_project: Mapped[list] = mapped_column(JSON, default=list)
    #: Set when staff withdraw it (issued by mistake); the page then says so.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
