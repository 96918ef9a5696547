"""People: erasure requests. Accounts are `core.accounts.User`; one-time codes are
`sms.models.LoginCode`."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from civic_app.core.types import UTCDateTime
from civic_app.extensions import db


class ErasureRequest(db.Model):
    """A participant asked for their personal data to be erased."""

    __tablename__ = "erasure_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
