from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from civic_app.core.forms import Form
from civic_app.projects.forms import SPOKEN_LANGUAGES


class RosterForm(Form):
    """The fixed part of the roster form; each person's mark and hours are read by name."""

    key = HiddenField(validators=[DataRequired(), Length(max=64)])
    reason = TextAreaField(_l("Motivo della correzione"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Salva le presenze"))


class WalkInForm(Form):
    """Someone who came without being enrolled: found by phone, or registered on the spot
    (first name, phone if any, language)."""

    key = HiddenField(validators=[DataRequired(), Length(max=64)])
    phone = StringField(
        _l("Numero di telefono (se ne ha uno)"),
        validators=[Optional(), Length(max=32)],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    first_name = StringField(
        _l("Nome"), validators=[Optional(), Length(max=80)], render_kw={"autocomplete": "off"}
    )
    language = SelectField(_l("Lingua"), choices=SPOKEN_LANGUAGES, default="it")
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
