"""The housing measures of a case: proposing one, its steps, placing the person in a
dwelling and the day they left.

The case is loaded with casework's `load_case_or_404` (scoped; the page's read is
audited). Each change is a POST from the case's housing page that goes back to it; a
refused form shows that page again with what was typed and the errors.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from civic_app.casework.access import load_case_or_404
from civic_app.casework.models import IntakeStatus
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.paging import paginate
from civic_app.core.permissions import (
    can_work_cases,
    current_municipality_id,
    get_scoped_or_404,
    housing_required,
)
from civic_app.extensions import db
from civic_app.housing import bp
from civic_app.housing.forms import (
    AdvanceForm,
    EndPlacementForm,
    MeasureEditForm,
    MeasureFilterForm,
    MeasureForm,
    PlaceForm,
)
from civic_app.housing.measures import (
    advance,
    end_placement,
    place,
    propose_measure,
    update_measure,
)
from civic_app.housing.models import (
    DWELLING_KIND_LABELS,
    MEASURE_KIND_LABELS,
    MEASURE_STATUS_LABELS,
    OUTCOME_LABELS,
    Dwelling,
    HousingMeasure,
    MeasureKind,
    MeasureStatus,
    Placement,
)
from civic_app.housing.pages import PER_PAGE, is_open, measure_items, measures_query, today

#: What the step buttons say.
STEP_LABELS = {
    MeasureStatus.APPROVED: _l("Approva"),
    MeasureStatus.ACTIVE: _l("Avvia"),
}


def _user():
    return current_user._get_current_object()


@bp.route("/housing/measures")
@housing_required
def measures():
    """The municipality's housing measures, filtered by status and kind
    (?status=active&kind=rent_support): who is in which measure, for the team at a desk."""
    form = MeasureFilterForm(formdata=request.args)
    form.status.choices = [("", _("Tutti"))] + [
        (s.value, MEASURE_STATUS_LABELS[s]) for s in MeasureStatus
    ]
    form.kind.choices = [("", _("Tutti"))] + [
        (k.value, MEASURE_KIND_LABELS[k]) for k in MeasureKind
    ]
    chosen = {}
    for name, enum in (("status", MeasureStatus), ("kind", MeasureKind)):
        value = getattr(form, name).data
        try:
            chosen[name] = enum(value) if value else None
        except ValueError:
            chosen[name] = None
            getattr(form, name).errors = [_("Scegli un valore dell'elenco.")]
    page = paginate(
        measures_query(current_municipality_id(), chosen["status"], chosen["kind"]),
        request.args.get("page", 1, type=int),
        PER_PAGE,
    )
    return render_template(
        "housing/measures.html",
        form=form,
        measures=page,
        args={name: value.value for name, value in chosen.items() if value is not None},
        kind_labels=MEASURE_KIND_LABELS,
        status_labels=MEASURE_STATUS_LABELS,
        outcome_labels=OUTCOME_LABELS,
    )


def _back_to(intake, anchor: str = "measures"):
    return redirect(url_for("housing.case_measures", intake_id=intake.id, _anchor=anchor))


def _case_page(intake, *, new_form=None, refused=None):
    """The case's housing page; `refused` forms (see pages.measure_items) shown as sent."""
    day = today()
    is_open_case = intake.status == IntakeStatus.OPEN
    return render_template(
        "housing/case.html",
        intake=intake,
        person=intake.person,
        items=measure_items(intake, day, refused),
        new_form=(new_form or MeasureForm(formdata=None)) if is_open_case else None,
        today=day,
        is_open=is_open,
        step_labels=STEP_LABELS,
        kind_labels=MEASURE_KIND_LABELS,
        status_labels=MEASURE_STATUS_LABELS,
        outcome_labels=OUTCOME_LABELS,
        dwelling_kind_labels=DWELLING_KIND_LABELS,
        rent_support=MeasureKind.RENT_SUPPORT,
        may_read_cases=can_work_cases(current_user),
    )


def _again(intake, **kwargs):
    """The page again after a refusal: nothing of the refused change is kept."""
    db.session.rollback()
    return _case_page(intake, **kwargs)


def _measure_and_case(measure_id: int):
    """The measure and its case, of the current municipality.

    :raise 404: for another municipality's measure, or one whose person was erased.
    """
    measure = get_scoped_or_404(HousingMeasure, measure_id)
    return measure, load_case_or_404(measure.intake_id, audit=None)


