import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

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
from civic_app.sms.choice import CHANNEL_CHOICES


class PasswordLoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Accedi"))


class PhoneForm(Form):
    phone = StringField(
        _l("Numero di telefono"),
        validators=[DataRequired(), Length(max=32)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    submit = SubmitField(_l("Ricevi il codice via SMS"))


class CodeForm(Form):
    code = StringField(
        _l("Codice di 6 cifre"),
        validators=[
            DataRequired(),
            Regexp(r"^\s*\d{6}\s*$", message=_l("Il codice ha 6 cifre.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6},
    )
    submit = SubmitField(_l("Entra"))


#: A participant's language, for SMS and pages (the same eight).
LANGUAGE_CHOICES = list(SPOKEN_LANGUAGES)
LANGUAGE_HINT = _l(
    "Le pagine e gli SMS ti arrivano in questa lingua. Puoi cambiare la lingua delle pagine "
    "anche in fondo alla pagina, alla voce «Lingua»."
)


def sector_choices():
    from civic_app.projects.models import SECTOR_LABELS

    return [(k.value, v) for k, v in SECTOR_LABELS.items()]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class OptionalFactsForm(Form):
    """The optional facts the fund counts people by; every one may stay blank."""

    sex = SelectField(_l("Sesso (facoltativo)"), choices=[], default="")
    birth_year = StringField(
        _l("Anno di nascita (facoltativo)"),
        validators=[Optional()],
        filters=[_strip],
        render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "bday-year"},
    )
    citizenship = SelectField(_l("Cittadinanza (facoltativo)"), choices=[], default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", _l("— scegli —"))]
        self.sex.choices = blank + [(code, SEX_LABELS[code]) for code in SEXES]
        self.citizenship.choices = blank + country_choices(current_language())

    def validate_birth_year(self, field):
        from civic_app.people.operations import birth_year_message

        year = to_local(now()).year
        low, high = birth_year_bounds(year)
        if not re.fullmatch(r"\d{4}", field.data or "") or not low <= int(field.data) <= high:
            raise ValidationError(str(birth_year_message(year)))

    def facts(self) -> dict:
        """sex, birth_year, citizenship as the operations take them (None = not stated)."""
        return {
            "sex": self.sex.data or None,
            "birth_year": int(self.birth_year.data) if self.birth_year.data else None,
            "citizenship": self.citizenship.data or None,
        }

    def fill_facts(self, user) -> None:
        """Show `user`'s facts (on a page that was not posted)."""
        self.sex.data = user.sex or ""
        self.birth_year.data = str(user.birth_year) if user.birth_year else ""
        self.citizenship.data = user.citizenship or ""


class SignupForm(OptionalFactsForm):
    first_name = StringField(_l("Nome"), validators=[DataRequired(), Length(max=80)])
    last_name = StringField(_l("Cognome (facoltativo)"), validators=[Optional(), Length(max=80)])
    language = SelectField(_l("La tua lingua"), choices=LANGUAGE_CHOICES, description=LANGUAGE_HINT)
    municipality = SelectField(_l("Il tuo Comune"), choices=[], validators=[DataRequired()])
    sectors = MultiCheckboxField(_l("Cosa ti interessa?"), choices=[])
    programme_consent = BooleanField(_l("Accetto"))
    sms_consent = BooleanField(_l("Accetto gli SMS"))
    submit = SubmitField(_l("Iscriviti"))

    def __init__(self, municipalities, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = [("", _l("— scegli —"))] + [
            (m.slug, m.local_name) for m in municipalities
        ]
        self.sectors.choices = sector_choices()


class AssistedSignupForm(SignupForm):
    phone = StringField(
        _l("Numero di telefono (se ne ha uno)"),
        validators=[Optional(), Length(max=32)],
        render_kw={"inputmode": "tel"},
    )
    referral_source = SelectField(_l("Chi ha indirizzato la persona"), choices=[])
    consent_method = SelectField(
        _l("Come conferma il consenso"),
        choices=[
            ("sms_code", _l("Con un codice SMS sul suo telefono")),
            ("paper", _l("Ha firmato il modulo di consenso su carta")),
        ],
    )
    #: Staff only: the participant never sees or sets these.
    vulnerabilities = MultiCheckboxField(
        _l("Situazioni di vulnerabilità"),
        choices=[],
        invalid_choice_message=_l("Scegli una voce dell'elenco."),
    )
    submit = SubmitField(_l("Registra"))

    def __init__(self, municipalities, *args, **kwargs):
        super().__init__(municipalities, *args, **kwargs)
        del self.municipality
        self.vulnerabilities.choices = vulnerability_choices()
        self.referral_source.choices = [
            ("one_stop_shop", _l("Sportello unico")),
            ("mobile_unit", _l("Unità mobile")),
            ("social_services", _l("Servizi sociali")),
            ("association", _l("Associazione")),
            ("self", _l("Di propria iniziativa")),
        ]


class ProfileForm(OptionalFactsForm):
    """A participant's own profile: their language and the optional facts."""

    language = SelectField(_l("La tua lingua"), choices=LANGUAGE_CHOICES, description=LANGUAGE_HINT)
    channel = SelectField(
        _l("Come ricevi i messaggi"),
        choices=CHANNEL_CHOICES,
        validators=[Optional()],  # not sent: unchanged
        description=_l(
            "WhatsApp arriva allo stesso numero. Con la chiamata vocale i promemoria arrivano "
            "come telefonata, per chi preferisce ascoltare; il resto arriva per SMS."
        ),
    )
    submit = SubmitField(_l("Salva"))


class StaffFactsForm(OptionalFactsForm):
    """Staff correct a participant's optional facts and record vulnerabilities."""

    vulnerabilities = MultiCheckboxField(
        _l("Situazioni di vulnerabilità"),
        choices=[],
        invalid_choice_message=_l("Scegli una voce dell'elenco."),
    )
    channel = SelectField(
        _l("Come riceve i messaggi"), choices=CHANNEL_CHOICES, validators=[Optional()]
    )
    submit = SubmitField(_l("Salva"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vulnerabilities.choices = vulnerability_choices()


class GuardianConsentForm(Form):
    signed = BooleanField(
        _l("Un genitore o tutore ha firmato il modulo di consenso su carta"),
        validators=[DataRequired(message=_l("Conferma che il modulo è firmato."))],
    )
    sms = BooleanField(_l("Sul modulo ha accettato anche gli SMS"))
    submit = SubmitField(_l("Registra il consenso del genitore o tutore"))


class PaperConsentForm(Form):
    """Staff finish the sign-up of someone a tutor registered on a roster: the person
    signed the consent form on paper."""

    signed = BooleanField(
        _l("Ha firmato il modulo di consenso su carta"),
        validators=[DataRequired(message=_l("Conferma che il modulo è firmato."))],
    )
    sms = BooleanField(_l("Sul modulo ha accettato anche gli SMS"))
    submit = SubmitField(_l("Registra il consenso"))


class ParticipantSearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Nome o telefono"), validators=[Optional(), Length(max=80)])
    status = SelectField(
        _l("Situazione"),
        choices=[
            ("", _l("Tutti")),
            ("no_project", _l("Senza progetto")),
            ("applied", _l("Richiesta da valutare")),
            ("waitlisted", _l("In lista d'attesa")),
            ("enrolled", _l("Iscritto a un progetto")),
            ("with_plan", _l("Con piano individuale")),
            ("at_risk", _l("A rischio di abbandono")),
            ("pending", _l("Iscritti via SMS da verificare")),
        ],
        validators=[Optional()],
    )
    project = SelectField(_l("Progetto"), choices=[], validators=[Optional()])
    language = SelectField(
        _l("Lingua"), choices=[("", _l("Tutte"))] + LANGUAGE_CHOICES, validators=[Optional()]
    )
    submit = SubmitField(_l("Cerca"))
