"""Writing the audit trail. Callers commit with the change they audit."""

from flask import has_request_context, request
from flask_login import current_user

from civic_app.core.clock import now
from civic_app.core.models import AuditEvent
from civic_app.extensions import db


def _values(action: str, target, actor, municipality_id: int | None, details: dict | None):
    """The columns of one AuditEvent (the actor defaults to whoever is logged in)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if municipality_id is None:
        municipality_id = getattr(target, "municipality_id", None) or getattr(
            actor, "municipality_id", None
        )
    return dict(
        created_at=now(),
        actor_id=getattr(actor, "id", None),
        actor_role=str(actor.role) if actor is not None else None,
        municipality_id=municipality_id,
        action=action,
        target_type=type(target).__tablename__ if target is not None else None,
        target_id=getattr(target, "id", None),
        ip=request.remote_addr if has_request_context() else None,
        details=details or {},
    )


def record(
    action: str,
    target=None,
    *,
    actor=None,
    municipality_id: int | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Add an AuditEvent for `action` on `target` (a model object or None) and flush."""
    ev = AuditEvent(**_values(action, target, actor, municipality_id, details))
    db.session.add(ev)
    db.session.flush()
    return ev


def record_each(action: str, targets, *, actor=None, details: dict | None = None) -> None:
    """An AuditEvent for `action` on each of `targets`, all in one INSERT (a page that
    shows many audited records: the rows are not needed back)."""
    rows = [_values(action, target, actor, None, details) for target in targets]
    if rows:
        db.session.execute(db.insert(AuditEvent), rows)
