"""Who reads a case, and the audit of every read.

Cases are need-to-know: `casework_required` (core.permissions) lets in caseworkers and
staff on the case team; `load_case_or_404` keeps them to their own municipality and
writes the read to the audit trail.
"""

from flask import abort
from flask_login import current_user

from civic_app.casework.models import HEALTH_READERS, CaseNote, Intake, Sensitivity
from civic_app.core.audit import record
from civic_app.core.permissions import get_scoped_or_404


def load_case_or_404(intake_id: int, *, audit: str | None = "case.viewed") -> Intake:
    """The case `intake_id` of the current user's municipality, its read audited.

    :raise 404: when it does not exist, belongs to another municipality or its person
        was erased.
    """
    intake = get_scoped_or_404(Intake, intake_id)
    if intake.person.erased_at is not None:
        abort(404)
    if audit:
        record(audit, intake)
    return intake


def may_read_note(user, note: CaseNote) -> bool:
    """Team notes: every case-team member. Health notes: their author and the
    professions that need them (HEALTH_READERS)."""
    if note.sensitivity == Sensitivity.TEAM:
        return True
    return note.author_id == user.id or (user.profession or "") in HEALTH_READERS


def may_write_health_notes(user) -> bool:
    return (user.profession or "") in HEALTH_READERS


def current_profession() -> str:
    return current_user.profession or "caseworker"
