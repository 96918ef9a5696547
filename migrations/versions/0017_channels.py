"""channels: how texts reach a person (user.channel) and went (message.channel, meta)

Revision ID: 0017_channels
Revises: 0016_event_translations
Create Date: 2026-12-07 15:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017_channels"
down_revision = "0016_event_translations"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=10), nullable=False, server_default="sms")
        )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=10), nullable=False, server_default="sms")
        )
        batch_op.add_column(sa.Column("meta", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("meta")
        batch_op.drop_column("channel")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("channel")
