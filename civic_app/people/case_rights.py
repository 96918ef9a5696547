"""A person's case (pillar 2) in their data rights: the case sections of their copy, and
what an erasure blanks in their case.

The copy. The person's own copy holds every case note, health notes included: the right
of access (GDPR art. 15) covers what the team wrote about them, and the team writes
knowing it. Notes carry the author's profession, never the author's name (the staff who
acted are not the person's data). A copy made for the person by a member of the case
team (people/rights_views.py, for those without a phone) holds the notes that member may
read (casework.access.may_read_note) and says how many were left out, so that a health
note never reaches a reader who may not read it: a psychologist or social worker then
makes the full copy.

The erasure keeps every row, so that the anonymous counts stay true (intakes, needs,
units, referrals by service and status, the dates of their steps, notes by sensitivity),
and blanks the free text: the zone where the person was met, the interpreter, the
reasons, outcomes and places of referrals and of their steps, and the note bodies. A case
still open is closed (reason "erased"): nobody can work it any more. Housing measures
(pillar 1) are in the copy with the dwellings the person lived in; an erasure keeps their
kind, dates, household size and amounts and blanks their notes.
"""

from datetime import datetime

from sqlalchemy.orm import selectinload

from civic_app.casework.access import may_read_note
from civic_app.casework.models import (
    CaseNote,
    Intake,
    IntakeStatus,
    Referral,
    ReferralChange,
)
from civic_app.core.accounts import User
from civic_app.extensions import db
from civic_app.housing.models import HousingMeasure, Placement

#: What an erased text becomes where the column needs a value (data_rights uses it too).
ERASED = "[cancellato]"


def _iso(value):
    return value.isoformat() if value is not None else None


def intakes_of(person: User) -> list[Intake]:
    return db.session.scalars(
        db.select(Intake).where(Intake.person_id == person.id).order_by(Intake.id)
    ).all()


def case_sections(person: User, *, reader=None) -> dict:
    """The case sections of `person`'s copy: intakes, referrals (with the steps of their
    status), case notes. With a `reader` (a case-team member making the copy for the
    person), only the notes they may read, and "case_notes_left_out" counts the others."""
    intakes = intakes_of(person)
    ids = [intake.id for intake in intakes]
    referrals = (
        db.session.scalars(
            db.select(Referral).where(Referral.intake_id.in_(ids)).order_by(Referral.id)
        ).all()
        if ids
        else []
    )
    steps: dict[int, list] = {}
    if referrals:
        for change in db.session.scalars(
            db.select(ReferralChange)
            .where(ReferralChange.referral_id.in_([r.id for r in referrals]))
            .order_by(ReferralChange.at, ReferralChange.id)
        ):
            steps.setdefault(change.referral_id, []).append(
                {"status": str(change.status), "at": _iso(change.at), "note": change.note}
            )
    notes = (
        db.session.scalars(
            db.select(CaseNote)
            .where(CaseNote.intake_id.in_(ids))
            .order_by(CaseNote.written_at, CaseNote.id)
        ).all()
        if ids
        else []
    )
    readable = [n for n in notes if reader is None or may_read_note(reader, n)]
    sections = {
        "intakes": [
            {
                "case": intake.id,
                "unit": intake.unit.name if intake.unit else None,
                "zone": intake.zone,
                "met_on": _iso(intake.met_on),
                "needs": intake.need_codes,
                "consent_method": str(intake.consent_method),
                "interpreter": intake.interpreter,
                "status": str(intake.status),
                "closed_at": _iso(intake.closed_at),
                "closed_reason": intake.closed_reason,
                "last_seen_on": _iso(intake.last_seen_on),
            }
            for intake in intakes
        ],
        "referrals": [
            {
                "case": r.intake_id,
                "service": r.service.name,
                "service_kind": str(r.service.kind),
                "reason": r.reason,
                "appointment_at": _iso(r.appointment_at),
                "appointment_place": r.appointment_place,
                "status": str(r.status),
                "outcome": r.outcome,
                "status_changed_at": _iso(r.status_changed_at),
                "steps": steps.get(r.id, []),
            }
            for r in referrals
        ],
        "case_notes": [
            {
                "case": n.intake_id,
                "written_at": _iso(n.written_at),
                "author_profession": n.author_profession,
                "sensitivity": str(n.sensitivity),
                "body": n.body,
            }
            for n in readable
        ],
    }
    sections["housing_measures"] = housing_section(person)
    if len(readable) < len(notes):
        sections["case_notes_left_out"] = {"count": len(notes) - len(readable)}
    return sections


