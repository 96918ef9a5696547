"""Staff's forms for units, the directory of care services and the case team's accounts,
and the directory's search."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from civic_app.casework.directory import (
    ADDRESS_MAX,
    HOURS_MAX,
    NOTES_MAX,
    SERVICE_NAME_MAX,
    STAFF_KINDS,
    UNIT_NAME_MAX,
    ZONE_MAX,
)
from civic_app.casework.models import (
    PROFESSION_LABELS,
    PROFESSIONS,
    SERVICE_KIND_LABELS,
    UNIT_KIND_LABELS,
    UnitKind,
)
from civic_app.casework.team import PASSWORD_MIN
from civic_app.core.forms import Form
from civic_app.projects.forms import SPOKEN_LANGUAGES, MultiCheckboxField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class UnitForm(Form):
    name = StringField(
        _l("Nome"), filters=[_strip], validators=[DataRequired(), Length(max=UNIT_NAME_MAX)]
    )
    kind = SelectField(_l("Tipo"), choices=[(k.value, UNIT_KIND_LABELS[k]) for k in UnitKind])
    zone = StringField(
        _l("Zona o quartiere"), filters=[_strip], validators=[Optional(), Length(max=ZONE_MAX)]
    )
    opening_hours = StringField(
        _l("Orari"), filters=[_strip], validators=[Optional(), Length(max=HOURS_MAX)]
    )
    submit = SubmitField(_l("Salva"))

    def unit_data(self) -> dict:
        return {
            "name": self.name.data,
            "kind": self.kind.data,
            "zone": self.zone.data,
            "opening_hours": self.opening_hours.data,
        }


class ServiceForm(Form):
    name = StringField(
        _l("Nome"), filters=[_strip], validators=[DataRequired(), Length(max=SERVICE_NAME_MAX)]
    )
    kind = SelectField(_l("Tipo"), choices=[(k.value, SERVICE_KIND_LABELS[k]) for k in STAFF_KINDS])
    address = StringField(
        _l("Indirizzo"), filters=[_strip], validators=[Optional(), Length(max=ADDRESS_MAX)]
    )
    phone = StringField(_l("Telefono"), filters=[_strip], validators=[Optional(), Length(max=32)])
    opening_hours = StringField(
        _l("Orari"), filters=[_strip], validators=[Optional(), Length(max=HOURS_MAX)]
    )
    languages = MultiCheckboxField(_l("Lingue parlate"), choices=SPOKEN_LANGUAGES)
    notes = TextAreaField(
        _l("Note"), filters=[_strip], validators=[Optional(), Length(max=NOTES_MAX)]
    )
    network_wide = BooleanField(_l("Offerto a tutti i Comuni della rete"))
    submit = SubmitField(_l("Salva"))

    def service_data(self) -> dict:
        return {
            "name": self.name.data,
            "kind": self.kind.data,
            "address": self.address.data,
            "phone": self.phone.data,
            "opening_hours": self.opening_hours.data,
            "languages": self.languages.data,
            "notes": self.notes.data,
            "network_wide": self.network_wide.data,
        }


class DirectorySearchForm(Form):
    """The directory's filters: a GET form (a service's name is no personal data), so a
    search is a link to share with a colleague."""

    class Meta:
        csrf = False

    q = SearchField(_l("Nome del servizio"), validators=[Optional(), Length(max=100)])
    kind = SelectField(_l("Tipo"), validators=[Optional()], choices=[])
    language = SelectField(_l("Lingua parlata"), validators=[Optional()], choices=[])
    submit = SubmitField(_l("Cerca"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = ("", _l("Tutti"))
        self.kind.choices = [any_] + [(k.value, v) for k, v in SERVICE_KIND_LABELS.items()]
        self.language.choices = [any_] + SPOKEN_LANGUAGES


class CaseworkerForm(Form):
    first_name = StringField(
        _l("Nome"), filters=[_strip], validators=[DataRequired(), Length(max=80)]
    )
    last_name = StringField(
        _l("Cognome"), filters=[_strip], validators=[DataRequired(), Length(max=80)]
    )
    email = EmailField(
        _l("Email"), filters=[_strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    profession = SelectField(
        _l("Professione"), choices=[(p, PROFESSION_LABELS[p]) for p in PROFESSIONS]
    )
    password = PasswordField(
        _l("Password iniziale"),
        validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200)],
    )
    submit = SubmitField(_l("Crea l'account"))

    def account_data(self) -> dict:
        return {
            "first_name": self.first_name.data,
            "last_name": self.last_name.data,
            "email": self.email.data,
            "profession": self.profession.data,
            "password": self.password.data,
        }


class ProfessionForm(Form):
    profession = SelectField(
        _l("Professione"), choices=[(p, PROFESSION_LABELS[p]) for p in PROFESSIONS]
    )
    submit = SubmitField(_l("Salva"))
