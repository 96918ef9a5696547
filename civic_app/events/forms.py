from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from civic_app.core.forms import Form
from civic_app.events.models import AUDIENCE_LABELS, EVENT_TYPE_LABELS
from civic_app.projects.forms import (
    EVENT_PARTS,
    SPOKEN_LANGUAGES,
    MultiCheckboxField,
    add_translation_fields,
    fill_translations,
    form_missing_translations,
    read_translations,
    weekday_choices,
)


class EventForm(Form):
    title = StringField(_l("Titolo"), validators=[DataRequired(), Length(max=160)])
    description = TextAreaField(_l("Descrizione"), validators=[Optional(), Length(max=5000)])
    event_type = SelectField(
        _l("Tipo"), choices=[(k.value, v) for k, v in EVENT_TYPE_LABELS.items()]
    )
    venue_id = SelectField(_l("Luogo"), coerce=int, choices=[])
    day = DateField(_l("Giorno"), validators=[InputRequired()])
    start_time = TimeField(_l("Dalle"), validators=[InputRequired()])
    end_time = TimeField(_l("Alle"), validators=[InputRequired()])
    capacity = IntegerField(_l("Posti"), validators=[InputRequired()])
    languages = MultiCheckboxField(_l("Lingue"), choices=SPOKEN_LANGUAGES, default=["it"])
    audience = SelectField(
        _l("Per chi"), choices=[(k.value, v) for k, v in AUDIENCE_LABELS.items()]
    )
    audience_projects = MultiCheckboxField(_l("Progetti invitati"), coerce=int, choices=[])
    audience_language = SelectField(
        _l("Lingua del gruppo"), choices=[("", "—")] + SPOKEN_LANGUAGES, validators=[Optional()]
    )
    submit = SubmitField(_l("Crea e annuncia"))

    def event_data(self) -> dict:
        return {
            "title": self.title.data.strip(),
            "description": (self.description.data or "").strip(),
            "event_type": self.event_type.data,
            "capacity": self.capacity.data,
            "languages": self.languages.data,
            "audience": self.audience.data,
            "audience_projects": list(self.audience_projects.data or []),
            "audience_language": self.audience_language.data or None,
            "translations": read_translations(self, EVENT_PARTS),
        }

    def fill_translations(self, event) -> None:
        fill_translations(self, event.translations, EVENT_PARTS)

    def missing_translations(self) -> list[str]:
        return form_missing_translations(self, EVENT_PARTS)


#: What an edit of an event of a series reaches.
SCOPES = [
    ("one", _l("Solo questo evento")),
    ("following", _l("Questo e i successivi della serie")),
]


add_translation_fields(EventForm, EVENT_PARTS)


class EditEventForm(EventForm):
    scope = RadioField(_l("Quali eventi cambiare"), choices=SCOPES, default="one")
    #: The event as the page showed it (changes.fingerprint).
    seen = HiddenField()
    submit = SubmitField(_l("Salva e avvisa chi viene"))


class SeriesForm(EventForm):
    weekdays = MultiCheckboxField(_l("Giorni della settimana"), coerce=int, choices=[])
    until = DateField(_l("Fino al"), validators=[InputRequired()])
    interval = IntegerField(
        _l("Ogni quante settimane"), default=1, validators=[InputRequired(), NumberRange(1, 8)]
    )
    submit = SubmitField(_l("Crea la serie"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekdays.choices = weekday_choices()
        self.day.label.text = _l("Dal giorno")


class FindTimeForm(Form):
    class Meta:
        csrf = False

    venue_id = SelectField(_l("Luogo"), coerce=int, choices=[])
    first_day = DateField(_l("Dal giorno"), validators=[InputRequired()])
    last_day = DateField(_l("Al giorno"), validators=[InputRequired()])
    minutes = IntegerField(
        _l("Durata (minuti)"), default=90, validators=[InputRequired(), NumberRange(15, 720)]
    )
    audience = SelectField(
        _l("Per chi"), choices=[(k.value, v) for k, v in AUDIENCE_LABELS.items()]
    )
    audience_projects = MultiCheckboxField(_l("Progetti invitati"), coerce=int, choices=[])
    audience_language = SelectField(
        _l("Lingua del gruppo"), choices=[("", "—")] + SPOKEN_LANGUAGES, validators=[Optional()]
    )
    submit = SubmitField(_l("Trova gli orari migliori"))


class AttendanceForm(Form):
    guests = IntegerField(
        _l("Persone dal pubblico"), default=0, validators=[InputRequired(), NumberRange(0, 10000)]
    )
    submit = SubmitField(_l("Salva le presenze"))
