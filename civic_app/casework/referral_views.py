"""Referring a case to a service, its steps and its appointment; one referral's page.

Each change is a POST from the case page that goes back to it. A refused form shows the
case page again with what was typed and the errors (as note_views does, through
`g.case_forms`); nothing of a reason or an outcome goes to a flash message, a URL or
the audit trail.
"""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic_app.casework import bp, case_views
from civic_app.casework.access import load_case_or_404
from civic_app.casework.models import REFERRAL_STATUS_LABELS, CareService, Referral
from civic_app.casework.referral_forms import ReferralForm
from civic_app.casework.referrals import (
    advance,
    advance_form_for,
    appointment_form_for,
    history,
    refer,
    reschedule,
)
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.permissions import Role, casework_required, get_scoped_or_404
from civic_app.extensions import db


def _back_to(intake, anchor: str = "referrals"):
    return redirect(url_for("casework.case", intake_id=intake.id, _anchor=anchor))


def _case_page_again(intake, **forms):
    """The case page with the refused `forms` filled in as they were sent."""
    db.session.rollback()
    g.case_forms = forms
    return case_views.case(intake_id=intake.id)


def _load(referral_id: int):
    """The referral and its case, of the current municipality.

    :raise 404: for another municipality's referral or an erased person's.
    """
    referral = get_scoped_or_404(Referral, referral_id)
    return referral, load_case_or_404(referral.intake_id, audit=None)


@bp.route("/cases/<int:intake_id>/referrals", methods=["POST"])
@casework_required
def create_referral(intake_id: int):
    """Refer the case to a service (audited "referral.created", by ids)."""
    intake = load_case_or_404(intake_id, audit=None)
    form = ReferralForm()
    if form.validate_on_submit():
        service_id = form.service_id.data
        service = db.session.get(CareService, service_id) if service_id else None
        try:
            refer(
                intake, service, current_user._get_current_object(), form.reason.data or "",
                form.appointment_at(), form.appointment_place.data or "", now(),
                programme_consent=form.programme_consent.data,
            )  # fmt: skip
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Invio registrato."), "success")
            return _back_to(intake)
    return _case_page_again(intake, referral=form)


@bp.route("/cases/referrals/<int:referral_id>/status", methods=["POST"])
@casework_required
def referral_status(referral_id: int):
    """The next step of a referral, with its outcome or reason (audited by ids)."""
    referral, intake = _load(referral_id)
    form = advance_form_for(referral, formdata=request.form)
    if form is None:
        flash(_("Questo invio è concluso: lo stato non cambia più."), "error")
        return _back_to(intake, f"referral-{referral.id}")
    person = intake.person
    was_participant = person.role == Role.PARTICIPANT
    if form.validate_on_submit():
        try:
            advance(
                referral, form.chosen_status(), current_user._get_current_object(),
                form.note.data or "", now(), programme_consent=form.programme_consent.data,
            )  # fmt: skip
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            db.session.commit()
            label = REFERRAL_STATUS_LABELS[referral.status]
            flash(_("Stato aggiornato: %(status)s.", status=label), "success")
            if not was_participant and person.role == Role.PARTICIPANT:
                flash(_("Ora partecipa al programma di impegno civico: il personale del Comune "
                        "verifica l'iscrizione."), "success")  # fmt: skip
            return _back_to(intake, f"referral-{referral.id}")
    return _case_page_again(intake, referral_step=form)


@bp.route("/cases/referrals/<int:referral_id>/appointment", methods=["POST"])
@casework_required
def referral_appointment(referral_id: int):
    """Set, move or remove a referral's appointment (the person is texted the new one)."""
    referral, intake = _load(referral_id)
    form = appointment_form_for(referral, formdata=request.form)
    if form is None:
        flash(_("Questo invio è concluso: l'appuntamento non si cambia."), "error")
        return _back_to(intake, f"referral-{referral.id}")
    if form.validate_on_submit():
        try:
            reschedule(
                referral, form.appointment_at(), form.appointment_place.data or "",
                current_user._get_current_object(), now(),
            )  # fmt: skip
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Appuntamento salvato."), "success")
            return _back_to(intake, f"referral-{referral.id}")
    return _case_page_again(intake, referral_step=form)


@bp.route("/cases/referrals/<int:referral_id>")
@casework_required
def referral_page(referral_id: int):
    """One referral with every step of its history (the read of the case is audited)."""
    referral = get_scoped_or_404(Referral, referral_id)
    intake = load_case_or_404(referral.intake_id)
    page = render_template(
        "casework/referral.html",
        referral=referral,
        intake=intake,
        person=intake.person,
        steps=history(referral),
        status_labels=REFERRAL_STATUS_LABELS,
    )
    db.session.commit()
    return page
