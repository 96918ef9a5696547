from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from civic_app.core.forms import Form
from civic_app.projects.models import SECTOR_LABELS, TRANSLATED_LANGUAGES, missing_translations

#: Languages a tutor may speak, for the project form and the marketplace filter.
SPOKEN_LANGUAGES = [
    ("it", "Italiano"), ("en", "English"), ("fr", "Français"), ("ar", "العربية"),
    ("es", "Español"), ("bn", "বাংলা"), ("ur", "اردو"), ("uk", "Українська"),
]  # fmt: skip


def weekday_choices():
    return [
        (0, _l("lunedì")),
        (1, _l("martedì")),
        (2, _l("mercoledì")),
        (3, _l("giovedì")),
        (4, _l("venerdì")),
        (5, _l("sabato")),
        (6, _l("domenica")),
    ]


def translated_text_fields():
    """A title and a description in English, French and Arabic, optional: called inside a
    form's class body, so that the fields keep their place among the form's own."""
    return (
        StringField(_l("Titolo in inglese"), validators=[Optional(), Length(max=160)]),
        TextAreaField(_l("Descrizione in inglese"), validators=[Optional(), Length(max=5000)]),
        StringField(_l("Titolo in francese"), validators=[Optional(), Length(max=160)]),
        TextAreaField(_l("Descrizione in francese"), validators=[Optional(), Length(max=5000)]),
        StringField(_l("Titolo in arabo"), validators=[Optional(), Length(max=160)]),
        TextAreaField(_l("Descrizione in arabo"), validators=[Optional(), Length(max=5000)]),
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProjectForm(Form):
    title = StringField(_l("Titolo (italiano)"), validators=[DataRequired(), Length(max=160)])
    description = TextAreaField(
        _l("Descrizione (italiano)"), validators=[DataRequired(), Length(max=5000)]
    )
    (title_en, description_en, title_fr, description_fr, title_ar, description_ar) = (
        translated_text_fields()
    )
    what_to_bring_en = TextAreaField(
        _l("Cosa portare, in inglese"), validators=[Optional(), Length(max=2000)]
    )
    what_to_bring_fr = TextAreaField(
        _l("Cosa portare, in francese"), validators=[Optional(), Length(max=2000)]
    )
    what_to_bring_ar = TextAreaField(
        _l("Cosa portare, in arabo"), validators=[Optional(), Length(max=2000)]
    )
    sector = SelectField(_l("Settore"), choices=[(k.value, v) for k, v in SECTOR_LABELS.items()])
    venue_id = SelectField(_l("Luogo"), coerce=int, choices=[])
    address = StringField(_l("Indirizzo"), validators=[Optional(), Length(max=255)])
    latitude = DecimalField(
        _l("Latitudine"), places=6, validators=[Optional(), NumberRange(-90, 90)]
    )
    longitude = DecimalField(
        _l("Longitudine"), places=6, validators=[Optional(), NumberRange(-180, 180)]
    )
    meeting_point = StringField(_l("Punto d'incontro"), validators=[Optional(), Length(max=255)])
    capacity = IntegerField(_l("Posti"), validators=[InputRequired()])
    min_age = IntegerField(_l("Età minima"), default=18, validators=[InputRequired()])
    languages = MultiCheckboxField(
        _l("Lingue parlate dai tutor"), choices=SPOKEN_LANGUAGES, default=["it"]
    )
    what_to_bring = TextAreaField(_l("Cosa portare"), validators=[Optional(), Length(max=2000)])
    accessibility = TextAreaField(_l("Accessibilità"), validators=[Optional(), Length(max=2000)])
    tutors = MultiCheckboxField(_l("Tutor"), coerce=int, choices=[])
    start_date = DateField(_l("Data di inizio"), validators=[InputRequired()])
    end_date = DateField(_l("Data di fine"), validators=[InputRequired()])
    submit = SubmitField(_l("Salva"))

    def project_data(self) -> dict:
        return {
            "title": self.title.data.strip(),
            "description": self.description.data.strip(),
            "translations": read_translations(self, PROJECT_PARTS),
            "sector": self.sector.data,
            "address": (self.address.data or "").strip(),
            "latitude": float(self.latitude.data) if self.latitude.data is not None else None,
            "longitude": float(self.longitude.data) if self.longitude.data is not None else None,
            "meeting_point": (self.meeting_point.data or "").strip(),
            "capacity": self.capacity.data,
            "min_age": self.min_age.data,
            "languages": self.languages.data,
            "what_to_bring": (self.what_to_bring.data or "").strip(),
            "accessibility": (self.accessibility.data or "").strip(),
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
        }

    def fill_translations(self, project) -> None:
        fill_translations(self, project.translations, PROJECT_PARTS)

    def missing_translations(self) -> list[str]:
        return form_missing_translations(self, PROJECT_PARTS)


#: The parts of a project, and of an event, that staff may translate (fields `<part>_<lang>`).
PROJECT_PARTS = ("title", "description", "what_to_bring")
EVENT_PARTS = ("title", "description")


def read_translations(form, parts: tuple[str, ...]) -> dict:
    """{"en": {"title": ..., ...}, ...} from a form's `<part>_<lang>` fields; a part or a
    language with nothing typed is left out (the Italian text stands for it)."""
    translations = {}
    for lang in TRANSLATED_LANGUAGES:
        texts = {part: (getattr(form, f"{part}_{lang}").data or "").strip() for part in parts}
        if any(texts.values()):
            translations[lang] = {part: text for part, text in texts.items() if text}
    return translations


def fill_translations(form, translations: dict | None, parts: tuple[str, ...]) -> None:
    for lang in TRANSLATED_LANGUAGES:
        text = (translations or {}).get(lang) or {}
        for part in parts:
            getattr(form, f"{part}_{lang}").data = text.get(part, "")


class ScheduleForm(Form):
    weekdays = MultiCheckboxField(_l("Giorni della settimana"), coerce=int, choices=[])
    start_time = TimeField(_l("Dalle"), validators=[InputRequired()])
    end_time = TimeField(_l("Alle"), validators=[InputRequired()])
    from_date = DateField(_l("Dal giorno"), validators=[InputRequired()])
    until_date = DateField(_l("Al giorno"), validators=[InputRequired()])
    interval = IntegerField(
        _l("Ogni quante settimane"), default=1, validators=[InputRequired(), NumberRange(1, 8)]
    )
    rrule = StringField(
        _l("Regola avanzata (RRULE, facoltativa)"), validators=[Optional(), Length(max=500)]
    )
    venue_id = SelectField(_l("Luogo"), coerce=int, choices=[])
    submit = SubmitField(_l("Crea i turni"))
    #: The answers to the holiday warning (a post with no button at all keeps every day).
    skip_holidays = SubmitField(_l("Crea senza i festivi"))
    keep_holidays = SubmitField(_l("Crea anche nei festivi"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekdays.choices = weekday_choices()


class SessionForm(Form):
    day = DateField(_l("Giorno"), validators=[InputRequired()])
    start_time = TimeField(_l("Dalle"), validators=[InputRequired()])
    end_time = TimeField(_l("Alle"), validators=[InputRequired()])
    venue_id = SelectField(_l("Luogo"), coerce=int, choices=[])
    note = StringField(_l("Nota"), validators=[Optional(), Length(max=255)])
    submit = SubmitField(_l("Salva il turno"))


class VenueForm(Form):
    name = StringField(_l("Nome"), validators=[DataRequired(), Length(max=120)])
    address = StringField(_l("Indirizzo"), validators=[DataRequired(), Length(max=255)])
    capacity = IntegerField(_l("Capienza"), validators=[Optional()])
    latitude = DecimalField(
        _l("Latitudine"), places=6, validators=[Optional(), NumberRange(-90, 90)]
    )
    longitude = DecimalField(
        _l("Longitudine"), places=6, validators=[Optional(), NumberRange(-180, 180)]
    )
    submit = SubmitField(_l("Salva"))


class ActionForm(Form):
    """A button that changes state: only CSRF to check."""


class MarketplaceForm(Form):
    """The marketplace filters: a GET form, so every search is a shareable URL."""

    class Meta:
        csrf = False

    q = SearchField(_l("Cerca"), validators=[Optional(), Length(max=100)])
    municipality = SelectField(_l("Comune"), choices=[], validators=[Optional()])
    sector = SelectField(_l("Settore"), validators=[Optional()], choices=[])
    date_from = DateField(_l("Dal"), validators=[Optional()])
    date_to = DateField(_l("Al"), validators=[Optional()])
    weekday = SelectField(_l("Giorno"), validators=[Optional()], choices=[])
    language = SelectField(_l("Lingua parlata"), validators=[Optional()], choices=[])
    places_left = BooleanField(_l("Solo con posti liberi"))
    submit = SubmitField(_l("Cerca"))

    def __init__(self, municipalities, *args, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = ("", _l("Tutti"))
        self.municipality.choices = [any_] + [(slug, name) for slug, name in municipalities]
        self.sector.choices = [any_] + [(k.value, v) for k, v in SECTOR_LABELS.items()]
        self.weekday.choices = [any_] + [(str(k), v) for k, v in weekday_choices()]
        self.language.choices = [any_] + SPOKEN_LANGUAGES

    def validate_date_to(self, field):
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError(_l("La data finale viene prima di quella iniziale."))


def form_missing_translations(form, parts: tuple[str, ...]) -> list[str]:
    """The languages the form's translations lack for a part its Italian text has."""
    italian = {part: getattr(form, part).data for part in parts}
    return missing_translations(read_translations(form, parts), italian)
