"""Housing pages: dwellings, their works and occupancy; the measures of a case are in
measure_views. Everyone here `can_manage_housing` (staff and caseworkers with the
housing grant); every record is the current municipality's (another's is a 404).

A refused form is shown again with what was typed and the errors (never a redirect that
would lose it); what changed is committed once, then the page redirects with a flash.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_currency
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from civic_app.casework.panels import register_panel
from civic_app.core.audit import record
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.paging import paginate
from civic_app.core.permissions import (
    can_manage_housing,
    current_municipality_id,
    get_scoped_or_404,
    housing_required,
)
from civic_app.extensions import db
from civic_app.housing import bp
from civic_app.housing.dwellings import (
    STAFF_STATES,
    add_work,
    occupancy_of,
    save_dwelling,
    set_state,
    works_of,
)
from civic_app.housing.forms import (
    DwellingFilterForm,
    DwellingForm,
    DwellingStateForm,
    WorkForm,
)
from civic_app.housing.models import (
    DWELLING_KIND_LABELS,
    DWELLING_STATE_LABELS,
    MANAGED_BY_LABELS,
    MEASURE_KIND_LABELS,
    MEASURE_STATUS_LABELS,
    Dwelling,
    DwellingState,
)
from civic_app.housing.pages import (
    PER_PAGE,
    case_summary,
    dwellings_query,
    messages_of,
    occupied_on,
    today,
)

#: What each state button says.
STATE_ACTIONS = {
    DwellingState.REFURBISHING: _l("Segna in ristrutturazione"),
    DwellingState.AVAILABLE: _l("Segna disponibile"),
    DwellingState.CLOSED: _l("Chiudi l'alloggio"),
}


@bp.app_template_filter("money")
def money(value) -> str:
    """An amount in euro in the page's language ("1.200,50 €")."""
    return "" if value is None else format_currency(value, "EUR")


@bp.app_context_processor
def housing_nav() -> dict:
    # The layout's menu shows "Alloggi" to those who may open it.
    return {"can_manage_housing": can_manage_housing}


# The list


@bp.route("/housing/dwellings")
@housing_required
def dwellings():
    """The municipality's dwellings, filtered by state (?state=available)."""
    form = DwellingFilterForm(formdata=request.args)
    form.state.choices = [("", _("Tutti"))] + [
        (s.value, DWELLING_STATE_LABELS[s]) for s in DwellingState
    ]
    try:
        state = DwellingState(form.state.data) if form.state.data else None
    except ValueError:
        state = None
        form.state.errors = [_("Scegli uno stato dell'elenco.")]
    municipality_id = current_municipality_id()
    page = paginate(
        dwellings_query(municipality_id, state), request.args.get("page", 1, type=int), PER_PAGE
    )
    return render_template(
        "housing/dwellings.html",
        form=form,
        dwellings=page,
        occupied=occupied_on((d.id for d in page.items), today()),
        args={"state": state.value} if state else {},
        kind_labels=DWELLING_KIND_LABELS,
        state_labels=DWELLING_STATE_LABELS,
    )


# One dwelling


@bp.route("/housing/dwellings/new", methods=["GET", "POST"])
@bp.route("/housing/dwellings/<int:dwelling_id>/edit", methods=["GET", "POST"])
@housing_required
def edit_dwelling(dwelling_id: int | None = None):
    dwelling = get_scoped_or_404(Dwelling, dwelling_id) if dwelling_id else None
    form = DwellingForm(obj=dwelling)
    # "Occupied" follows the placements: staff see it as open ("available").
    if not form.is_submitted() and dwelling is not None and dwelling.state == "occupied":
        form.state.data = DwellingState.AVAILABLE.value
    if form.validate_on_submit():
        try:
            data = form.dwelling_data()
            saved = save_dwelling(dwelling, current_municipality_id(), data, today())
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("housing.dwelling_created" if dwelling is None else "housing.dwelling_updated",
                   saved, details={"state": str(saved.state)})  # fmt: skip
            db.session.commit()
            flash(_("Alloggio salvato."), "success")
            return redirect(url_for("housing.dwelling", dwelling_id=saved.id))
    return render_template("housing/dwelling_form.html", form=form, dwelling=dwelling)


def _dwelling_page(dwelling: Dwelling, *, state_form=None, work_form=None):
    day = today()
    return render_template(
        "housing/dwelling.html",
        dwelling=dwelling,
        occupied=occupied_on([dwelling.id], day).get(dwelling.id, 0),
        today=day,
        works=works_of(dwelling),
        occupancy=occupancy_of(dwelling),
        state_form=state_form or DwellingStateForm(formdata=None),
        states=[s for s in STAFF_STATES if s != _shown_state(dwelling)],
        work_form=work_form or WorkForm(formdata=None),
        kind_labels=DWELLING_KIND_LABELS,
        state_labels=DWELLING_STATE_LABELS,
        managed_labels=MANAGED_BY_LABELS,
        state_actions=STATE_ACTIONS,
        messages_of=messages_of,
    )


def _shown_state(dwelling: Dwelling) -> DwellingState:
    """The state staff chose: occupied is "available" with no place free."""
    if dwelling.state == DwellingState.OCCUPIED:
        return DwellingState.AVAILABLE
    return dwelling.state


@bp.route("/housing/dwellings/<int:dwelling_id>")
@housing_required
def dwelling(dwelling_id: int):
    """A dwelling: its facts, state, works and who lived there from when to when."""
    return _dwelling_page(get_scoped_or_404(Dwelling, dwelling_id))


@bp.route("/housing/dwellings/<int:dwelling_id>/state", methods=["POST"])
@housing_required
def dwelling_state(dwelling_id: int):
    dwelling = get_scoped_or_404(Dwelling, dwelling_id)
    form = DwellingStateForm()
    if form.validate_on_submit():
        try:
            changed = set_state(dwelling, form.state.data, today())
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            if changed:
                record("housing.dwelling_state", dwelling, details={"state": str(dwelling.state)})
            db.session.commit()
            if changed:
                label = DWELLING_STATE_LABELS[dwelling.state]
                flash(_("Stato aggiornato: %(state)s.", state=label), "success")
            return redirect(url_for("housing.dwelling", dwelling_id=dwelling.id))
    return _dwelling_page(dwelling, state_form=form)


@bp.route("/housing/dwellings/<int:dwelling_id>/works", methods=["POST"], endpoint="add_work")
@housing_required
def add_dwelling_work(dwelling_id: int):
    dwelling = get_scoped_or_404(Dwelling, dwelling_id)
    form = WorkForm()
    if form.validate_on_submit():
        try:
            work = add_work(dwelling, form.work_data())
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("housing.work_added", work, details={"dwelling_id": dwelling.id})
            db.session.commit()
            flash(_("Lavori registrati."), "success")
            return redirect(url_for("housing.dwelling", dwelling_id=dwelling.id, _anchor="works"))
    return _dwelling_page(dwelling, work_form=form)


# The case page's panel


@register_panel
def housing_panel(intake, user) -> Markup | None:
    """The case's housing measures in short, with the way to its housing page; only for
    those who manage housing."""
    if not can_manage_housing(user):
        return None
    html = render_template(
        "housing/_case_panel.html",
        intake=intake,
        summary=case_summary(intake),
        kind_labels=MEASURE_KIND_LABELS,
        status_labels=MEASURE_STATUS_LABELS,
    )
    return Markup(html)  # noqa: S704 - autoescaped template output


from civic_app.housing import measure_views as _measure_views  # noqa: E402, F401
