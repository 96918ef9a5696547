"""messages say what they ask and until when: question, expires_at

Revision ID: 0011_message_questions
Revises: 0010_audit_append_only
Create Date: 2026-12-06 20:30:00

"""

import sqlalchemy as sa
from alembic import op

import civic_app.core.types

revision = "0011_message_questions"
down_revision = "0010_audit_append_only"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question", sa.String(length=12), nullable=True))
        batch_op.add_column(
            sa.Column("expires_at", civic_app.core.types.UTCDateTime(), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
        batch_op.drop_column("question")
