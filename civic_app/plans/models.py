"""Enrolments of participants in projects (and, later, their individual plans)."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic_app.core.models import MunicipalityScoped, TimestampMixin
from civic_app.core.types import UTCDateTime
from civic_app.extensions import db


class EnrolmentStatus(enum.StrEnum):
    APPLIED = "applied"  #: asked to join and holds a place, waiting for staff
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


#: Statuses that take one of the project's places.
HOLDS_A_PLACE = (EnrolmentStatus.APPLIED, EnrolmentStatus.ACCEPTED)

ENROLMENT_STATUS_LABELS = {
    EnrolmentStatus.APPLIED: _l("Richiesta inviata"),
    EnrolmentStatus.ACCEPTED: _l("Accettato"),
    EnrolmentStatus.WAITLISTED: _l("In lista d'attesa"),
    EnrolmentStatus.DECLINED: _l("Non accettato"),
    EnrolmentStatus.WITHDRAWN: _l("Ritirato"),
    EnrolmentStatus.COMPLETED: _l("Completato"),
}


class Enrolment(MunicipalityScoped, TimestampMixin, db.Model):
    __table_args__ = (
        UniqueConstraint("project_id", "participant_id"),
        Index("ix_enrolment_project_status", "project_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    project = relationship("Project")
    participant_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    participant = relationship("User", foreign_keys=[participant_id])
    status: Mapped[EnrolmentStatus] = mapped_column(
        Enum(
            EnrolmentStatus,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    #: When the participant asked: the waitlist is served in this order.
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
