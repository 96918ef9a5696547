"""The base of every form, and the language switch."""

from functools import cache

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.i18n import messages_path


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


class Form(FlaskForm):
    """FlaskForm with WTForms' messages in the page's language, from a per-process cache."""

    class Meta:
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return None
            return _TRANSLATIONS


class LanguageForm(Form):
    lang = SelectField(choices=[])
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lang.choices = [(code, code) for code in current_app.config["LANGUAGES"]]
