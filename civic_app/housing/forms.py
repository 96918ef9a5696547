"""The housing pages' forms: a dwelling, its state and works; a measure, its steps, a
placement and its end.

The forms read what was typed and leave the rules to the operations (housing.dwellings,
housing.measures): choices are not checked here (an unknown kind or state gets the
operation's own message), numbers and dates are only parsed. Amounts are typed as
people write them ("350,00", "1.200", "1,200.50") and handed on as plain decimal text.
"""

import re

from babel.numbers import get_decimal_symbol
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, StopValidation, ValidationError
from wtforms.widgets import TextInput

from civic_app.core.forms import Form
from civic_app.housing.dwellings import (
    ADDRESS_MAX,
    MANAGER_MAX,
    NAME_MAX,
    NOTES_MAX,
    STAFF_STATES,
    WORK_MAX,
)
from civic_app.housing.models import (
    DWELLING_KIND_LABELS,
    DWELLING_STATE_LABELS,
    MANAGED_BY_LABELS,
    MEASURE_KIND_LABELS,
    OUTCOME_LABELS,
    DwellingKind,
    ManagedBy,
    MeasureKind,
    Outcome,
)

#: Digits, dates and amounts read left to right, in Arabic pages too.
LTR = {"dir": "ltr", "autocomplete": "off"}
NUMBER = {"inputmode": "numeric", **LTR}
BLANK = ("", _l("— scegli —"))
#: Longest amount as typed (separators included): past it, a typo.
AMOUNT_TYPED_MAX = 20
_AMOUNT = re.compile(r"-?\d+(?:[.,]\d+)*")
_NOT_AMOUNT_CHARS = re.compile(r"[\s\u00a0\u202f€]")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _grouped(head: str, mark: str) -> str | None:
    """The digits of `head` written with `mark` between groups of three ("1.200.000")."""
    groups = head.split(mark)
    if len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
        return None
    return "".join(groups)


def plain_amount(typed: str | None, decimal_mark: str = ",") -> str | None:
    """`typed` as plain decimal text ("1200.50"), None when it is no amount at all.

    The last "," or "." marks the decimals, the other kind groups thousands ("1.200,50",
    "1,200.50"). One mark followed by three digits ("1.200") groups thousands unless it
    is the page language's own decimal mark (`decimal_mark`): then it is an amount with
    too many decimals, which the operation refuses, never a thousand times more."""
    value = _NOT_AMOUNT_CHARS.sub("", typed or "")
    if not _AMOUNT.fullmatch(value):
        return None
    sign, body = ("-", value[1:]) if value.startswith("-") else ("", value)
    marks = [c for c in body if c in ".,"]
    if not marks:
        return sign + body
    last = marks[-1]
    head, _, tail = body.rpartition(last)
    one_kind = all(m == last for m in marks)
    if one_kind and (len(marks) > 1 or (len(tail) == 3 and last != decimal_mark)):
        digits = _grouped(body, last)
        return None if digits is None else sign + digits
    other = "," if last == "." else "."
    if last in head:
        return None  # "1.200.50": groups and decimals with one mark
    digits = _grouped(head, other) if other in head else head
    return None if digits is None else f"{sign}{digits}.{tail}"


class EuroField(StringField):
    """An amount in euro as typed; `amount()` is what the operations take. Whether it
    may be negative, zero or this large the operation says (housing.dwellings.euro)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", **LTR})
        validators = [Length(max=AMOUNT_TYPED_MAX), *(validators or [])]
        super().__init__(label, validators, filters=[_strip], **kwargs)

    def process_data(self, value):
        # A record's Decimal is shown (and, when the page has no such box, sent) as text.
        self.data = None if value is None else str(value)

    def pre_validate(self, form):
        if self.data and (len(self.data) > AMOUNT_TYPED_MAX or self.amount() is None):
            # One message, not Length's as well: what matters is how to write it.
            raise StopValidation(_("Scrivi l'importo in euro, per esempio 350,00."))

    def amount(self) -> str | None:
        if not self.data:
            return None
        return plain_amount(self.data, get_decimal_symbol(get_locale()))


class NumberField(IntegerField):
    """A whole number in a text box (a number box would drop what it cannot read)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", NUMBER)
        super().__init__(label, [Optional(), *(validators or [])], **kwargs)


def _choices(labels: dict, members) -> list:
    return [BLANK] + [(m.value, labels[m]) for m in members]


def _id_or_none(value) -> int | None:
    text = str(value or "")
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None


def own_ids(form, prefix: str):
    """Field ids of their own ("m12-end-outcome") for a page with one such form per
    measure or placement. The names stay as they are, so the form posts as any other."""
    for f in form:
        f.id = f"{prefix}-{f.name}"
        f.label.field_id = f.id
    return form


