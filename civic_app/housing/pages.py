"""What the housing pages show: reads only (the operations are in dwellings.py and
measures.py), and the forms of each measure on a case's page."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload

from civic_app.core.clock import now
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.housing.dwellings import placeable_dwellings
from civic_app.housing.forms import (
    AdvanceForm,
    EndPlacementForm,
    PlaceForm,
    own_ids,
)
from civic_app.housing.measures import NEXT, NOT_BEGUN, measures_of, placements_by_measure
from civic_app.housing.models import (
    OUTCOME_LABELS,
    Dwelling,
    DwellingState,
    HousingMeasure,
    MeasureKind,
    MeasureStatus,
    Outcome,
    Placement,
)

PER_PAGE = 50


def today() -> date:
    """Today in Rome: the day the operations count occupancy on."""
    return to_local(now()).date()


def dwellings_query(municipality_id: int, state: DwellingState | None = None):
    """The municipality's dwellings (in `state`, if given), by name."""
    query = db.select(Dwelling).where(Dwelling.municipality_id == municipality_id)
    if state is not None:
        query = query.where(Dwelling.state == state)
    return query.order_by(Dwelling.name, Dwelling.id)


def occupied_on(dwelling_ids, day: date) -> dict[int, int]:
    """People living in each of the dwellings on `day` (absent: nobody), in one query."""
    ids = list(dwelling_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(Placement.dwelling_id, func.sum(Placement.places))
        .where(
            Placement.dwelling_id.in_(ids),
            Placement.starts_on <= day,
            or_(Placement.ends_on.is_(None), Placement.ends_on > day),
        )
        .group_by(Placement.dwelling_id)
    )
    return {dwelling_id: int(n or 0) for dwelling_id, n in rows}


def is_open(placement: Placement, today: date) -> bool:
    """Not yet left: its people still live there, or their end is still to come."""
    return placement.ends_on is None or placement.ends_on > today


@dataclass
class MeasureItem:
    """One measure on the case's page, with its placements and the forms of its steps."""

    measure: HousingMeasure
    placements: list[Placement]
    #: Steps other than ending, one button each (approve, start).
    steps: list[MeasureStatus]
    #: Ending it, with the outcome and the day; None once ended.
    end_form: AdvanceForm | None
    #: What was refused by a form the page does not show (a step button, or a form of a
    #: measure that has ended since the page was opened): said by the buttons.
    notices: list[str]
    #: Placing the person in a dwelling; None for other kinds or once ended.
    place_form: PlaceForm | None
    #: The end form of each placement not yet left, by placement id.
    leave_forms: dict[int, EndPlacementForm] = field(default_factory=dict)


def _end_form(measure: HousingMeasure, sent: AdvanceForm | None) -> AdvanceForm:
    form = sent or AdvanceForm(formdata=None)
    own_ids(form, f"m{measure.id}-end")
    # Only the outcomes the step accepts: a measure never begun ends as "not started".
    if measure.status in NOT_BEGUN:
        outcomes = [Outcome.NOT_STARTED]
    else:
        outcomes = [o for o in Outcome if o != Outcome.NOT_STARTED]
    form.outcome.choices = [form.outcome.choices[0]] + [
        (o.value, OUTCOME_LABELS[o]) for o in outcomes
    ]
    return form


def _place_form(measure, sent, dwellings, free) -> PlaceForm:
    form = sent or PlaceForm(formdata=None, places=measure.people, starts_on=measure.starts_on)
    own_ids(form, f"m{measure.id}-place")
    form.fill_dwellings(dwellings, free)
    return form


def _leave_form(placement: Placement, sent) -> EndPlacementForm:
    return own_ids(sent or EndPlacementForm(formdata=None), f"p{placement.id}-end")


def measure_items(intake, today: date, refused: dict | None = None) -> list[MeasureItem]:
    """The case's measures, latest first. `refused`: forms sent with errors, shown again
    in place of their empty ones, keyed ("end" | "step" | "place", measure id) or
    ("leave", placement id)."""
    refused = refused or {}
    measures = measures_of(intake)
    dwellings, free = [], {}
    if any(m.kind == MeasureKind.PLACEMENT and m.status != MeasureStatus.ENDED for m in measures):
        dwellings = placeable_dwellings(intake.municipality_id)
        taken = occupied_on((d.id for d in dwellings), today)
        free = {d.id: max(d.places - taken.get(d.id, 0), 0) for d in dwellings}
    items = []
    placements_of = placements_by_measure(measures)
    for measure in measures:
        ended = measure.status == MeasureStatus.ENDED
        placements = placements_of[measure.id]
        placing = measure.kind == MeasureKind.PLACEMENT and not ended
        unshown = ["step"] + (["end", "place"] if ended else []) + ([] if placing else ["place"])
        items.append(
            MeasureItem(
                measure=measure,
                placements=placements,
                steps=[s for s in NEXT[measure.status] if s != MeasureStatus.ENDED],
                end_form=None if ended else _end_form(measure, refused.get(("end", measure.id))),
                notices=[
                    message
                    for key in dict.fromkeys(unshown)
                    for message in messages_of(refused.get((key, measure.id)))
                ],
                place_form=(
                    _place_form(measure, refused.get(("place", measure.id)), dwellings, free)
                    if placing
                    else None
                ),
                leave_forms={
                    p.id: _leave_form(p, refused.get(("leave", p.id)))
                    for p in placements
                    if is_open(p, today) or ("leave", p.id) in refused
                },
            )
        )
    return items


def messages_of(form) -> list[str]:
    """Every error of `form` (None: none), the form's own first."""
    if form is None:
        return []
    return [*form.form_errors, *(m for f in form for m in f.errors)]


@dataclass(frozen=True)
class CaseSummary:
    """The case page's housing panel: how many measures, which are going on."""

    total: int
    current: list[HousingMeasure]


def case_summary(intake) -> CaseSummary:
    measures = measures_of(intake)
    current = [m for m in measures if m.status != MeasureStatus.ENDED]
    return CaseSummary(total=len(measures), current=current)


def measures_query(
    municipality_id: int, status: MeasureStatus | None = None, kind: MeasureKind | None = None
):
    """The municipality's housing measures (of a status and kind, if given), the latest
    first, with their person (one query per page, not one per row)."""
    query = (
        db.select(HousingMeasure)
        .where(HousingMeasure.municipality_id == municipality_id)
        .options(selectinload(HousingMeasure.person))
    )
    if status is not None:
        query = query.where(HousingMeasure.status == status)
    if kind is not None:
        query = query.where(HousingMeasure.kind == kind)
    return query.order_by(HousingMeasure.starts_on.desc(), HousingMeasure.id.desc())
