from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp


class PasswordLoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Accedi"))


class PhoneForm(FlaskForm):
    phone = StringField(
        _l("Numero di telefono"),
        validators=[DataRequired(), Length(max=32)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    submit = SubmitField(_l("Ricevi il codice via SMS"))


class CodeForm(FlaskForm):
    code = StringField(
        _l("Codice di 6 cifre"),
        validators=[
            DataRequired(),
            Regexp(r"^\s*\d{6}\s*$", message=_l("Il codice ha 6 cifre.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6},
    )
    submit = SubmitField(_l("Entra"))
