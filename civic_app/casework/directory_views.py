"""Staff's pages for units and the directory of care services, and the directory the case
team (and staff) search."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic_app.casework import bp
from civic_app.casework.directory import (
    directory_query,
    municipality_names,
    own_services_query,
    restore_service,
    retire_service,
    save_service,
    save_unit,
    set_unit_active,
)
from civic_app.casework.directory_forms import DirectorySearchForm, ServiceForm, UnitForm
from civic_app.casework.models import (
    SERVICE_KIND_LABELS,
    UNIT_KIND_LABELS,
    CareService,
    ServiceKind,
    Unit,
)
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.paging import paginate
from civic_app.core.permissions import (
    Role,
    allowed_by,
    can_work_cases,
    current_municipality_id,
    get_scoped_or_404,
    roles_required,
    scoped_select,
)
from civic_app.extensions import db
from civic_app.projects.forms import ActionForm

staff_only = roles_required(Role.STAFF)
PER_PAGE = 30


def _reads_the_directory(user) -> bool:
    """Staff, and the case team (caseworkers and staff with the casework grant)."""
    return user.role == Role.STAFF or can_work_cases(user)


#: 401 for nobody, 403 (audited) for anyone but staff and the case team.
directory_readers = allowed_by(_reads_the_directory)


def _checked_action() -> None:
    """:raise 400: for a button sent without its form (CSRF is checked app-wide)."""
    if not ActionForm().validate_on_submit():
        abort(400)


# Units


@bp.route("/staff/units")
@staff_only
def units():
    rows = db.session.scalars(
        scoped_select(Unit).order_by(Unit.is_active.desc(), Unit.name, Unit.id)
    ).all()
    return render_template("casework/units.html", units=rows, kind_labels=UNIT_KIND_LABELS)


@bp.route("/staff/units/new", methods=["GET", "POST"])
@bp.route("/staff/units/<int:unit_id>/edit", methods=["GET", "POST"])
@staff_only
def edit_unit(unit_id: int | None = None):
    unit = get_scoped_or_404(Unit, unit_id) if unit_id else None
    form = UnitForm(obj=unit)
    if form.validate_on_submit():
        try:
            saved = save_unit(unit, current_municipality_id(), form.unit_data())
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("unit.created" if unit is None else "unit.updated", saved)
            db.session.commit()
            flash(_("Unità salvata."), "success")
            return redirect(url_for("casework.units"))
    return render_template("casework/unit_form.html", form=form, unit=unit)


@bp.route("/staff/units/<int:unit_id>/deactivate", methods=["POST"])
@staff_only
def deactivate_unit(unit_id: int):
    unit = get_scoped_or_404(Unit, unit_id)
    _checked_action()
    if set_unit_active(unit, False):
        record("unit.deactivated", unit)
    db.session.commit()
    flash(_("Unità chiusa: non si registrano nuove prese in carico qui."), "success")
    return redirect(url_for("casework.units"))


@bp.route("/staff/units/<int:unit_id>/reactivate", methods=["POST"])
@staff_only
def reactivate_unit(unit_id: int):
    unit = get_scoped_or_404(Unit, unit_id)
    _checked_action()
    if set_unit_active(unit, True):
        record("unit.reactivated", unit)
    db.session.commit()
    flash(_("Unità riaperta."), "success")
    return redirect(url_for("casework.units"))


# Services (staff keep their municipality's entries)


@bp.route("/staff/services")
@staff_only
def services():
    page = paginate(
        own_services_query(current_municipality_id()),
        request.args.get("page", 1, type=int),
        PER_PAGE,
    )
    return render_template("casework/services.html", services=page, kind_labels=SERVICE_KIND_LABELS)


@bp.route("/staff/services/new", methods=["GET", "POST"])
@bp.route("/staff/services/<int:service_id>/edit", methods=["GET", "POST"])
@staff_only
def edit_service(service_id: int | None = None):
    service = get_scoped_or_404(CareService, service_id) if service_id else None
    programme = service is not None and service.kind == ServiceKind.CIVIC_ENGAGEMENT
    form = ServiceForm(obj=service)
    if request.method == "GET" and service is not None:
        form.languages.data = service.language_codes
        form.kind.data = service.kind.value
    if programme:
        # The programme is the system's entry: its kind and reach are not staff's to change.
        del form.kind
        del form.network_wide
    if form.validate_on_submit():
        data = form.service_data() if not programme else _programme_data(form)
        try:
            saved = save_service(service, current_municipality_id(), data)
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("service.created" if service is None else "service.updated", saved)
            db.session.commit()
            flash(_("Servizio salvato."), "success")
            return redirect(url_for("casework.services"))
    return render_template(
        "casework/service_form.html",
        form=form,
        service=service,
        kind_labels=SERVICE_KIND_LABELS,
    )


def _programme_data(form: ServiceForm) -> dict:
    return {
        "name": form.name.data,
        "address": form.address.data,
        "phone": form.phone.data,
        "opening_hours": form.opening_hours.data,
        "languages": form.languages.data,
        "notes": form.notes.data,
    }


@bp.route("/staff/services/<int:service_id>/retire", methods=["POST"])
@staff_only
def retire_service_view(service_id: int):
    service = get_scoped_or_404(CareService, service_id)
    _checked_action()
    try:
        changed = retire_service(service, now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("casework.services"))
    if changed:
        record("service.retired", service)
    db.session.commit()
    flash(_("Servizio ritirato: non riceve nuovi invii, quelli fatti restano."), "success")
    return redirect(url_for("casework.services"))


@bp.route("/staff/services/<int:service_id>/restore", methods=["POST"])
@staff_only
def restore_service_view(service_id: int):
    service = get_scoped_or_404(CareService, service_id)
    _checked_action()
    if restore_service(service):
        record("service.restored", service)
    db.session.commit()
    flash(_("Servizio di nuovo nell'elenco."), "success")
    return redirect(url_for("casework.services"))


# The directory


@bp.route("/cases/services")
@directory_readers
def directory():
    form = DirectorySearchForm(formdata=request.args)
    filters = {}
    if form.validate():
        filters = {"kind": form.kind.data, "language": form.language.data, "q": form.q.data}
    municipality_id = current_municipality_id()
    page = paginate(
        directory_query(municipality_id, **filters),
        request.args.get("page", 1, type=int),
        PER_PAGE,
    )
    args = {key: value for key, value in filters.items() if value}
    return render_template(
        "casework/directory.html",
        form=form,
        results=page,
        owners=municipality_names(page.items),
        args=args,
        municipality_id=municipality_id,
        kind_labels=SERVICE_KIND_LABELS,
        may_edit=current_user.role == Role.STAFF,
    )
