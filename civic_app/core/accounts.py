"""The person: one account record across every feature and pillar, and their consents.

Every feature refers to people through `User`; the versioned consent texts and the
operations on consents are in `core.consent`.
"""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.base import NO_VALUE

from civic_app.core.models import Municipality, TimestampMixin
from civic_app.core.permissions import Role
from civic_app.core.types import UTCDateTime, str_enum
from civic_app.extensions import db


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, TimestampMixin, db.Model):
    __table_args__ = (
        CheckConstraint(
            "role = 'coordinator' OR municipality_id IS NOT NULL",
            name="municipal_role_has_municipality",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    #: None only for national coordinators.
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    municipality: Mapped[Municipality | None] = relationship()
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str | None] = mapped_column(String(80))
    #: Staff, tutors and coordinators log in with it; stored lower-case.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: E.164. Participants log in with it.
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    #: A language code (interface languages, or any the SMS templates speak).
    preferred_language: Mapped[str] = mapped_column(String(8), default="it")
    #: How texts reach them (core.channels.Channel): sms, whatsapp or voice.
    channel: Mapped[str] = mapped_column(String(10), default="sms", server_default="sms")
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Part of the login cookie; changing it logs the account out everywhere.
    session_token: Mapped[str] = mapped_column(String(40), default=new_session_token, unique=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Secret of the personal calendar feed URL; a new one revokes the old URL.
    calendar_token: Mapped[str | None] = mapped_column(String(40), unique=True)
    #: Participants: web, sms or assisted (registered by staff at a desk).
    signed_up_via: Mapped[str | None] = mapped_column(String(10))
    #: Participants: who sent them (see REFERRAL_SOURCES).
    referral_source: Mapped[str | None] = mapped_column(String(20))
    #: Participants: sectors they are interested in, as ",green,care,".
    sectors_of_interest: Mapped[str] = mapped_column(String(60), default="")
    #: Set while the person does not want non-essential SMS (consent withdrawn or STOP).
    sms_opt_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Signed up by SMS and not yet checked by staff.
    pending_review: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Personal data removed on request or after retention; the row keeps the numbers.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Facts the fund asks to count people by; all optional (None = not stated).
    #: female, male, other, undisclosed (see core.demographics.SEXES).
    sex: Mapped[str | None] = mapped_column(String(12))
    birth_year: Mapped[int | None]
    #: ISO 3166-1 alpha-2 country of citizenship, e.g. "NG".
    citizenship: Mapped[str | None] = mapped_column(String(2))
    #: Staff only: the programme's vulnerability categories, as ",code,code,".
    vulnerabilities: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: Staff and coordinators: base32 secret of the optional TOTP second factor.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: When the second factor was confirmed; None while it is off.
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Permissions beyond the role, as ",casework,housing," (see permissions.GRANTS).
    grants: Mapped[str] = mapped_column(String(60), default="", server_default="")
    #: Case team members: caseworker, social_worker, psychologist, legal_adviser
    #: (see casework.models.PROFESSIONS); decides who reads special-category notes.
    profession: Mapped[str | None] = mapped_column(String(20))

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    def get_id(self) -> str:  # Flask-Login: the cookie holds the token, not the id
        return self.session_token

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name or ''}".strip()

    def has_grant(self, grant: str) -> bool:
        return f",{grant}," in (self.grants or "")

    @property
    def sector_codes(self) -> list[str]:
        return [code for code in (self.sectors_of_interest or "").split(",") if code]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


@event.listens_for(User.role, "set", active_history=True)
@event.listens_for(User.is_active_account, "set", active_history=True)
def _end_sessions_when_access_changes(user: User, value, oldvalue, _initiator) -> None:
    """Disabling an account or changing its role logs it out everywhere.

    Whoever makes the change (a view, the CLI, a job), every cookie that names the
    old token stops working on its next request. Not on creation (no old value).
    """
    if oldvalue is NO_VALUE or oldvalue is None or value == oldvalue:
        return
    user.rotate_session_token()


#: Where a participant came from (assisted sign-up records it).
REFERRAL_SOURCES = ("one_stop_shop", "mobile_unit", "social_services", "association", "self")


class Consent(db.Model):
    """One consent given (and maybe withdrawn): which text, in which language, when, how."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    #: "programme" (taking part, data processing) or "sms" (reminders and news by SMS).
    purpose: Mapped[str] = mapped_column(String(20))
    #: Version of the consent text, e.g. "2026-11".
    version: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(8))
    #: The exact text the person agreed to, as shown to them.
    text: Mapped[str] = mapped_column(Text)
    #: web, sms_code (confirmed with a code), paper (signed form kept by staff), sms
    method: Mapped[str] = mapped_column(String(20))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Staff member who recorded it (assisted sign-up); None when the person did.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
