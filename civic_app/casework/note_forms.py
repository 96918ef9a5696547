"""The forms of a case's notes section: a new note, closing the case, reopening it.

The case page holds several forms (notes, referrals, closing): their fields have names
of their own (note_body, close_reason) so that no two share a name or an id.
"""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from civic_app.casework.models import NOTE_MAX_LENGTH, Sensitivity
from civic_app.core.forms import Form

SENSITIVITY_LABELS = {
    Sensitivity.TEAM: _l("Équipe"),
    Sensitivity.HEALTH: _l("Dati sanitari"),
}

#: Who reads a note of each sensitivity, as the form explains it.
SENSITIVITY_HINTS = {
    Sensitivity.TEAM: _l("La legge tutta l'équipe del Comune che segue i casi."),
    Sensitivity.HEALTH: _l(
        "Salute o salute mentale: la leggono solo tu, gli psicologi e gli assistenti "
        "sociali del Comune."
    ),
}

#: Why a case is closed (kept on the case as a code, never as free text).
CLOSE_REASONS = ("needs_met", "moved_away", "lost_contact", "other")

CLOSE_REASON_LABELS = {
    "needs_met": _l("Bisogni soddisfatti"),
    "moved_away": _l("Trasferimento altrove"),
    "lost_contact": _l("Contatto perso"),
    "other": _l("Altro"),
    # Set by an erasure, never offered on the form.
    "erased": _l("Dati cancellati"),
}


class NoteForm(Form):
    # The length rule is the operation's (add_note): an error found there keeps every
    # character typed on the form shown again, where a validator's would be cut short.
    note_body = TextAreaField(
        _l("Nota"),
        render_kw={"maxlength": NOTE_MAX_LENGTH, "rows": 6, "dir": "auto"},
    )
    note_sensitivity = RadioField(
        _l("Chi la legge"),
        choices=[(s.value, SENSITIVITY_LABELS[s]) for s in Sensitivity],
        default=Sensitivity.TEAM.value,
    )
    submit = SubmitField(_l("Aggiungi la nota"))


class CloseCaseForm(Form):
    close_reason = SelectField(
        _l("Perché si chiude"),
        choices=[("", _l("Scegli…"))]
        + [(code, CLOSE_REASON_LABELS[code]) for code in CLOSE_REASONS],
        validators=[DataRequired(message=_l("Scegli perché si chiude il caso."))],
    )
    submit = SubmitField(_l("Chiudi il caso"))


class ReopenCaseForm(Form):
    """Reopening a closed case: only the CSRF token to check."""

    submit = SubmitField(_l("Riapri il caso"))
