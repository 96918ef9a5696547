"""Data rights at the desk: a copy of a person's data, or their erasure, made by the
municipality for someone who cannot use /me/data (no phone, or a person in care, who
never logs in).

Who may act: for a person with a case (any intake), the case team of their municipality
(caseworkers, and staff with the casework grant: `can_work_cases`), because the copy
holds the case and its notes; for a participant without a case, the municipality's
staff, as for the other participant pages. Anyone else gets a 403, another
municipality's person a 404. Each action needs a reason, chosen from a list of codes
(RIGHTS_REASONS): the audit trail records the code, never free text or a personal value.
"""

import json

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.validators import DataRequired

from civic_app.casework.models import Intake
from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.exports import csv_separator
from civic_app.core.forms import Form
from civic_app.core.permissions import Role, can_work_cases, get_scoped_or_404, roles_required
from civic_app.extensions import db
from civic_app.people import bp
from civic_app.people.case_rights import readable_notes
from civic_app.people.data_rights import (
    checkpoint_sqlite_log,
    erase_participant,
    export_csv,
    export_data,
)

#: Why the municipality acts for the person (audited as the code).
RIGHTS_REASONS = ("in_person", "letter", "legal_obligation", "other")

RIGHTS_REASON_LABELS = {
    "in_person": _l("La persona l'ha chiesto di persona"),
    "letter": _l("La persona l'ha chiesto per lettera o email"),
    "legal_obligation": _l("Obbligo di legge (autorità, tribunale)"),
    "other": _l("Altro"),
}

FORMATS = {"json": _l("JSON"), "csv": _l("CSV"), "csv_semicolon": _l("CSV per Excel in italiano")}


def _reason_field(label):
    return SelectField(
        label,
        choices=[("", _l("Scegli…"))] + [(c, RIGHTS_REASON_LABELS[c]) for c in RIGHTS_REASONS],
        validators=[DataRequired(message=_l("Scegli il motivo."))],
    )


class PersonExportForm(Form):
    export_reason = _reason_field(_l("Perché fai la copia"))
    export_format = SelectField(_l("Formato"), choices=list(FORMATS.items()), default="json")
    submit = SubmitField(_l("Scarica la copia"))


class PersonErasureForm(Form):
    erase_reason = _reason_field(_l("Perché cancelli"))
    confirm = BooleanField(
        _l(
            "Ho verificato chi è la persona e la sua richiesta; "
            "so che la cancellazione non si annulla"
        ),
        validators=[DataRequired(message=_l("Conferma prima di cancellare."))],
    )
    submit = SubmitField(_l("Cancella i dati"))


acting_for_people = roles_required(Role.STAFF, Role.CASEWORKER)


def _person_or_404(user_id: int) -> User:
    """A participant or person in care of the current user's municipality, not erased,
    whom the current user may act for.

    :raise 404: another municipality's person, an erased one, or an account of the
        municipality's own people (staff, tutors, caseworkers).
    :raise 403: a person with a case, for someone not on the case team; a participant
        without a case, for a caseworker.
    """
    person = get_scoped_or_404(User, user_id)
    if person.role not in (Role.PARTICIPANT, Role.IN_CARE) or person.erased_at is not None:
        abort(404)
    has_case = db.session.scalar(
        db.select(db.func.count(Intake.id)).where(Intake.person_id == person.id)
    )
    allowed = can_work_cases(current_user) if has_case else current_user.role == Role.STAFF
    if not allowed:
        db.session.rollback()
        record("auth.forbidden", person, details={"endpoint": "person_data"})
        db.session.commit()
        abort(403)
    return person


def _page(person: User, export_form=None, erasure_form=None):
    _notes, left_out = readable_notes(person, current_user)
    return render_template(
        "people/person_data.html",
        person=person,
        export_form=export_form or PersonExportForm(formdata=None),
        erasure_form=erasure_form or PersonErasureForm(formdata=None),
        notes_left_out=left_out,
    )


@bp.route("/staff/people/<int:user_id>/data")
@acting_for_people
def person_data(user_id: int):
    person = _person_or_404(user_id)
    record("person.data_rights_viewed", person)
    db.session.commit()
    return _page(person)


@bp.route("/staff/people/<int:user_id>/data/export", methods=["POST"])
@acting_for_people
def export_person_data(user_id: int):
    """The person's copy, as the JSON or CSV of /me/data; every case note in it is
    audited as read by the one who made it."""
    person = _person_or_404(user_id)
    form = PersonExportForm()
    if not form.validate_on_submit():
        return _page(person, export_form=form)
    reader = current_user._get_current_object()
    data = export_data(person, reader=reader)
    fmt = form.export_format.data
    notes, _left_out = readable_notes(person, reader)
    for note in notes:
        record("case_note.read", note, details={"intake_id": note.intake_id, "via": "export"})
    record(
        "data.exported",
        person,
        details={"format": fmt, "reason": form.export_reason.data, "via": "staff"},
    )
    db.session.commit()
    if fmt == "json":
        body, mimetype, ext = (
            json.dumps(data, ensure_ascii=False, indent=2),
            "application/json",
            "json",
        )
    else:
        separator = csv_separator("semicolon" if fmt == "csv_semicolon" else None)
        body, mimetype, ext = export_csv(data, separator), "text/csv", "csv"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            # The id, never the name, in the file name: it lands in download folders.
            "Content-Disposition": f'attachment; filename="civic_app-person-{person.id}.{ext}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/staff/people/<int:user_id>/data/erase", methods=["POST"])
@acting_for_people
def erase_person_data(user_id: int):
    """Erase the person as /staff/erasures does, their case's free text too."""
    person = _person_or_404(user_id)
    form = PersonErasureForm()
    if not form.validate_on_submit():
        return _page(person, erasure_form=form)
    erase_participant(person, now(), staff=current_user._get_current_object())
    record("data.erased", person, details={"reason": form.erase_reason.data, "via": "staff"})
    db.session.commit()
    checkpoint_sqlite_log()  # the erased values leave SQLite's write-ahead log now
    flash(_("Dati cancellati. Restano solo i numeri anonimi."), "success")
    if can_work_cases(current_user):
        return redirect(url_for("casework.home"))
    return redirect(url_for("people.participants"))
