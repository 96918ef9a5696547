"""community events and series may be translated like projects: translations

Revision ID: 0016_event_translations
Revises: 0015_municipality_names
Create Date: 2026-12-07 12:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016_event_translations"
down_revision = "0015_municipality_names"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("community_event", "event_series"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=True))


def downgrade():
    for table in ("event_series", "community_event"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("translations")
