"""Dashboards, exports and certificates."""

from civic_app.reports import bp  # noqa: F401
from civic_app.reports.models import Certificate  # noqa: F401
