from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from civic_app.core.forms import Form


class RosterForm(Form):
    """The fixed part of the roster form; each person's mark and hours are read by name."""

    key = HiddenField(validators=[DataRequired(), Length(max=64)])
    reason = TextAreaField(_l("Motivo della correzione"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Salva le presenze"))


class WalkInForm(Form):
    key = HiddenField(validators=[DataRequired(), Length(max=64)])
    phone = StringField(
        _l("Numero di telefono"),
        validators=[DataRequired(), Length(max=32)],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    submit = SubmitField(_l("Aggiungi all'elenco"))


class LockForm(Form):
    month = StringField(
        _l("Mese (AAAA-MM)"),
        validators=[
            DataRequired(),
            Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("Scrivi il mese come 2026-03.")),
        ],
    )
    submit = SubmitField(_l("Chiudi il mese"))


class UnlockForm(Form):
    reason = TextAreaField(_l("Perché lo riapri"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Riapri il mese"))
