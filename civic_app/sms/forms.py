from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Regexp

from civic_app.core.forms import Form


class ConfirmCodeForm(Form):
    code = StringField(
        _l("Codice di 6 cifre"),
        validators=[DataRequired(), Regexp(r"^\s*\d{6}\s*$", message=_l("Il codice ha 6 cifre."))],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6},
    )
    submit = SubmitField(_l("Conferma"))
