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


def _translation_field(part: str):
    if part == "title":
        return StringField(_l("Titolo"), validators=[Optional(), Length(max=160)])
    if part == "description":
        return TextAreaField(_l("Descrizione"), validators=[Optional(), Length(max=5000)])
    return TextAreaField(_l("Cosa portare"), validators=[Optional(), Length(max=2000)])


def add_translation_fields(form_class, parts: tuple[str, ...]):
    """The optional `<part>_<lang>` fields of every TRANSLATED_LANGUAGES language on
    `form_class` (title, description, what to bring): each language's fields are shown in
    a <details> of their own named after it (templates/_translations.html)."""
    for lang in TRANSLATED_LANGUAGES:
        for part in parts:
            setattr(form_class, f"{part}_{lang}", _translation_field(part))
    form_class.translation_parts = parts
    form_class.translations_written = _translations_written
    return form_class


def _translations_written(form) -> bool:
    """Whether any translation field has text or an error (the translations stay open)."""
    return any(
        (field := getattr(form, f"{part}_{lang}")).data or field.errors
        for lang in TRANSLATED_LANGUAGES
        for part in form.translation_parts
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProjectForm(Form):
    title = StringField(_l("Titolo (italiano)"), validators=[DataRequired(), Length(max=160)])
    description = TextAreaField(
        _l("Descrizione (italiano)"), validators=[DataRequired(), Length(max=5000)]
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
add_translation_fields(ProjectForm, PROJECT_PARTS)


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
