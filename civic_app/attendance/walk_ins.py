"""Walk-ins: someone who came to a session without being enrolled, added to its roster by
phone, or registered on the spot when they are not a participant yet. These flush;
callers commit."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from civic_app.attendance.models import AttendanceSubmission, Mark
from civic_app.attendance.operations import MarkInput, check_can_record, record_marks
from civic_app.core.accounts import User
from civic_app.core.errors import DomainError
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.projects.models import ProjectSession
from civic_app.sms.templates import SMS_LANGUAGES

#: `User.signed_up_via` of someone a tutor registered on a roster.
WALK_IN = "walk_in"


@dataclass
class WalkIn:
    person: object | None  # None when the form had already been applied
    registered: bool  # a new participant, registered on the spot
    applied: bool


def record_walk_in(
    session: ProjectSession,
    *,
    phone: str | None,
    first_name: str,
    language: str,
    by,
    now: datetime,
    key: str,
) -> WalkIn:
    """Mark present someone who came without being enrolled: the participant of the
    municipality with `phone` (an E.164 number, or None), or else a new participant the
    tutor registers on the spot, so that the hours are not lost.

    A new participant gives only what the roster needs: first name, phone if they have
    one, language. No consent was given: the account waits for staff (`pending_review`,
    signed up via "walk_in"), gets only the SMS that are answers to their own actions
    (`sms_opt_out_at`), and staff finish the sign-up (the consent signed on paper) on the
    person's page. A form sent twice (same `key`) registers no one twice.

    :raise DomainError: see `record_marks`; also a phone of another account, no phone
        and no name, or a language outside the list.
    """
    if not key or len(key) > 64:
        raise DomainError(None, _l("Modulo non valido: ricarica la pagina."))
    if db.session.scalar(db.select(AttendanceSubmission.id).where(AttendanceSubmission.key == key)):
        return WalkIn(None, False, False)
    check_can_record(session, now)
    person = None
    if phone:
        person = db.session.scalar(db.select(User).where(User.phone == phone))
        if person is not None and (
            person.role != Role.PARTICIPANT or person.municipality_id != session.municipality_id
        ):
            raise DomainError(
                "phone", _l("Questo numero è di un altro account: chiedi al personale del Comune.")
            )
    registered = person is None
    if registered:
        first_name = (first_name or "").strip()
        if not first_name:
            raise DomainError(
                "first_name",
                _l("Nessun partecipante con questo numero: scrivi il nome per registrarlo.")
                if phone
                else _l("Scrivi il numero di telefono o, per chi non è iscritto, il nome."),
            )
        if language not in SMS_LANGUAGES:
            raise DomainError("language", _l("Scegli una lingua dell'elenco."))
        person = User(
            role=Role.PARTICIPANT,
            municipality_id=session.municipality_id,
            first_name=first_name[:80],
            phone=phone or None,
            preferred_language=language,
            signed_up_via=WALK_IN,
            pending_review=True,
            sms_opt_out_at=now,
            created_at=now,
        )
        db.session.add(person)
        db.session.flush()
    applied = record_marks(
        session,
        [MarkInput(person.id, Mark.PRESENT)],
        by=by,
        now=now,
        key=key,
        walk_in_ids=(person.id,),
    )
    return WalkIn(person, registered, applied)