class DwellingForm(Form):
    name = StringField(
        _l("Nome"), filters=[_strip], validators=[Length(max=NAME_MAX)], render_kw={"dir": "auto"}
    )
    address = StringField(
        _l("Indirizzo"),
        filters=[_strip],
        validators=[Length(max=ADDRESS_MAX)],
        render_kw={"dir": "auto"},
    )
    kind = SelectField(
        _l("Tipo"), choices=_choices(DWELLING_KIND_LABELS, DwellingKind), validate_choice=False
    )
    places = NumberField(_l("Posti (persone che ci possono vivere)"))
    managed_by = SelectField(
        _l("Chi lo gestisce"),
        choices=[(m.value, MANAGED_BY_LABELS[m]) for m in ManagedBy],
        default=ManagedBy.MUNICIPALITY.value,
        validate_choice=False,
    )
    manager_name = StringField(
        _l("Ente partner che lo gestisce"),
        filters=[_strip],
        validators=[Length(max=MANAGER_MAX)],
        render_kw={"dir": "auto"},
    )
    state = SelectField(
        _l("Stato"),
        choices=[(s.value, DWELLING_STATE_LABELS[s]) for s in STAFF_STATES],
        validate_choice=False,
    )
    notes = TextAreaField(
        _l("Note"), filters=[_strip], validators=[Length(max=NOTES_MAX)], render_kw={"dir": "auto"}
    )
    submit = SubmitField(_l("Salva l'alloggio"))

    def dwelling_data(self) -> dict:
        return {
            "name": self.name.data,
            "address": self.address.data,
            "kind": self.kind.data,
            "places": self.places.data,
            "managed_by": self.managed_by.data,
            "manager_name": self.manager_name.data,
            "state": self.state.data,
            "notes": self.notes.data,
        }


class DwellingStateForm(Form):
    """The state buttons of a dwelling's page (each sends its own `state`)."""

    state = SelectField(_l("Stato"), choices=[], validate_choice=False)

    def validate_state(self, field):
        # set_state takes a state it knows: anything else is a stale or hand-made button.
        if field.data not in {s.value for s in STAFF_STATES}:
            raise ValidationError(_("Scegli lo stato dell'alloggio."))


class WorkForm(Form):
    description = StringField(
        _l("Lavori"), filters=[_strip], validators=[Length(max=WORK_MAX)], render_kw={"dir": "auto"}
    )
    starts_on = DateField(_l("Inizio"), validators=[Optional()], render_kw=LTR)
    ends_on = DateField(_l("Fine (vuota se in corso)"), validators=[Optional()], render_kw=LTR)
    cost = EuroField(_l("Costo in euro"))
    submit = SubmitField(_l("Aggiungi i lavori"))

    def work_data(self) -> dict:
        return {
            "description": self.description.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "cost": self.cost.amount(),
        }


class MeasureForm(Form):
    """A new measure for the case's person."""

    kind = SelectField(
        _l("Tipo di misura"),
        choices=_choices(MEASURE_KIND_LABELS, MeasureKind),
        validate_choice=False,
    )
    household_members = NumberField(_l("Altre persone del nucleo"), default=0)
    starts_on = DateField(_l("Inizio"), validators=[Optional()], render_kw=LTR)
    ends_on = DateField(_l("Fine prevista (facoltativa)"), validators=[Optional()], render_kw=LTR)
    monthly_amount = EuroField(_l("Contributo mensile in euro"))
    months = NumberField(_l("Per quanti mesi"))
    amount = EuroField(_l("Importo in euro"))
    notes = TextAreaField(
        _l("Note"), filters=[_strip], validators=[Length(max=NOTES_MAX)], render_kw={"dir": "auto"}
    )
    submit = SubmitField(_l("Proponi la misura"))

    def measure_data(self) -> dict:
        data = {
            "household_members": self.household_members.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "monthly_amount": self.monthly_amount.amount(),
            "months": self.months.data,
            "amount": self.amount.amount(),
            "notes": self.notes.data,
        }
        if self.kind is not None:
            data["kind"] = self.kind.data
        return data


class MeasureEditForm(MeasureForm):
    """A measure's household, dates, amounts and notes (its kind stays)."""

    kind = None
    submit = SubmitField(_l("Salva la misura"))


class AdvanceForm(Form):
    """A measure's next step; ending it also takes the outcome and the day."""

    status = SelectField(_l("Nuovo stato"), choices=[], validate_choice=False)
    outcome = SelectField(
        _l("Esito"), choices=_choices(OUTCOME_LABELS, Outcome), validate_choice=False
    )
    ends_on = DateField(_l("Giorno della fine"), validators=[Optional()], render_kw=LTR)
    submit = SubmitField(_l("Concludi la misura"))


class PlaceForm(Form):
    dwelling_id = SelectField(_l("Alloggio"), coerce=_id_or_none, choices=[], validate_choice=False)
    starts_on = DateField(_l("Dal giorno"), validators=[Optional()], render_kw=LTR)
    ends_on = DateField(
        _l("Al giorno (facoltativo: il giorno in cui lascia l'alloggio)"),
        validators=[Optional()],
        render_kw=LTR,
    )
    places = NumberField(_l("Quante persone"))
    submit = SubmitField(_l("Inserisci nell'alloggio"))

    def fill_dwellings(self, dwellings, free: dict[int, int]) -> None:
        """The dwellings to choose from, with the places free today (`free`, by id)."""
        self.dwelling_id.choices = [BLANK] + [
            (d.id, _l("%(name)s (%(free)s posti liberi oggi su %(places)s)",
                      name=d.name, free=free.get(d.id, 0), places=d.places))
            for d in dwellings
        ]  # fmt: skip


class EndPlacementForm(Form):
    ends_on = DateField(_l("Giorno in cui ha lasciato l'alloggio"), validators=[Optional()],
                        render_kw=LTR)  # fmt: skip
    submit = SubmitField(_l("Registra l'uscita"))


class DwellingFilterForm(Form):
    """The list's filter: a GET form (a dwelling's state is no personal data)."""

    class Meta:
        csrf = False

    state = SelectField(_l("Stato"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Filtra"))


class MeasureFilterForm(Form):
    """The measures list's filter: a GET form (a status and a kind are no personal data)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Stato"), choices=[], validate_choice=False)
    kind = SelectField(_l("Tipo di misura"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Filtra"))
