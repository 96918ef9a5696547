from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from civic_app.core.forms import Form


class SimulatorNumberForm(Form):
    phone = StringField(_l("Numero di telefono"), validators=[DataRequired(), Length(max=32)])
    use_number = SubmitField(_l("Usa questo numero"))


class SimulatorTextForm(Form):
    body = TextAreaField(_l("Messaggio"), validators=[DataRequired(), Length(max=1600)])
    send = SubmitField(_l("Invia SMS"))