@bp.route("/cases/<int:intake_id>/housing")
@housing_required
def case_measures(intake_id: int):
    """The case's housing measures and their placements (the read is audited)."""
    intake = load_case_or_404(intake_id)
    page = _case_page(intake)
    db.session.commit()
    return page


@bp.route("/cases/<int:intake_id>/housing", methods=["POST"], endpoint="propose_measure")
@housing_required
def propose(intake_id: int):
    intake = load_case_or_404(intake_id, audit=None)
    form = MeasureForm()
    if form.validate_on_submit():
        try:
            measure = propose_measure(
                intake, form.measure_data(), by=_user(), municipality_id=current_municipality_id()
            )
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Misura proposta."), "success")
            return _back_to(intake, f"measure-{measure.id}")
    return _again(intake, new_form=form)


@bp.route("/housing/measures/<int:measure_id>/advance", methods=["POST"])
@housing_required
def advance_measure(measure_id: int):
    """Approve, start or end a measure (ending: with its outcome and day)."""
    measure, intake = _measure_and_case(measure_id)
    form = AdvanceForm()
    if form.validate_on_submit():
        try:
            advance(
                measure, form.status.data, today(), by=_user(),
                outcome=form.outcome.data or None, ends_on=form.ends_on.data,
            )  # fmt: skip
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            db.session.commit()
            label = MEASURE_STATUS_LABELS[measure.status]
            flash(_("Stato della misura: %(status)s.", status=label), "success")
            return _back_to(intake, f"measure-{measure.id}")
    which = "end" if form.status.data == MeasureStatus.ENDED.value else "step"
    return _again(intake, refused={(which, measure.id): form})


@bp.route("/housing/measures/<int:measure_id>/edit", methods=["GET", "POST"])
@housing_required
def edit_measure(measure_id: int):
    """A measure's household, dates, amounts and notes, until it ends."""
    measure = get_scoped_or_404(HousingMeasure, measure_id)
    posted = request.method == "POST"
    intake = load_case_or_404(measure.intake_id, audit=None if posted else "case.viewed")
    if measure.status == MeasureStatus.ENDED:
        flash(_("La misura è conclusa: non si può più cambiare."), "error")
        return _back_to(intake, f"measure-{measure.id}")
    form = MeasureEditForm(obj=measure)
    if form.validate_on_submit():
        try:
            update_measure(measure, form.measure_data(), by=_user())
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Misura salvata."), "success")
            return _back_to(intake, f"measure-{measure.id}")
    page = render_template(
        "housing/measure_form.html",
        form=form,
        measure=measure,
        intake=intake,
        person=intake.person,
        kind_labels=MEASURE_KIND_LABELS,
        rent_support=MeasureKind.RENT_SUPPORT,
    )
    db.session.commit()  # the read of the case, audited
    return page


@bp.route("/housing/measures/<int:measure_id>/place", methods=["POST"])
@housing_required
def place_measure(measure_id: int):
    """Place the measure's person (and household) in one of the municipality's dwellings."""
    measure, intake = _measure_and_case(measure_id)
    form = PlaceForm()
    if form.validate_on_submit():
        chosen = db.session.get(Dwelling, form.dwelling_id.data) if form.dwelling_id.data else None
        # Another municipality's dwelling is no choice at all: place() says so.
        if chosen is not None and chosen.municipality_id != measure.municipality_id:
            chosen = None
        try:
            place(
                measure, chosen, form.starts_on.data, today(), by=_user(),
                ends_on=form.ends_on.data, places=form.places.data,
            )  # fmt: skip
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Inserimento registrato in %(name)s.", name=chosen.name), "success")
            return _back_to(intake, f"measure-{measure.id}")
    return _again(intake, refused={("place", measure.id): form})


@bp.route("/housing/placements/<int:placement_id>/end", methods=["POST"], endpoint="end_placement")
@housing_required
def leave_dwelling(placement_id: int):
    """The day the people of a placement left the dwelling."""
    placement = get_scoped_or_404(Placement, placement_id)
    measure, intake = _measure_and_case(placement.measure_id)
    form = EndPlacementForm()
    if form.validate_on_submit():
        try:
            end_placement(placement, form.ends_on.data, today(), by=_user())
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Uscita dall'alloggio registrata."), "success")
            return _back_to(intake, f"measure-{measure.id}")
    return _again(intake, refused={("leave", placement.id): form})
