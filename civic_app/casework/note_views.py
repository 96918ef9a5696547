"""(being written)"""

from civic_app.casework import bp  # noqa: F401
