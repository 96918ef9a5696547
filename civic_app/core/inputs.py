"""Input the database cannot hold, refused before it gets there.

- `int` in a route is an id: werkzeug would pass on any number of digits, and a number
  past the id column's range is an error in the database (a 500) where it should
  simply be "not found".
- PostgreSQL text cannot hold the NUL character (a 500 on any query or insert that
  carries it): a form, query string or URL with one gets a 400 page that says so. The
  Twilio webhooks clean their own fields, after checking the signature.
- No form takes files: a field sent as a file part (`curl -F phone=@x`) is a 400 page
  that says so (`NotText`, raised by the base Form in core/forms.py).
"""

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

#: The largest id: primary keys are PostgreSQL INTEGER (a larger number in a query is an
#: error there, and past 64 bits on SQLite too).
MAX_ID = 2**31 - 1
NUL = "\x00"
#: Routes that read their input only after a signature check (a 403 comes first).
SIGNED_ENDPOINTS = frozenset(
    {"conversation.inbound", "sms.status_callback", "conversation.voice_call",
     "conversation.voice_gather", "sms.call_status"}
)  # fmt: skip


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: 1 .. MAX_ID, anything else is a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class NulCharacter(BadRequest):
    """The request carries a NUL character, which no text we keep may contain."""


class NotText(BadRequest):
    """A form field came as a file part (or a value that is no text): no form takes files."""


def not_text_page(_exc):
    title = _l("Richiesta non valida")
    text = _l(
        "Il modulo ha ricevuto un file al posto di un testo. Torna indietro e "
        "compila il modulo dalla pagina."
    )
    return render_template("errors/error.html", code=400, title=title, text=text), 400


def without_nul(text: str) -> str:
    return text.replace(NUL, "")


def _has_nul(pairs) -> bool:
    return any(NUL in key or (isinstance(value, str) and NUL in value) for key, value in pairs)


def refuse_nul_characters() -> None:
    """:raise 400: when a query parameter, form field or part of the URL has a NUL."""
    if request.endpoint in SIGNED_ENDPOINTS:
        return
    pairs = [*request.args.items(multi=True), *(request.view_args or {}).items()]
    if request.method in ("POST", "PUT", "PATCH"):
        pairs += request.form.items(multi=True)
    if _has_nul(pairs):
        raise NulCharacter()


def nul_character_page(_exc):
    title = _l("Richiesta non valida")
    text = _l(
        "Il testo inviato contiene un carattere non ammesso (il carattere nullo). "
        "Torna indietro, toglilo e riprova."
    )
    return render_template("errors/error.html", code=400, title=title, text=text), 400


def register_input_checks(app: Flask) -> None:
    """Before any route is added: converters apply only to rules added after."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_characters)
    app.register_error_handler(NulCharacter, nul_character_page)
    app.register_error_handler(NotText, not_text_page)
