"""Housing pages: dwellings, their works and occupancy, and the measures of a case."""

from civic_app.housing import bp  # noqa: F401
from civic_app.housing import models as _models  # noqa: F401
