"""Consent: the versioned texts people agree to, and the records of agreeing and withdrawing.

Change a text's meaning only together with CONSENT_VERSION: every Consent row keeps
the version and the exact text that was shown.
"""

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from civic_app.core.accounts import Consent
from civic_app.core.i18n import current_language
from civic_app.extensions import db

CONSENT_VERSION = "2026-11"
PURPOSES = ("programme", "sms", "casework")

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
    "casework": _l(
        "Accetto che lo sportello o l'unità mobile del Comune registri i miei dati e i miei "
        "bisogni, anche di salute, per aiutarmi e indirizzarmi ai servizi. Li leggono solo "
        "gli operatori che mi seguono; il fondo europeo riceve solo conteggi anonimi. Posso "
        "avere i miei dati o chiedere di cancellarli in ogni momento."
    ),
}


def consent_text(purpose: str, language: str) -> str:
    """The text of `purpose` as a person reading `language` sees it. For a language the
    pages do not have (one only SMS speak), the page's own language: what is shown is
    what is kept."""
    if language not in current_app.config["LANGUAGES"]:
        language = current_language()
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


#: Shown to a minor who signs up (web) and on their page until a guardian has consented.
MINOR_NOTICE = _l(
    "Hai meno di 18 anni: un genitore o tutore deve firmare il modulo di consenso con il "
    "personale del Comune. Fino ad allora non puoi iscriverti ai progetti."
)


def _guardian_consents():
    """Programme consents on paper recorded by staff: what a minor's guardian signs."""
    return db.select(Consent.user_id).where(
        Consent.purpose == "programme",
        Consent.withdrawn_at.is_(None),
        Consent.method == "paper",
        Consent.recorded_by_id.is_not(None),
    )


def needs_guardian_consent(user, year: int) -> bool:
    """A minor in `year` (by the year of birth) without a guardian's consent on record."""
    from civic_app.core.demographics import is_minor

    if not is_minor(user.birth_year, year):
        return False
    query = _guardian_consents().where(Consent.user_id == user.id).limit(1)
    return db.session.scalar(query) is None


def missing_guardian_consent(users, year: int) -> set[int]:
    """The ids among `users` that need a guardian's consent (one query for a whole list)."""
    from civic_app.core.demographics import is_minor

    minors = {u.id for u in users if is_minor(u.birth_year, year)}
    if not minors:
        return set()
    given = set(db.session.scalars(_guardian_consents().where(Consent.user_id.in_(minors))))
    return minors - given


def record_guardian_consent(user, *, staff, now: datetime, sms: bool = False) -> Consent:
    """Staff record the consent form a minor's parent or guardian signed on paper.

    The text kept is the programme's, in the participant's language, as on the form.
    Staff have met the family, so the sign-up no longer waits for review.
    """
    language = user.preferred_language
    consent = give_consent(
        user, "programme", language=language, method="paper", now=now, recorded_by=staff
    )
    if sms and user.phone:
        give_consent(user, "sms", language=language, method="paper", now=now, recorded_by=staff)
    user.pending_review = False
    db.session.flush()
    return consent
