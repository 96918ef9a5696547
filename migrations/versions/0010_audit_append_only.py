"""audit trail append-only in PostgreSQL itself: UPDATE and DELETE raise

The application already refuses to change audit rows through the ORM; this
trigger also refuses raw SQL from any client of the production database.

Revision ID: 0010_audit_append_only
Revises: 0009_indexes_for_scale
Create Date: 2026-11-27 06:20:00

"""

from alembic import op

revision = "0010_audit_append_only"
down_revision = "0009_indexes_for_scale"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'audit events are append-only';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        """
        CREATE TRIGGER audit_event_append_only
        BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
        """
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
    op.execute("DROP FUNCTION audit_event_append_only()")
