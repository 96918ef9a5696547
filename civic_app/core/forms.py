"""The base of every form, and the language switch."""

from datetime import date
from decimal import Decimal
from functools import cache

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeField, DecimalField, FileField, HiddenField, SelectField
from wtforms.i18n import messages_path
from wtforms.validators import Length

from civic_app.core.inputs import NotText

#: The years a date on any form may fall in. Past them a date is a typo or an attack, and
#: a day after 9999-12-31 or a local midnight of year 1 in UTC is out of Python's range.
MIN_YEAR, MAX_YEAR = 2000, 2100
#: At most this much of a refused value is shown back, for a field without a Length.
ECHO_WITHOUT_LENGTH = 200


@cache
def _wtforms_translations(locale: str) -> support.Translations:
    """WTForms' own messages ("This field is required.") in `locale`, read once per process
    (Flask-WTF reads the catalog file again on every request)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _Translations:
    def gettext(self, string):
        return _wtforms_translations(str(get_locale())).ugettext(string)

    def ngettext(self, singular, plural, n):
        return _wtforms_translations(str(get_locale())).ungettext(singular, plural, n)


_TRANSLATIONS = _Translations()


#: Inputs whose value is written left to right in every language (a phone number, a code,
#: a date, a number, an address): they get dir="ltr", so that "+39 347 111 0009" does not
#: read "0009 111 347 39+" on an Arabic page (app.css aligns them with the page).
LTR_INPUT_TYPES = frozenset(
    {"tel", "number", "date", "time", "datetime-local", "month", "week", "email", "url"}
)
LTR_INPUT_MODES = frozenset({"tel", "numeric", "decimal", "email", "url"})


def written_left_to_right(field, render_kw: dict) -> bool:
    return (
        getattr(field.widget, "input_type", None) in LTR_INPUT_TYPES
        or render_kw.get("inputmode") in LTR_INPUT_MODES
    )


def _echo_limit(field) -> int:
    lengths = [v.max for v in field.validators if isinstance(v, Length) and v.max > 0]
    return min(lengths) if lengths else ECHO_WITHOUT_LENGTH


def _outside_calendar(field) -> bool:
    """A date (or date and time) field holding a day outside MIN_YEAR .. MAX_YEAR."""
    value = field.data if isinstance(field, DateTimeField) else None
    return isinstance(value, date) and not MIN_YEAR <= value.year <= MAX_YEAR


def _not_a_finite_number(field) -> bool:
    """A decimal field holding NaN or an infinity (Decimal parses them; a comparison with
    sNaN raises, and no column holds them)."""
    return (
        isinstance(field, DecimalField)
        and isinstance(field.data, Decimal)
        and (not field.data.is_finite())
    )


class Form(FlaskForm):
    """FlaskForm with WTForms' messages in the page's language, from a per-process cache.

    For every form: a phone, code, date or number input is rendered dir="ltr"
    (LTR_INPUT_TYPES, LTR_INPUT_MODES); a field sent as a file is a 400 (NotText); a date
    outside MIN_YEAR .. MAX_YEAR, or a decimal that is NaN or infinite, is an error on its
    field (its validators see no value); a refused value is shown back no longer than its
    Length.
    """

    class Meta:
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return None
            return _TRANSLATIONS

        def render_field(self, field, render_kw):
            merged = dict(getattr(field, "render_kw", None) or {}, **render_kw)
            if written_left_to_right(field, merged):
                merged.setdefault("dir", "ltr")
            return super().render_field(field, merged)

        def wrap_formdata(self, form, formdata):
            try:
                data = super().wrap_formdata(form, formdata)
            except (TypeError, ValueError):  # a JSON body that is no object of fields
                raise NotText() from None
            if data is not None:
                for field in form:
                    if isinstance(field, FileField):
                        continue
                    if any(not isinstance(v, str) for v in data.getlist(field.name)):
                        raise NotText()
            return data

    def validate(self, extra_validators=None) -> bool:
        # Values the field parsed but nothing may compare or store: their validators and
        # the form's own see no value, and the field says why.
        far = [field for field in self if _outside_calendar(field)]
        odd = [field for field in self if _not_a_finite_number(field)]
        for field in far + odd:
            field.data = None
        valid = super().validate(extra_validators)
        message = _l(
            "Scegli una data tra il %(first)s e il %(last)s.", first=MIN_YEAR, last=MAX_YEAR
        )
        for field in far:
            field.errors.append(message)
        for field in odd:  # WTForms' own message, in its own catalogs
            field.errors.append(field.gettext("Not a valid decimal value."))
        for field in self:
            if field.errors:
                limit = _echo_limit(field)
                if field.raw_data:
                    field.raw_data = [
                        v[:limit] if isinstance(v, str) else v for v in field.raw_data
                    ]
                if isinstance(field.data, str):
                    field.data = field.data[:limit]
        return valid and not far and not odd


class LanguageForm(Form):
    lang = SelectField(choices=[])
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lang.choices = [(code, code) for code in current_app.config["LANGUAGES"]]
