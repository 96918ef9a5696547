"""Individual civic-engagement plans: drafting, signing, status. These flush; callers commit."""

import hashlib
import json
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from civic_app.core.errors import DomainError
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.plans.models import Plan, PlanEvent, PlanSignature, PlanStatus

OPEN_STATUSES = (PlanStatus.DRAFT, PlanStatus.SIGNED, PlanStatus.ACTIVE, PlanStatus.SUSPENDED)
MAX_TARGET_HOURS = Decimal("2000")
#: Status changes staff make by hand (signing is not one of them): from -> to.
PLAN_TRANSITIONS = {
    PlanStatus.DRAFT: {PlanStatus.WITHDRAWN},
    PlanStatus.SIGNED: {PlanStatus.ACTIVE, PlanStatus.WITHDRAWN},
    PlanStatus.ACTIVE: {PlanStatus.SUSPENDED, PlanStatus.COMPLETED, PlanStatus.WITHDRAWN},
    PlanStatus.SUSPENDED: {PlanStatus.ACTIVE, PlanStatus.WITHDRAWN},
    PlanStatus.COMPLETED: set(),
    PlanStatus.WITHDRAWN: set(),
}


def content_hash(plan: Plan) -> str:
    """SHA-256 of what a signature covers: every field of the plan's content."""
    content = {
        "version": plan.version,
        "participant": plan.participant_id,
        "goals": plan.goals,
        "goals_translated": plan.goals_translated,
        "target_hours": str(plan.target_hours),
        "start_date": plan.start_date.isoformat(),
        "end_date": plan.end_date.isoformat(),
        "tutor": plan.tutor_id,
        "projects": sorted(p.id for p in plan.projects),
        "notes": plan.notes,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


#: The reasons the system writes itself, stored as keys and shown in the reader's language.
EVENT_REASONS = {
    "created": _l("piano creato"),
    "new version": _l("nuova versione"),
    "signed by both": _l("firmato da entrambi"),
}


def _event(plan: Plan, to_status: PlanStatus, reason: str, actor, now: datetime) -> None:
    db.session.add(
        PlanEvent(
            plan_id=plan.id,
            from_status=str(plan.status) if plan.status else None,
            to_status=str(to_status),
            reason=reason,
            actor_id=getattr(actor, "id", None),
            at=now,
        )
    )
    plan.status = to_status


def open_plan(participant) -> Plan | None:
    return db.session.scalar(
        db.select(Plan).where(Plan.participant_id == participant.id, Plan.status.in_(OPEN_STATUSES))
    )


def parse_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        hours = None
    # NaN and infinity are numbers to Decimal, and NaN compares with nothing.
    if hours is None or not hours.is_finite():
        raise DomainError("target_hours", _l("Scrivi le ore come numero, ad esempio 60."))
    try:
        hours = hours.quantize(Decimal("0.25"))
    except InvalidOperation:  # too many digits to round (1e30)
        hours = None
    if hours is None or not Decimal("1") <= hours <= MAX_TARGET_HOURS:
        raise DomainError("target_hours", _l("Le ore devono essere tra 1 e 2000."))
    return hours


def save_plan(
    plan: Plan | None, participant, data: dict, *, tutor, projects, actor, now: datetime
) -> Plan:
    """Draft a plan, or change one; a change after signing makes a new version to sign again.

    :raise DomainError: on bad dates or hours, people or projects of another municipality,
        a second open plan, or a plan that is already running or closed.
    """
    if participant.role != Role.PARTICIPANT:
        raise DomainError(None, _l("Un piano è per un partecipante."))
    municipality_id = participant.municipality_id
    if data["end_date"] < data["start_date"]:
        raise DomainError("end_date", _l("La data di fine viene prima della data di inizio."))
    if not (data.get("goals") or "").strip():
        raise DomainError("goals", _l("Scrivi gli obiettivi del piano."))
    if tutor is not None and (tutor.role != Role.TUTOR or tutor.municipality_id != municipality_id):
        raise DomainError("tutor_id", _l("Scegli un tutor del tuo Comune."))
    if any(p.municipality_id != municipality_id for p in projects):
        raise DomainError("projects", _l("Scegli progetti del tuo Comune."))
    if plan is None:
        if open_plan(participant) is not None:
            raise DomainError(None, _l("Questa persona ha già un piano aperto."))
        plan = Plan(
            participant_id=participant.id,
            municipality_id=municipality_id,
            status=PlanStatus.DRAFT,
            version=1,
        )
        db.session.add(plan)
    elif plan.status not in (PlanStatus.DRAFT, PlanStatus.SIGNED):
        raise DomainError(None, _l("Un piano in corso o chiuso non si modifica."))
    else:
        plan.version += 1
        if plan.status == PlanStatus.SIGNED:
            db.session.flush()
            _event(plan, PlanStatus.DRAFT, "new version", actor, now)
    plan.goals = data["goals"].strip()
    plan.goals_translated = (data.get("goals_translated") or "").strip()
    plan.target_hours = parse_hours(data["target_hours"])
    plan.start_date, plan.end_date = data["start_date"], data["end_date"]
    plan.notes = (data.get("notes") or "").strip()
    plan.tutor = tutor
    plan.projects = list(projects)
    db.session.flush()
    if not plan.events:
        _event(plan, PlanStatus.DRAFT, "created", actor, now)
        db.session.flush()
    return plan


def signatures_of_current_version(plan: Plan) -> dict[str, PlanSignature]:
    rows = db.session.scalars(
        db.select(PlanSignature).where(
            PlanSignature.plan_id == plan.id, PlanSignature.version == plan.version
        )
    )
    return {row.signer_role: row for row in rows}


def sign(plan: Plan, signer, *, method: str, now: datetime) -> PlanSignature:
    """Sign the current version as the participant or as staff; both make the plan `signed`.

    :raise DomainError: when the plan is not waiting for signatures, the signer is neither
        its participant nor staff of its municipality, or has signed this version already.
    """
    if plan.status != PlanStatus.DRAFT:
        raise DomainError(None, _l("Questo piano non aspetta firme."))
    if signer.role == Role.PARTICIPANT and signer.id == plan.participant_id:
        role = "participant"
    elif signer.role == Role.STAFF and signer.municipality_id == plan.municipality_id:
        role = "staff"
    else:
        raise DomainError(None, _l("Non puoi firmare questo piano."))
    signed = signatures_of_current_version(plan)
    if role in signed:
        raise DomainError(None, _l("Hai già firmato questa versione."))
    signature = PlanSignature(
        plan_id=plan.id,
        version=plan.version,
        content_hash=content_hash(plan),
        signer_id=signer.id,
        signer_role=role,
        method=method,
        signed_at=now,
    )
    db.session.add(signature)
    db.session.flush()
    if {"participant", "staff"} <= {*signed, role}:
        _event(plan, PlanStatus.SIGNED, "signed by both", signer, now)
        db.session.flush()
    return signature


def change_plan_status(plan: Plan, to_status: PlanStatus, *, reason: str, actor, now) -> None:
    """Start, suspend, resume, complete or withdraw a plan; every change needs a reason.

    :raise DomainError: for a change that the plan's status does not allow, or no reason.
    """
    if to_status not in PLAN_TRANSITIONS[plan.status]:
        raise DomainError(None, _l("Questo cambio di stato non è possibile."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason", _l("Scrivi il motivo del cambio."))
    _event(plan, to_status, reason[:1000], actor, now)
    db.session.flush()


def ask_to_sign(plan: Plan, now: datetime):
    """Text the participant that the plan waits for their signature."""
    from civic_app.sms.operations import queue_sms
    from civic_app.sms.templates import render_sms

    participant = plan.participant
    if not participant.phone:
        return None
    return queue_sms(
        phone=participant.phone,
        body=render_sms("plan_ready", participant.preferred_language),
        kind="plan_ready",
        now=now,
        user=participant,
        idempotency_key=f"plan_ready:{plan.id}:v{plan.version}",
    )
