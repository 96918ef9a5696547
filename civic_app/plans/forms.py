from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from civic_app.core.forms import Form
from civic_app.projects.forms import MultiCheckboxField


class PlanForm(Form):
    goals = TextAreaField(
        _l("Obiettivi (in italiano semplice)"), validators=[DataRequired(), Length(max=5000)]
    )
    goals_translated = TextAreaField(
        _l("Obiettivi nella lingua del partecipante (facoltativo)"),
        validators=[Optional(), Length(max=5000)],
    )
    projects = MultiCheckboxField(_l("Progetti"), coerce=int, choices=[])
    target_hours = DecimalField(_l("Ore da svolgere"), places=2, validators=[InputRequired()])
    start_date = DateField(_l("Data di inizio"), validators=[InputRequired()])
    end_date = DateField(_l("Data di fine"), validators=[InputRequired()])
    tutor_id = SelectField(_l("Tutor di riferimento"), coerce=int, choices=[])
    notes = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Salva la bozza"))


class PlanStatusForm(Form):
    status = SelectField(_l("Nuovo stato"), choices=[])
    reason = TextAreaField(_l("Motivo"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Cambia stato"))
