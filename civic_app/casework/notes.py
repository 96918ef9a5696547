"""Case notes: written by the team, read on a need-to-know basis, every read audited; and
closing or reopening a case.

Who writes what: any case-team member may write a note of either sensitivity (the
caseworker at the van is often the one who hears about a health problem first); once
written, a HEALTH note is read only by its author and the professions in HEALTH_READERS
(access.may_read_note). A note's body never goes to a log, a URL, a flash message or the
audit trail: the audit rows name the note and the case by id.

Operations flush and never commit; the views commit.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask import g
from flask_babel import gettext as _

from civic_app.casework.access import may_read_note
from civic_app.casework.models import (
    NOTE_MAX_LENGTH,
    PROFESSION_LABELS,
    CaseNote,
    Intake,
    IntakeStatus,
    Sensitivity,
)
from civic_app.casework.note_forms import (
    CLOSE_REASON_LABELS,
    CLOSE_REASONS,
    SENSITIVITY_HINTS,
    SENSITIVITY_LABELS,
    CloseCaseForm,
    NoteForm,
    ReopenCaseForm,
)
from civic_app.core.audit import record_each
from civic_app.core.errors import DomainError
from civic_app.extensions import db


def add_note(
    intake: Intake, author, body: str, sensitivity: Sensitivity | str, now: datetime
) -> CaseNote:
    """Write a note on `intake` by `author` (a case-team member). Flushes.

    :raise DomainError: ("note_body") for an empty note or one longer than NOTE_MAX_LENGTH;
        ("note_sensitivity") for an unknown level; (None) when the case is closed.
    """
    if intake.status != IntakeStatus.OPEN:
        raise DomainError(None, _("Il caso è chiuso: riaprilo per aggiungere una nota."))
    try:
        level = Sensitivity(sensitivity)
    except ValueError:
        raise DomainError("note_sensitivity", _("Scegli chi può leggere la nota.")) from None
    text = (body or "").strip()
    if not text:
        raise DomainError("note_body", _("Scrivi la nota."))
    if len(text) > NOTE_MAX_LENGTH:
        raise DomainError(
            "note_body",
            _(
                "La nota è troppo lunga: %(count)s caratteri, al massimo %(max)s. "
                "Accorciala o dividila in più note.",
                count=len(text),
                max=NOTE_MAX_LENGTH,
            ),
        )
    note = CaseNote(
        municipality_id=intake.municipality_id,
        intake_id=intake.id,
        author_id=author.id,
        author_profession=author.profession or "caseworker",
        sensitivity=level,
        body=text,
        written_at=now,
    )
    db.session.add(note)
    db.session.flush()
    return note


class VisibleNotes(list):
    """The notes a user may read, newest first; `hidden` counts those they may not."""

    hidden: int = 0


def notes_for(user, intake: Intake) -> VisibleNotes:
    """The notes of `intake` that `user` may read, newest first. Each one returned is
    audited as read ("case_note.read"); the notes held back are only counted."""
    notes = db.session.scalars(
        db.select(CaseNote)
        .where(CaseNote.intake_id == intake.id)
        .order_by(CaseNote.written_at.desc(), CaseNote.id.desc())
    ).all()
    visible = VisibleNotes(note for note in notes if may_read_note(user, note))
    visible.hidden = len(notes) - len(visible)
    record_each("case_note.read", visible, actor=user, details={"intake_id": intake.id})
    return visible


@dataclass
class NotePanel:
    """What the notes section of a case page needs besides the notes themselves."""

    #: None on a closed case (reopen it to write).
    note: NoteForm | None
    close: CloseCaseForm | None
    reopen: ReopenCaseForm | None
    profession_labels: dict = field(default_factory=lambda: PROFESSION_LABELS)
    sensitivity_labels: dict = field(default_factory=lambda: SENSITIVITY_LABELS)
    sensitivity_hints: dict = field(default_factory=lambda: SENSITIVITY_HINTS)
    close_reason_labels: dict = field(default_factory=lambda: CLOSE_REASON_LABELS)


def note_form_for(user, intake: Intake) -> NotePanel:
    """The forms of the notes section. A view that refused a form puts it in
    `g.case_forms` (by name: "note", "close") before showing the case page again, so
    that what was typed is there with its errors."""
    refused = g.get("case_forms", {})
    if intake.status == IntakeStatus.OPEN:
        return NotePanel(
            note=refused.get("note") or NoteForm(formdata=None),
            close=refused.get("close") or CloseCaseForm(formdata=None),
            reopen=None,
        )
    # A note refused because the case was closed meanwhile is shown with what was typed.
    return NotePanel(note=refused.get("note"), close=None, reopen=ReopenCaseForm(formdata=None))


def close_case(intake: Intake, reason: str, now: datetime) -> None:
    """Close an open case for `reason` (a code of CLOSE_REASONS). Flushes.

    :raise DomainError: ("close_reason") for an unknown reason; (None) when already closed.
    """
    if reason not in CLOSE_REASONS:
        raise DomainError("close_reason", _("Scegli perché si chiude il caso."))
    if intake.status != IntakeStatus.OPEN:
        raise DomainError(None, _("Il caso è già chiuso."))
    intake.status = IntakeStatus.CLOSED
    intake.closed_at = now
    intake.closed_reason = reason
    db.session.flush()


def reopen_case(intake: Intake) -> bool:
    """Open a closed case again (retention counts from the next closing). Flushes.
    False when it was open already."""
    if intake.status == IntakeStatus.OPEN:
        return False
    intake.status = IntakeStatus.OPEN
    intake.closed_at = None
    intake.closed_reason = None
    db.session.flush()
    return True
