"""The case team's forms: an intake, and staff merging two records of one person."""

import re
import secrets

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from civic_app.casework.intakes import LIMITS, birth_year_message
from civic_app.casework.models import NEED_LABELS, NEEDS, ConsentMethod
from civic_app.core.clock import now
from civic_app.core.demographics import (
    SEX_LABELS,
    SEXES,
    birth_year_bounds,
    country_choices,
    vulnerability_choices,
)
from civic_app.core.forms import Form
from civic_app.core.i18n import current_language
from civic_app.core.timeutil import to_local
from civic_app.projects.forms import SPOKEN_LANGUAGES, MultiCheckboxField

CONSENT_METHOD_LABELS = {
    ConsentMethod.WRITTEN: _l("Ha firmato il modulo su carta"),
    ConsentMethod.SMS_CODE: _l("Con un codice SMS sul suo telefono"),
    ConsentMethod.VERBAL: _l("A voce, davanti a me"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def new_client_key() -> str:
    """The key of a form sent without JavaScript (the phone makes its own offline)."""
    return secrets.token_hex(16)


class IntakeForm(Form):
    """An intake: the phone first, then who the person is, where they were met, what
    they need, and how they consented. Only the name (or an alias) and the consent are
    required."""

    client_key = HiddenField()
    #: "" (not chosen yet), "new", or the id of a known person offered as a match.
    person = HiddenField()
    phone = StringField(
        _l("Numero di telefono (se ne ha uno)"),
        validators=[Optional(), Length(max=32)],
        filters=[_strip],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    first_name = StringField(
        _l("Nome o soprannome"),
        validators=[DataRequired(), Length(max=LIMITS["first_name"])],
        filters=[_strip],
        render_kw={"autocomplete": "off"},
    )
    last_name = StringField(
        _l("Cognome (facoltativo)"),
        validators=[Optional(), Length(max=LIMITS["last_name"])],
        filters=[_strip],
        render_kw={"autocomplete": "off"},
    )
    language = SelectField(_l("Lingua della persona"), choices=SPOKEN_LANGUAGES, default="it")
    sex = SelectField(_l("Sesso (facoltativo)"), choices=[], default="")
    birth_year = StringField(
        _l("Anno di nascita (facoltativo)"),
        validators=[Optional()],
        filters=[_strip],
        render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"},
    )
    citizenship = SelectField(_l("Cittadinanza (facoltativo)"), choices=[], default="")
    unit = SelectField(_l("Unità"), choices=[], default="")
    zone = StringField(
        _l("Zona o via dove l'hai incontrata (mai la posizione GPS)"),
        validators=[Optional(), Length(max=LIMITS["zone"])],
        filters=[_strip],
    )
    met_on = DateField(_l("Data dell'incontro"), validators=[InputRequired()])
    needs = MultiCheckboxField(
        _l("Bisogni emersi"),
        choices=[],
        invalid_choice_message=_l("Scegli una voce dell'elenco."),
    )
    vulnerabilities = MultiCheckboxField(
        _l("Situazioni di vulnerabilità"),
        choices=[],
        invalid_choice_message=_l("Scegli una voce dell'elenco."),
    )
    consent_method = RadioField(
        _l("Come dà il consenso"),
        choices=[],
        validators=[InputRequired(message=_l("Scegli come la persona dà il consenso."))],
    )
    interpreter = StringField(
        _l("Interprete (nome o servizio; vuoto se non c'era)"),
        validators=[Optional(), Length(max=LIMITS["interpreter"])],
        filters=[_strip],
    )
    sms = BooleanField(
        _l("La persona accetta di ricevere per SMS appuntamenti e promemoria"),
        default=False,
    )
    submit = SubmitField(_l("Registra la presa in carico"))

    def __init__(self, units=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", _l("— scegli —"))]
        self.sex.choices = blank + [(code, SEX_LABELS[code]) for code in SEXES]
        self.citizenship.choices = blank + country_choices(current_language())
        self.unit.choices = [("", _l("Nessuna: in strada"))] + [(str(u.id), u.name) for u in units]
        self.needs.choices = [(code, NEED_LABELS[code]) for code in NEEDS]
        self.vulnerabilities.choices = vulnerability_choices()
        self.consent_method.choices = [(m.value, CONSENT_METHOD_LABELS[m]) for m in ConsentMethod]

    def validate_birth_year(self, field):
        year = to_local(now()).year
        low, high = birth_year_bounds(year)
        if not re.fullmatch(r"\d{4}", field.data or "") or not low <= int(field.data) <= high:
            raise ValidationError(str(birth_year_message(year)))

    def validate_client_key(self, field):
        if field.data and not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", field.data):
            raise ValidationError(_l("Il modulo è scaduto: ricarica la pagina e riprova."))

    def chosen_person(self) -> int | None | str:
        """None: not chosen yet; "new": a new person; else the id of a known one."""
        value = (self.person.data or "").strip()
        if value == "new":
            return "new"
        return int(value) if value.isdigit() and len(value) < 10 else None

    def intake_data(self) -> dict:
        """The form as `record_intake` takes it (person_id is set by the view)."""
        return {
            "client_key": self.client_key.data or None,
            "phone": self.phone.data or None,
            "first_name": self.first_name.data,
            "last_name": self.last_name.data,
            "preferred_language": self.language.data,
            "sex": self.sex.data or None,
            "birth_year": int(self.birth_year.data) if self.birth_year.data else None,
            "citizenship": self.citizenship.data or None,
            "unit_id": int(self.unit.data) if self.unit.data else None,
            "zone": self.zone.data,
            "met_on": self.met_on.data,
            "needs": self.needs.data or [],
            "vulnerabilities": self.vulnerabilities.data or [],
            "consent_method": self.consent_method.data,
            "interpreter": self.interpreter.data,
            "sms": bool(self.sms.data),
        }


class CaseSearchForm(Form):
    """The case list's search, by name, alias or phone (sent by POST: never in a URL)."""

    q = StringField(
        _l("Cerca per nome, soprannome o telefono"),
        validators=[DataRequired(), Length(min=2, max=80)],
        filters=[_strip],
        render_kw={"autocomplete": "off"},
    )
    search = SubmitField(_l("Cerca"))


class PeopleSearchForm(Form):
    """Staff look for the two records to merge, by name (sent by POST: never in a URL)."""

    q = StringField(_l("Nome o cognome"), validators=[DataRequired(), Length(min=2, max=80)])
    search = SubmitField(_l("Cerca"))


class MergeForm(Form):
    q = HiddenField()
    keep = RadioField(
        _l("La scheda da tenere"),
        coerce=int,
        choices=[],
        validators=[InputRequired(message=_l("Scegli la scheda da tenere."))],
    )
    merge = RadioField(
        _l("La scheda da unire (poi cancellata)"),
        coerce=int,
        choices=[],
        validators=[InputRequired(message=_l("Scegli la scheda da unire."))],
    )
    confirm = BooleanField(
        _l("Ho controllato: sono la stessa persona"),
        validators=[DataRequired(message=_l("Conferma che sono la stessa persona."))],
    )
    submit = SubmitField(_l("Unisci le due schede"))
