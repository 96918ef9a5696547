"""Referral to civic engagement: the bridge from pillar 2 to pillar 3.

A referral to the municipality's programme is a referral like the others. Accepted, it
makes the person a participant: the same User row (names, phone, language and facts
stay as the intake recorded them), signed up "assisted", waiting for staff to check the
sign-up. They then log in with their phone (an SMS code) and ask to join a project.
"""

from datetime import datetime

from flask import current_app, has_request_context, request

from civic_app.casework.models import (
    CareService,
    Intake,
    Referral,
    ReferralChange,
    ServiceKind,
    UnitKind,
)
from civic_app.core.accounts import User
from civic_app.core.consent import active_consent, give_consent
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.sms.operations import queue_sms
from civic_app.sms.templates import render_sms, sms_brand, sms_language

#: The name the programme's entry of the directory gets (a name is data, kept as typed).
PROGRAMME_NAME = "Programma di impegno civico"


def programme_service(municipality_id: int) -> CareService:
    """The municipality's own civic-engagement programme in the directory, made on first
    use. Flushes."""
    service = db.session.scalar(
        db.select(CareService)
        .where(
            CareService.municipality_id == municipality_id,
            CareService.kind == ServiceKind.CIVIC_ENGAGEMENT,
            CareService.retired_at.is_(None),
        )
        .order_by(CareService.id)
        .limit(1)
    )
    if service is None:
        service = CareService(
            municipality_id=municipality_id,
            name=PROGRAMME_NAME,
            kind=ServiceKind.CIVIC_ENGAGEMENT,
            languages="",
        )
        db.session.add(service)
        db.session.flush()
    return service


def is_programme(service: CareService) -> bool:
    return service.kind == ServiceKind.CIVIC_ENGAGEMENT


def needs_programme_consent(person: User) -> bool:
    return active_consent(person, "programme") is None


def record_programme_consent(person: User, *, by: User, now: datetime) -> None:
    """The person agreed, before the caseworker, to the programme's text shown in their
    language: recorded as said aloud (no paper), with who recorded it. Flushes."""
    if needs_programme_consent(person):
        give_consent(
            person, "programme", language=person.preferred_language, method="verbal",
            now=now, recorded_by=by,
        )  # fmt: skip


def referral_source(intake: Intake) -> str:
    """one_stop_shop or mobile_unit (core.accounts.REFERRAL_SOURCES), from where the
    person was met; met on the street without a unit: a mobile unit's work."""
    if intake.unit is not None and intake.unit.kind == UnitKind.ONE_STOP_SHOP:
        return "one_stop_shop"
    return "mobile_unit"


def join_programme(referral: Referral, now: datetime) -> bool:
    """The person of an accepted referral to the programme becomes a participant (True),
    unless they are one already. Staff check the assisted sign-up (`pending_review`)
    and, without a recorded programme consent, record it. Flushes."""
    person = referral.intake.person
    if person.role != Role.IN_CARE:
        return False
    person.role = Role.PARTICIPANT
    person.signed_up_via = "assisted"
    person.referral_source = referral_source(referral.intake)
    person.pending_review = True
    db.session.flush()
    _welcome(person, referral, now)
    return True


def _site() -> str:
    """Where participants log in, as a person would type it (no scheme)."""
    base = current_app.config.get("PUBLIC_BASE_URL") or (
        request.host_url if has_request_context() else ""
    )
    host = base.split("://", 1)[-1].rstrip("/")
    return host or sms_brand()


def _welcome(person: User, referral: Referral, now: datetime) -> None:
    if not person.phone:
        return
    language = sms_language(person.preferred_language)
    queue_sms(
        phone=person.phone,
        body=render_sms("referral_civic_welcome", language, site=_site()),
        kind="referral_civic_welcome",
        now=now,
        user=person,
        municipality_id=referral.municipality_id,
        idempotency_key=f"referral-civic-welcome:u{person.id}",
        subject=("referral", referral.id),
    )


def person_funnel(person: User) -> dict:
    """The person's way through the pillars: their intakes, and each one's referrals
    with the steps of their status (oldest first). The reports layer adds plans."""
    intakes = db.session.scalars(
        db.select(Intake).where(Intake.person_id == person.id).order_by(Intake.met_on, Intake.id)
    ).all()
    referrals = db.session.scalars(
        db.select(Referral)
        .where(Referral.intake_id.in_([i.id for i in intakes]))
        .order_by(Referral.id)
    ).all()
    changes = db.session.scalars(
        db.select(ReferralChange)
        .where(ReferralChange.referral_id.in_([r.id for r in referrals]))
        .order_by(ReferralChange.at, ReferralChange.id)
    ).all()
    steps: dict[int, list] = {}
    for change in changes:
        steps.setdefault(change.referral_id, []).append(
            {"status": change.status.value, "at": change.at}
        )
    return {
        "person_id": person.id,
        "role": person.role.value,
        "intakes": [
            {
                "intake_id": intake.id,
                "met_on": intake.met_on,
                "status": intake.status.value,
                "referrals": [
                    {
                        "referral_id": r.id,
                        "service_id": r.service_id,
                        "service_kind": r.service.kind.value,
                        "status": r.status.value,
                        "steps": steps.get(r.id, []),
                    }
                    for r in referrals
                    if r.intake_id == intake.id
                ],
            }
            for intake in intakes
        ],
    }
