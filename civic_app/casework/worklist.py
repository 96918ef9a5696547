"""What a caseworker should look at today.

Three lists, each item a case to open: referrals with no news for CASEWORK_STALE_DAYS,
today's appointments (Rome's calendar day), and people with an open case not seen for
CASEWORK_NOT_SEEN_DAYS. An item carries the person's first name (or alias) and what is
due, never a note nor a reason.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app

from civic_app.casework.models import (
    REFERRAL_STATUS_LABELS,
    CareService,
    Intake,
    IntakeStatus,
    Referral,
    ReferralStatus,
)
from civic_app.core.accounts import User
from civic_app.core.timeutil import local_day_bounds, to_local
from civic_app.extensions import db

#: Referrals that still wait for news from the service.
WAITING = (ReferralStatus.PROPOSED, ReferralStatus.SENT, ReferralStatus.ACCEPTED)
#: The longest list shown; the oldest come first.
LIMIT = 100


@dataclass(frozen=True)
class Item:
    intake_id: int
    first_name: str
    #: stale: the service's name and the referral's status; today: the service's name;
    #: not_seen: nothing more.
    service: str = ""
    status: ReferralStatus | None = None
    #: stale: the last news; today: the appointment; not_seen: the day last seen.
    since: datetime | date | None = None
    days: int = 0

    @property
    def status_label(self) -> str:
        return str(REFERRAL_STATUS_LABELS[self.status]) if self.status else ""


def _days(config_key: str, default: int) -> int:
    return int(current_app.config.get(config_key, default) or default)


def _referral_query(municipality_id: int):
    return (
        db.select(Referral, User.first_name, CareService.name)
        .join(Intake, Intake.id == Referral.intake_id)
        .join(User, User.id == Intake.person_id)
        .join(CareService, CareService.id == Referral.service_id)
        .where(
            Referral.municipality_id == municipality_id,
            Referral.status.in_(WAITING),
            User.erased_at.is_(None),
        )
    )


def stale_referrals(municipality_id: int, now: datetime) -> list[Item]:
    stale_days = _days("CASEWORK_STALE_DAYS", 14)
    rows = db.session.execute(
        _referral_query(municipality_id)
        .where(Referral.status_changed_at < now - timedelta(days=stale_days))
        .order_by(Referral.status_changed_at, Referral.id)
        .limit(LIMIT)
    ).all()
    return [
        Item(
            intake_id=referral.intake_id, first_name=first_name, service=service,
            status=referral.status, since=referral.status_changed_at,
            days=(now - referral.status_changed_at).days,
        )
        for referral, first_name, service in rows
    ]  # fmt: skip


def appointments_today(municipality_id: int, now: datetime) -> list[Item]:
    start, end = local_day_bounds(to_local(now).date())
    rows = db.session.execute(
        _referral_query(municipality_id)
        .where(Referral.appointment_at >= start, Referral.appointment_at < end)
        .order_by(Referral.appointment_at, Referral.id)
        .limit(LIMIT)
    ).all()
    return [
        Item(
            intake_id=referral.intake_id, first_name=first_name, service=service,
            status=referral.status, since=referral.appointment_at,
        )
        for referral, first_name, service in rows
    ]  # fmt: skip


def not_seen(municipality_id: int, now: datetime) -> list[Item]:
    today = to_local(now).date()
    days = _days("CASEWORK_NOT_SEEN_DAYS", 30)
    rows = db.session.execute(
        db.select(Intake.id, Intake.last_seen_on, User.first_name)
        .join(User, User.id == Intake.person_id)
        .where(
            Intake.municipality_id == municipality_id,
            Intake.status == IntakeStatus.OPEN,
            Intake.last_seen_on < today - timedelta(days=days),
            User.erased_at.is_(None),
        )
        .order_by(Intake.last_seen_on, Intake.id)
        .limit(LIMIT)
    ).all()
    return [
        Item(intake_id=intake_id, first_name=first_name, since=seen, days=(today - seen).days)
        for intake_id, seen, first_name in rows
    ]


def worklist(municipality_id: int, now) -> dict:
    """{"stale": [...], "today": [...], "not_seen": [...]}, lists of `Item`."""
    return {
        "stale": stale_referrals(municipality_id, now),
        "today": appointments_today(municipality_id, now),
        "not_seen": not_seen(municipality_id, now),
    }
