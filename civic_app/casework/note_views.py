"""Writing a case note, closing a case and reopening it.

Each is a POST from the case page. A refused form shows the case page again with what
was typed and the errors (never a redirect that would lose a note being written); the
note's text goes nowhere else: not to the flash message, the URL or the audit trail.
"""

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic_app.casework import bp, case_views
from civic_app.casework.access import load_case_or_404
from civic_app.casework.note_forms import CloseCaseForm, NoteForm, ReopenCaseForm
from civic_app.casework.notes import add_note, close_case, reopen_case
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.permissions import casework_required
from civic_app.extensions import db


def _back_to(intake, anchor: str = "notes"):
    return redirect(url_for("casework.case", intake_id=intake.id, _anchor=anchor))


def _case_page_again(intake, **forms):
    """The case page with the refused `forms` filled in as they were sent."""
    db.session.rollback()
    g.case_forms = forms
    return case_views.case(intake_id=intake.id)


@bp.route("/cases/<int:intake_id>/notes", methods=["POST"])
@casework_required
def add_case_note(intake_id: int):
    """A case-team member writes a note (audited as "case_note.added", by id only)."""
    intake = load_case_or_404(intake_id, audit=None)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            note = add_note(
                intake, current_user, form.note_body.data, form.note_sensitivity.data, now()
            )
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            record(
                "case_note.added",
                note,
                details={"intake_id": intake.id, "sensitivity": str(note.sensitivity)},
            )
            db.session.commit()
            flash(_("Nota aggiunta."), "success")
            return _back_to(intake)
    return _case_page_again(intake, note=form)


@bp.route("/cases/<int:intake_id>/close", methods=["POST"])
@casework_required
def close(intake_id: int):
    """Close the case with a reason code (audited with the code)."""
    intake = load_case_or_404(intake_id, audit=None)
    form = CloseCaseForm()
    if form.validate_on_submit():
        try:
            close_case(intake, form.close_reason.data, now())
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            record("case.closed", intake, details={"reason": intake.closed_reason})
            db.session.commit()
            flash(_("Caso chiuso."), "success")
            return _back_to(intake, "case-status")
    return _case_page_again(intake, close=form)


@bp.route("/cases/<int:intake_id>/reopen", methods=["POST"])
@casework_required
def reopen(intake_id: int):
    """Reopen a closed case (audited)."""
    intake = load_case_or_404(intake_id, audit=None)
    if not ReopenCaseForm().validate_on_submit():
        abort(400)
    if reopen_case(intake):
        record("case.reopened", intake)
        db.session.commit()
        flash(_("Caso riaperto."), "success")
    else:
        flash(_("Il caso è già aperto."))
    return _back_to(intake, "case-status")
