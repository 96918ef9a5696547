"""The forms of referrals: a new one, a step of its status, its appointment.

Each referral on the case page has its own step and appointment forms: their fields get
ids of their own (`referrals._own_ids`), so that the page has no two alike.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Length, Optional

from civic_app.casework.models import (
    REFERRAL_STATUS_LABELS,
    SERVICE_KIND_LABELS,
    ReferralStatus,
    ServiceKind,
)
from civic_app.core.forms import Form
from civic_app.core.timeutil import local_to_utc

#: Longest reason, outcome or place (the columns' sizes).
TEXT_MAX = 500
PLACE_MAX = 200

REASON_TOO_LONG = _l("Scrivi al massimo %(n)s caratteri.", n=TEXT_MAX)
PLACE_TOO_LONG = _l("Scrivi al massimo %(n)s caratteri.", n=PLACE_MAX)
PICK_A_SERVICE = _l("Scegli un servizio dell'elenco.")
#: Entered as the person reads them: digits left to right, in Arabic pages too.
LTR = {"dir": "ltr"}


def _service_id(value) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


class _Appointment:
    """Day, time and place of an appointment, entered in Rome time."""

    def appointment_at(self) -> datetime | None:
        """The appointment in UTC; None when neither day nor time was given."""
        day, at = self.appointment_day.data, self.appointment_time.data
        if day is None or at is None:
            return None
        return local_to_utc(day, at)

    def check_appointment(self) -> bool:
        """A day without a time (or the other way round) is a mistake to point out."""
        day, at = self.appointment_day, self.appointment_time
        if (day.data is None) == (at.data is None) or day.errors or at.errors:
            return True
        missing = at if day.data is not None else day
        missing.errors.append(_l("Indica sia il giorno sia l'ora dell'appuntamento."))
        return False


class ReferralForm(_Appointment, Form):
    service_id = SelectField(
        _l("Servizio"),
        coerce=_service_id,
        choices=[],
        validate_choice=False,  # the operation says which: unknown, or no longer active
        invalid_value_message=PICK_A_SERVICE,
    )
    reason = TextAreaField(
        _l("Motivo dell'invio"),
        validators=[Length(max=TEXT_MAX, message=REASON_TOO_LONG)],
    )
    appointment_day = DateField(
        _l("Giorno dell'appuntamento"), validators=[Optional()], render_kw=LTR
    )
    appointment_time = TimeField(_l("Ora"), validators=[Optional()], render_kw=LTR)
    appointment_place = StringField(
        _l("Luogo dell'appuntamento"),
        validators=[Optional(), Length(max=PLACE_MAX, message=PLACE_TOO_LONG)],
    )
    programme_consent = BooleanField(
        _l("Solo per il programma di impegno civico: la persona ha letto (o ascoltato) il "
           "testo qui sopra nella sua lingua e accetta.")
    )  # fmt: skip
    submit = SubmitField(_l("Registra l'invio"))

    def fill_services(self, services) -> None:
        """The services to choose from, grouped by kind (in the order of the kinds)."""
        groups: dict = {None: [("", _l("— scegli —"))]}
        for kind in ServiceKind:
            members = [(s.id, s.name) for s in services if s.kind == kind]
            if members:
                groups[str(SERVICE_KIND_LABELS[kind])] = members
        self.service_id.choices = groups

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.check_appointment() and valid


class AdvanceForm(Form):
    status = SelectField(_l("Nuovo stato"), choices=[], validate_choice=False)
    note = StringField(
        _l("Esito o motivo"),
        validators=[Optional(), Length(max=TEXT_MAX, message=REASON_TOO_LONG)],
    )
    programme_consent = BooleanField(
        _l("La persona ha letto (o ascoltato) il testo del programma nella sua lingua e "
           "accetta.")
    )  # fmt: skip
    submit = SubmitField(_l("Aggiorna"))

    def fill_statuses(self, statuses) -> None:
        # Nothing chosen at first: a step cannot be undone, so a stray tap changes nothing.
        self.status.choices = [("", _l("— scegli —"))] + [
            (s.value, REFERRAL_STATUS_LABELS[s]) for s in statuses
        ]

    def chosen_status(self) -> ReferralStatus | None:
        try:
            return ReferralStatus(self.status.data)
        except ValueError:
            return None


class AppointmentForm(_Appointment, Form):
    appointment_day = DateField(_l("Giorno"), validators=[Optional()], render_kw=LTR)
    appointment_time = TimeField(_l("Ora"), validators=[Optional()], render_kw=LTR)
    appointment_place = StringField(
        _l("Luogo"), validators=[Optional(), Length(max=PLACE_MAX, message=PLACE_TOO_LONG)]
    )
    submit = SubmitField(_l("Salva l'appuntamento"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.check_appointment() and valid
