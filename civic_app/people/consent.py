"""Consent: the versioned texts people agree to, and the records of agreeing and withdrawing.

Change a text's meaning only together with CONSENT_VERSION: every Consent row keeps
the version and the exact text that was shown.
"""

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from civic_app.extensions import db
from civic_app.people.models import Consent

CONSENT_VERSION = "2026-11"
PURPOSES = ("programme", "sms")

CONSENT_TEXTS = {
    "programme": _l(
        "Accetto di partecipare al programma di impegno civico del mio Comune. Il Comune usa "
        "il mio nome, il mio numero di telefono, la mia lingua e le mie ore di attività solo "
        "per organizzare i progetti e per i conteggi anonimi chiesti dal fondo europeo. Posso "
        "scaricare i miei dati o chiedere di cancellarli in ogni momento."
    ),
    "sms": _l(
        "Accetto di ricevere SMS con promemoria dei turni e inviti agli incontri. Posso "
        "smettere quando voglio rispondendo STOP."
    ),
}


def consent_text(purpose: str, language: str) -> str:
    """The text of `purpose` as a person reading `language` sees it (Italian if we lack it)."""
    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        return str(CONSENT_TEXTS[purpose])


def give_consent(
    user, purpose: str, *, language: str, method: str, now: datetime, recorded_by=None
) -> Consent:
    consent = Consent(
        user_id=user.id,
        purpose=purpose,
        version=CONSENT_VERSION,
        language=language,
        text=consent_text(purpose, language),
        method=method,
        given_at=now,
        recorded_by_id=getattr(recorded_by, "id", None),
    )
    db.session.add(consent)
    if purpose == "sms":
        user.sms_opt_out_at = None
    db.session.flush()
    return consent


def active_consent(user, purpose: str) -> Consent | None:
    return db.session.scalar(
        db.select(Consent)
        .where(
            Consent.user_id == user.id,
            Consent.purpose == purpose,
            Consent.withdrawn_at.is_(None),
        )
        .order_by(Consent.id.desc())
        .limit(1)
    )


def withdraw_consent(user, purpose: str, now: datetime) -> bool:
    """Withdraw `purpose`; for SMS, non-essential messages stop at once. False if none was given."""
    consent = active_consent(user, purpose)
    if consent is None:
        return False
    consent.withdrawn_at = now
    if purpose == "sms":
        user.sms_opt_out_at = now
    db.session.flush()
    return True
