"""attendance_month: the monthly attendance summary, filled from the raw rows

Revision ID: 0018_attendance_month
Revises: 0017_channels
Create Date: 2026-12-07 23:00:00

"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

revision = "0018_attendance_month"
down_revision = "0017_channels"
branch_labels = None
depends_on = None

MARKS = ("present", "late", "left_early", "absent", "excused")
WAS_THERE = ("present", "late", "left_early")

attendance = sa.table(
    "attendance",
    sa.column("municipality_id", sa.Integer),
    sa.column("participant_id", sa.Integer),
    sa.column("project_id", sa.Integer),
    sa.column("session_starts_at", sa.DateTime),
    sa.column("mark", sa.String),
    sa.column("hours", sa.Numeric(5, 2)),
)


def upgrade():
    op.create_table(
        "attendance_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        *(sa.Column(mark, sa.Integer(), nullable=False) for mark in MARKS),
        sa.Column("hours", sa.Numeric(precision=8, scale=2), nullable=False),
        *(
            sa.Column(f"hours_{mark}", sa.Numeric(precision=8, scale=2), nullable=False)
            for mark in WAS_THERE
        ),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.ForeignKeyConstraint(["participant_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("municipality_id", "participant_id", "project_id", "month"),
    )
    op.create_index(
        "ix_attendance_month_municipality_month",
        "attendance_month",
        ["municipality_id", "month"],
        unique=False,
    )
    fill()


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"] if has_app_context() else "Europe/Rome")


def _utc(value) -> datetime:
    # Naive UTC (SQLite may give the stored text).
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def fill():
    """One INSERT ... SELECT ... GROUP BY over every raw row, the local month given by a
    CASE over the months' boundaries in UTC (computed here, exact across DST)."""
    bind = op.get_bind()
    first, last = bind.execute(
        sa.select(
            sa.func.min(attendance.c.session_starts_at), sa.func.max(attendance.c.session_starts_at)
        )
    ).one()
    if first is None:
        return
    zone = _zone()
    local_first, local_last = _utc(first).astimezone(zone), _utc(last).astimezone(zone)
    year, number = local_first.year, local_first.month
    whens = []
    while (year, number) < (local_last.year, local_last.month):
        after = date(year + number // 12, number % 12 + 1, 1)
        # Stored as naive UTC on both databases (core.types.UTCDateTime).
        local = datetime(after.year, after.month, 1, tzinfo=zone)
        boundary = local.astimezone(UTC).replace(tzinfo=None)
        whens.append(
            (attendance.c.session_starts_at < boundary, sa.literal(f"{year:04d}-{number:02d}"))
        )
        year, number = after.year, after.month
    label = sa.literal(f"{year:04d}-{number:02d}")
    month = sa.case(*whens, else_=label) if whens else label
    mark, hours = attendance.c.mark, attendance.c.hours
    keys = (attendance.c.municipality_id, attendance.c.participant_id, attendance.c.project_id)
    source = sa.select(
        *keys,
        month,
        *(sa.func.count(sa.case((mark == m, 1))) for m in MARKS),
        sa.func.coalesce(sa.func.sum(hours), 0),
        *(
            sa.func.coalesce(sa.func.sum(sa.case((mark == m, hours), else_=0)), 0)
            for m in WAS_THERE
        ),
    ).group_by(*keys, month)
    columns = ["municipality_id", "participant_id", "project_id", "month", *MARKS, "hours"]
    columns += [f"hours_{m}" for m in WAS_THERE]
    summary = sa.table("attendance_month", *(sa.column(c) for c in columns))
    bind.execute(summary.insert().from_select(columns, source))


def downgrade():
    with op.batch_alter_table("attendance_month", schema=None) as batch_op:
        batch_op.drop_index("ix_attendance_month_municipality_month")
    op.drop_table("attendance_month")
