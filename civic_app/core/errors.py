"""Domain errors and the HTTP error pages."""

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from civic_app.extensions import db, login_manager

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain was broken; `field` names the form field at fault (or None)."""

    def __init__(self, field: str | None, message):
        # Translated now, into a plain str: Flask-Babel's lazy strings count as safe HTML,
        # and a message may carry user input (a title, a name) that must be escaped.
        self.message = str(message)
        super().__init__(self.message)
        self.field = field


def put_on_form(form, error: DomainError) -> None:
    """Show a DomainError beside its field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


ERROR_TEXTS = {
    400: (
        _l("Richiesta non valida"),
        _l("La richiesta non è stata capita. Torna indietro e riprova."),
    ),
    403: (_l("Accesso negato"), _l("Non hai il permesso di vedere questa pagina.")),
    404: (_l("Pagina non trovata"), _l("La pagina che cerchi non esiste o non è tua.")),
    405: (_l("Operazione non consentita"), _l("Questa pagina non accetta questa operazione.")),
    413: (_l("Dati troppo grandi"), _l("I dati inviati sono troppo grandi.")),
    429: (
        _l("Troppe richieste"),
        _l("Hai fatto troppe richieste in poco tempo. Aspetta qualche minuto e riprova."),
    ),
    500: (
        _l("Errore del sistema"),
        _l("Qualcosa non ha funzionato da parte nostra. Riprova più tardi."),
    ),
    503: (
        _l("Servizio non disponibile"),
        _l("Il servizio è momentaneamente non disponibile. Riprova tra qualche minuto."),
    ),
}


def render_error(code: int):
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    if code in (500, 503):
        # The page names nobody: do not reach for the user (the database may be down).
        g._login_user = login_manager.anonymous_user()
    # A database outage is usually short: say when to try again.
    headers = {"Retry-After": "60"} if code == 503 else {}
    if (
        request.path.startswith(("/sms/", "/voice/"))
        or request.accept_mimetypes.best == "application/json"
    ):
        return jsonify(error=code), code, headers
    try:
        page = render_template("errors/error.html", code=code, title=title, text=text)
        return page, code, headers
    except Exception:  # the page itself failed (e.g. no database for the user): plain text
        log.exception("error page %s could not render", code)
        return f"{code}", code, {"Content-Type": "text/plain; charset=utf-8", **headers}


def rollback_quietly() -> None:
    """Roll back the request's transaction; never raise from an error handler."""
    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone
        log.warning("rollback failed", exc_info=True)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        return render_error(exc.code if exc.code in ERROR_TEXTS else 400)

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        rollback_quietly()
        log.error("database unavailable: %s", type(exc.orig).__name__ if exc.orig else exc)
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        rollback_quietly()
        log.exception("unhandled error on %s %s", request.method, request.endpoint)
        return render_error(500)
