"""Roles, named permission checks and municipality scoping, in one place.

Every staff and tutor view goes through `roles_required` and loads records with
`get_scoped_or_404` / `scoped_select`, so a record of another municipality is
simply not found.
"""

import enum
from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from civic_app.extensions import db, login_manager


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    TUTOR = "tutor"
    STAFF = "staff"
    COORDINATOR = "coordinator"
    #: A member of a one-stop shop's or mobile unit's team ("operatore").
    CASEWORKER = "caseworker"
    #: A person taken in charge by a unit who is not (yet) a participant; never logs in.
    #: A referral to civic engagement, once accepted, makes them a participant.
    IN_CARE = "in_care"


#: Roles that work inside one municipality.
MUNICIPAL_ROLES = frozenset(
    {Role.PARTICIPANT, Role.TUTOR, Role.STAFF, Role.CASEWORKER, Role.IN_CARE}
)

#: What an account may do beyond its role, kept in `User.grants`.
#: casework: a staff member who is also on the case team (reads cases and notes);
#: housing: manages dwellings and housing measures.
GRANTS = ("casework", "housing")


def roles_required(*roles: Role) -> Callable:
    """Let in only logged-in users with one of `roles`.

    :raise 401: (redirect to the login page) when nobody is logged in.
    :raise 403: when the user has another role.
    """
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                from civic_app.core.audit import record

                record("auth.forbidden", details={"endpoint": view.__name__})
                db.session.commit()
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def current_municipality_id() -> int:
    """The municipality the logged-in staff member, tutor or participant works in.

    :raise 403: for a user without one (a coordinator reads only aggregates).
    """
    municipality_id = getattr(current_user, "municipality_id", None)
    if municipality_id is None:
        abort(403)
    return municipality_id


def scoped_select(model):
    """`select(model)` limited to the current user's municipality."""
    return db.select(model).where(model.municipality_id == current_municipality_id())


def get_scoped_or_404(model, ident: int):
    """Load one record of the current user's municipality.

    :raise 404: when it does not exist or belongs to another municipality (the
        two are indistinguishable on purpose).
    """
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    municipality_id = current_municipality_id()
    if obj.municipality_id != municipality_id:
        _audit_out_of_scope(obj, municipality_id)
        abort(404)
    return obj


def _audit_out_of_scope(obj, municipality_id: int) -> None:
    """Record a reach into another municipality's record (the person only sees a 404)."""
    from civic_app.core.audit import record

    # The request ends in a 404: nothing it did so far is kept, only this row.
    db.session.rollback()
    record(
        "auth.out_of_scope",
        obj,
        municipality_id=municipality_id,
        details={"record_municipality_id": obj.municipality_id},
    )
    db.session.commit()


def can_work_cases(user) -> bool:
    """Caseworkers, and staff who are also on the case team, read and write cases."""
    if not user.is_authenticated:
        return False
    return user.role == Role.CASEWORKER or (user.role == Role.STAFF and user.has_grant("casework"))


def allowed_by(check: Callable) -> Callable:
    """A decorator that lets in only those for whom `check(user)` is true.

    :raise 401: (redirect to the login page) when nobody is logged in.
    :raise 403: for everyone else, audited as a refusal.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not check(current_user):
                from civic_app.core.audit import record

                record("auth.forbidden", details={"endpoint": view.__name__})
                db.session.commit()
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


#: Let in only those who `can_work_cases` (401 for nobody, 403 audited for others).
casework_required = allowed_by(can_work_cases)


def can_manage_housing(user) -> bool:
    """Staff and caseworkers with the housing grant manage dwellings and measures."""
    if not user.is_authenticated:
        return False
    return user.role in (Role.STAFF, Role.CASEWORKER) and user.has_grant("housing")


#: Let in only those who `can_manage_housing` (401 for nobody, 403 audited for others).
housing_required = allowed_by(can_manage_housing)


def can_see_outbox(user) -> bool:
    return user.is_authenticated and user.role == Role.STAFF