def housing_section(person: User) -> list[dict]:
    """The person's housing measures, each with where they lived from when to when."""
    measures = db.session.scalars(
        db.select(HousingMeasure)
        .where(HousingMeasure.person_id == person.id)
        .order_by(HousingMeasure.starts_on, HousingMeasure.id)
    ).all()
    placements: dict[int, list] = {}
    if measures:
        for placement in db.session.scalars(
            db.select(Placement)
            .where(Placement.measure_id.in_([m.id for m in measures]))
            .options(selectinload(Placement.dwelling))
            .order_by(Placement.starts_on, Placement.id)
        ):
            placements.setdefault(placement.measure_id, []).append(
                {
                    "dwelling": placement.dwelling.name,
                    "address": placement.dwelling.address,
                    "places": placement.places,
                    "starts_on": _iso(placement.starts_on),
                    "ends_on": _iso(placement.ends_on),
                }
            )
    return [
        {
            "case": m.intake_id,
            "kind": str(m.kind),
            "status": str(m.status),
            "household_members": m.household_members,
            "starts_on": _iso(m.starts_on),
            "ends_on": _iso(m.ends_on),
            "monthly_amount": str(m.monthly_amount) if m.monthly_amount is not None else None,
            "months": m.months,
            "amount": str(m.amount),
            "outcome": str(m.outcome) if m.outcome else None,
            "notes": m.notes,
            "placements": placements.get(m.id, []),
        }
        for m in measures
    ]


def readable_notes(person: User, reader) -> tuple[list[CaseNote], int]:
    """The notes about `person` that `reader` may read, and how many they may not."""
    notes = db.session.scalars(
        db.select(CaseNote)
        .join(Intake, Intake.id == CaseNote.intake_id)
        .where(Intake.person_id == person.id)
        .order_by(CaseNote.id)
    ).all()
    readable = [n for n in notes if may_read_note(reader, n)]
    return readable, len(notes) - len(readable)


def erase_case_data(person: User, now: datetime) -> None:
    """Blank the free text of `person`'s cases and close those still open; every row and
    every code stays (see the module's docstring). Flushes."""
    intakes = intakes_of(person)
    if not intakes:
        return
    ids = [intake.id for intake in intakes]
    for intake in intakes:
        intake.zone = ""
        intake.interpreter = None
        if intake.status == IntakeStatus.OPEN:
            intake.status = IntakeStatus.CLOSED
            intake.closed_at = now
            intake.closed_reason = "erased"
    referrals = db.session.scalars(db.select(Referral).where(Referral.intake_id.in_(ids))).all()
    for referral in referrals:
        referral.reason = ""
        referral.outcome = ""
        referral.appointment_place = ""
    if referrals:
        for change in db.session.scalars(
            db.select(ReferralChange).where(
                ReferralChange.referral_id.in_([r.id for r in referrals])
            )
        ):
            change.note = ""
    for note in db.session.scalars(db.select(CaseNote).where(CaseNote.intake_id.in_(ids))):
        note.body = ERASED
    # Housing measures keep their kind, dates and amounts (the fund's counts and money);
    # only what was written about the person goes.
    for measure in db.session.scalars(
        db.select(HousingMeasure).where(HousingMeasure.person_id == person.id)
    ):
        measure.notes = ""
    db.session.flush()
