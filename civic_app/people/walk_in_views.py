"""Staff finish the sign-up of walk-ins: people a tutor registered on a roster (first name,
phone if any, language) so that their hours were not lost, who have not consented yet."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.consent import consent_text
from civic_app.core.errors import DomainError
from civic_app.core.permissions import Role, get_scoped_or_404, roles_required
from civic_app.extensions import db
from civic_app.people import bp
from civic_app.people.forms import PaperConsentForm
from civic_app.people.operations import needs_consent, record_paper_consent


def walk_in_consent(person) -> dict | None:
    """What the staff profile shows of a walk-in without consent: the consent text in
    their language (to read together) and the form; None for everyone else."""
    if not needs_consent(person):
        return None
    return {
        "form": PaperConsentForm(formdata=None),
        "text": consent_text("programme", person.preferred_language),
    }


@bp.route("/staff/participants/<int:user_id>/consent", methods=["POST"])
@roles_required(Role.STAFF)
def paper_consent(user_id: int):
    """The walk-in signed the consent form on paper: staff record it (audited)."""
    person = get_scoped_or_404(User, user_id)
    if person.role != Role.PARTICIPANT:
        abort(404)
    back = redirect(url_for("people.participant_profile", user_id=person.id))
    form = PaperConsentForm()
    if not form.validate_on_submit():
        flash(_("Conferma che il modulo è firmato."), "error")
        return back
    try:
        staff = current_user._get_current_object()
        record_paper_consent(person, staff=staff, now=now(), sms=form.sms.data)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return back
    record("consent.recorded", person, details={"method": "paper", "sms": form.sms.data})
    db.session.commit()
    flash(_("Consenso registrato: iscrizione completata."), "success")
    return back
