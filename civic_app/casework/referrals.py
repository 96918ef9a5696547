"""Referrals from a case to a care service, and the steps of their status.

The status moves forward only: proposed → sent → accepted → attended → closed (closing
needs the outcome), or refused (from proposed, sent or accepted) or no-show (from
accepted), each with its reason. Every step is a ReferralChange row, dated and
attributed. These operations flush; the view commits.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from civic_app.casework import civic, reminders
from civic_app.casework.directory import services_for_referral
from civic_app.casework.models import (
    REFERRAL_STATUS_LABELS,
    CareService,
    Intake,
    IntakeStatus,
    Referral,
    ReferralChange,
    ReferralStatus,
)
from civic_app.casework.referral_forms import (
    PLACE_MAX,
    TEXT_MAX,
    AdvanceForm,
    AppointmentForm,
    ReferralForm,
)
from civic_app.core.audit import record
from civic_app.core.consent import consent_text
from civic_app.core.errors import DomainError
from civic_app.core.timeutil import to_local
from civic_app.extensions import db

S = ReferralStatus
#: Where each status may go: forward only, maybe skipping ahead (a service that accepts
#: on the phone); refused and no-show end it too.
NEXT: dict[ReferralStatus, tuple[ReferralStatus, ...]] = {
    S.PROPOSED: (S.SENT, S.ACCEPTED, S.ATTENDED, S.CLOSED, S.REFUSED),
    S.SENT: (S.ACCEPTED, S.ATTENDED, S.CLOSED, S.REFUSED),
    S.ACCEPTED: (S.ATTENDED, S.CLOSED, S.REFUSED, S.NO_SHOW),
    S.ATTENDED: (S.CLOSED,),
    S.CLOSED: (),
    S.REFUSED: (),
    S.NO_SHOW: (),
}
#: Steps that need a text: the outcome (closed) or the reason (refused, no-show).
NEEDS_NOTE = {
    S.CLOSED: _l("Scrivi l'esito per chiudere l'invio."),
    S.REFUSED: _l("Scrivi perché l'invio è stato rifiutato."),
    S.NO_SHOW: _l("Scrivi il motivo della mancata presentazione (anche «non si sa»)."),
}
#: Steps after which no appointment waits.
ENDED = frozenset({S.ATTENDED, S.CLOSED, S.REFUSED, S.NO_SHOW})
#: Steps of a referral to the programme that make the person a participant.
JOINED = frozenset({S.ACCEPTED, S.ATTENDED, S.CLOSED})
#: How far ahead an appointment may be.
APPOINTMENT_HORIZON = timedelta(days=365)


def _referable_services(municipality_id: int):
    """The directory entries a case of `municipality_id` may be referred to: active, its
    own or shared by the network (another municipality's programme is not)."""
    return services_for_referral(municipality_id)


def check_service(service: CareService | None, municipality_id: int) -> CareService:
    """:raise DomainError: for no service, another municipality's, or a retired one."""
    if service is None or (
        service.municipality_id != municipality_id
        and (not service.network_wide or civic.is_programme(service))
    ):
        raise DomainError("service_id", _l("Scegli un servizio dell'elenco."))
    if service.retired_at is not None:
        raise DomainError(
            "service_id", _l("Questo servizio non accetta più invii: scegline un altro.")
        )
    return service


def check_appointment(appointment_at: datetime | None, place: str, now: datetime) -> None:
    """:raise DomainError: for an appointment in the past or more than a year ahead."""
    if len(place) > PLACE_MAX:
        raise DomainError(
            "appointment_place", _l("Scrivi al massimo %(n)s caratteri.", n=PLACE_MAX)
        )
    if appointment_at is None:
        return
    if appointment_at <= now:
        raise DomainError(
            "appointment_day", _l("L'appuntamento è già passato: scegli un giorno e un'ora futuri.")
        )
    if appointment_at > now + APPOINTMENT_HORIZON:
        raise DomainError(
            "appointment_day", _l("L'appuntamento è a più di un anno da oggi: controlla la data.")
        )


def _as_status(value) -> ReferralStatus | None:
    try:
        return ReferralStatus(value) if value is not None else None
    except ValueError:
        return None


def _check_text(text: str, field_name: str) -> str:
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        raise DomainError(field_name, _l("Scrivi al massimo %(n)s caratteri.", n=TEXT_MAX))
    return text


def _step(
    referral: Referral, status: ReferralStatus, by, note: str, now: datetime
) -> ReferralChange:
    change = ReferralChange(referral_id=referral.id, status=status, at=now, by_id=by.id, note=note)
    db.session.add(change)
    referral.status_changed_at = now
    return change


def refer(
    intake: Intake,
    service: CareService | None,
    by,
    reason: str,
    appointment_at: datetime | None,
    appointment_place: str,
    now: datetime,
    *,
    programme_consent: bool = False,
) -> Referral:
    """Refer the case to `service`, maybe with an appointment (texted to the person who
    takes SMS). `programme_consent`: the person agreed to the civic-engagement programme
    (its text read in their language), for a referral to it. Flushes.

    :raise DomainError: for a closed case, an unknown or retired service, a missing or
        too long reason, an appointment in the past or more than a year ahead.
    """
    if intake.status != IntakeStatus.OPEN:
        raise DomainError(None, _l("Il caso è chiuso: non si possono fare nuovi invii."))
    service = check_service(service, intake.municipality_id)
    reason = _check_text(reason, "reason")
    if not reason:
        raise DomainError("reason", _l("Scrivi il motivo dell'invio."))
    place = (appointment_place or "").strip()
    check_appointment(appointment_at, place, now)
    referral = Referral(
        municipality_id=intake.municipality_id,
        intake_id=intake.id,
        service_id=service.id,
        reason=reason,
        appointment_at=appointment_at,
        appointment_place=place if appointment_at else "",
        status=S.PROPOSED,
        status_changed_at=now,
        created_by_id=by.id,
    )
    db.session.add(referral)
    db.session.flush()
    _step(referral, S.PROPOSED, by, "", now)
    if programme_consent and civic.is_programme(service):
        civic.record_programme_consent(intake.person, by=by, now=now)
    reminders.text_appointment(referral, now)
    record(
        "referral.created", referral, actor=by,
        details={"intake_id": intake.id, "service_id": service.id,
                 "appointment": appointment_at is not None},
    )  # fmt: skip
    return referral


def advance(
    referral: Referral,
    status: ReferralStatus | None,
    by,
    note: str,
    now: datetime,
    *,
    programme_consent: bool = False,
) -> ReferralChange:
    """Move the referral to `status`, with the outcome or reason the step needs. Attended:
    the case's person was seen today. Accepted by the programme: the person becomes a
    participant (`civic.join_programme`). Flushes.

    :raise DomainError: for a step backwards, sideways or out of an ended referral, or a
        missing or too long outcome or reason.
    """
    before = referral.status
    status = _as_status(status)
    if status is None:
        raise DomainError("status", _l("Scegli il nuovo stato dall'elenco."))
    if status not in NEXT[before]:
        raise DomainError(
            "status",
            _l("Da «%(from)s» l'invio non può passare a questo stato.",
               **{"from": status_label(before)}),
        )  # fmt: skip
    note = _check_text(note, "note")
    if status in NEEDS_NOTE and not note:
        raise DomainError("note", NEEDS_NOTE[status])
    referral.status = status
    if status in NEEDS_NOTE:
        referral.outcome = note
    change = _step(referral, status, by, note, now)
    intake = referral.intake
    if status == S.ATTENDED:
        intake.last_seen_on = max(intake.last_seen_on, to_local(now).date())
    if status in ENDED:
        reminders.cancel_appointment_texts(referral, now, "referral_" + status.value)
    if civic.is_programme(referral.service) and status in JOINED:
        if programme_consent:
            civic.record_programme_consent(intake.person, by=by, now=now)
        civic.join_programme(referral, now)
    db.session.flush()
    record(
        "referral.status_changed", referral, actor=by,
        details={"from": before.value, "to": status.value},
    )  # fmt: skip
    return change


def reschedule(
    referral: Referral, appointment_at: datetime | None, appointment_place: str, by, now
) -> None:
    """Set, move or remove the appointment of a referral still waiting for it: the SMS for
    the old time is cancelled and the new time is texted. Flushes.

    :raise DomainError: for an ended referral, or an appointment in the past or more
        than a year ahead.
    """
    if referral.status in ENDED:
        raise DomainError(None, _l("Questo invio è concluso: l'appuntamento non si cambia."))
    place = (appointment_place or "").strip()
    check_appointment(appointment_at, place, now)
    if appointment_at == referral.appointment_at and place == referral.appointment_place:
        return
    reminders.cancel_appointment_texts(referral, now, "moved")
    referral.appointment_at = appointment_at
    referral.appointment_place = place if appointment_at else ""
    _step(referral, referral.status, by, "", now)
    db.session.flush()
    reminders.text_appointment(referral, now)
    record(
        "referral.appointment_changed", referral, actor=by,
        details={"appointment": appointment_at is not None},
    )  # fmt: skip


def status_label(status: ReferralStatus) -> str:
    return str(REFERRAL_STATUS_LABELS[status])


# What the case page shows.


@dataclass
class Step:
    change: ReferralChange
    #: False for a row that only moved the appointment (its status did not change).
    is_status: bool


@dataclass
class ReferralItem:
    referral: Referral
    history: list[Step]
    advance_form: AdvanceForm | None = None
    appointment_form: AppointmentForm | None = None
    #: The programme's text, in the person's language, while their consent is missing.
    programme_text: str | None = None


def history(referral: Referral) -> list[Step]:
    return _steps(_changes([referral.id]).get(referral.id, []))


def _changes(referral_ids: list[int]) -> dict[int, list[ReferralChange]]:
    """The changes of each referral, oldest first, in one statement."""
    found: dict[int, list[ReferralChange]] = {}
    if referral_ids:
        for change in db.session.scalars(
            db.select(ReferralChange)
            .where(ReferralChange.referral_id.in_(referral_ids))
            .order_by(ReferralChange.at, ReferralChange.id)
        ):
            found.setdefault(change.referral_id, []).append(change)
    return found


def _steps(changes: list[ReferralChange]) -> list[Step]:
    steps, before = [], None
    for change in changes:
        steps.append(Step(change, is_status=change.status != before))
        before = change.status
    return steps


def _own_ids(form, referral: Referral, what: str):
    """Field ids of their own ("r12-status-note"): the case page has a form of each kind
    per referral. The names stay as they are, so the form posts like any other."""
    form.referral_id = referral.id
    for f in form:
        f.id = f"r{referral.id}-{what}-{f.name}"
        f.label.field_id = f.id
    return form


def advance_form_for(referral: Referral, formdata=None) -> AdvanceForm | None:
    """The next-step form of `referral`, None once it ended. `formdata`: what was sent."""
    statuses = NEXT[referral.status]
    if not statuses:
        return None
    form = _own_ids(AdvanceForm(formdata=formdata), referral, "status")
    form.fill_statuses(statuses)
    return form


def appointment_form_for(referral: Referral, formdata=None) -> AppointmentForm | None:
    """The appointment form of `referral` (filled with the current one), None once it
    ended. `formdata`: what was sent."""
    if referral.status in ENDED:
        return None
    form = _own_ids(AppointmentForm(formdata=formdata), referral, "appointment")
    if formdata is None and referral.appointment_at is not None:
        local = to_local(referral.appointment_at)
        form.appointment_day.data = local.date()
        form.appointment_time.data = local.time().replace(second=0, microsecond=0)
        form.appointment_place.data = referral.appointment_place
    return form


def referrals_of(intake: Intake, sent=None) -> list[ReferralItem]:
    """The case's referrals, newest first, each with its history and forms. `sent` (or
    `g.case_forms["referral_step"]`, as the views leave it): a step or appointment form
    sent with errors, shown again in place of its empty one."""
    if sent is None:
        sent = g.get("case_forms", {}).get("referral_step")
    referrals = db.session.scalars(
        db.select(Referral)
        .where(Referral.intake_id == intake.id)
        .options(selectinload(Referral.service))
        .order_by(Referral.id.desc())
    ).all()
    person = intake.person
    changes = _changes([r.id for r in referrals])
    items = []
    for referral in referrals:
        item = ReferralItem(
            referral=referral,
            history=_steps(changes.get(referral.id, [])),
            advance_form=advance_form_for(referral),
            appointment_form=appointment_form_for(referral),
        )
        if getattr(sent, "referral_id", None) == referral.id:
            if isinstance(sent, AdvanceForm):
                item.advance_form = sent
            else:
                item.appointment_form = sent
        if (
            item.advance_form is not None
            and civic.is_programme(referral.service)
            and civic.needs_programme_consent(person)
        ):
            item.programme_text = consent_text("programme", person.preferred_language)
        items.append(item)
    return items


def referral_form_for(intake: Intake, form: ReferralForm | None = None) -> ReferralForm | None:
    """The new-referral form (or `form`, sent with errors) with the services to choose;
    None for a closed case. `form` defaults to `g.case_forms["referral"]`, as the view
    leaves a refused one."""
    if form is None:
        form = g.get("case_forms", {}).get("referral")
    if intake.status != IntakeStatus.OPEN:
        return None
    civic.programme_service(intake.municipality_id)  # on the list from the first case
    if form is None:
        form = ReferralForm(formdata=None)
    form.fill_services(_referable_services(intake.municipality_id))
    person = intake.person
    #: Shown beside the consent box, while the person has not agreed to the programme.
    form.programme_text = (
        consent_text("programme", person.preferred_language)
        if civic.needs_programme_consent(person)
        else None
    )
    return form
