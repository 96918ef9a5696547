"""Shared ground: base models, roles and scoping, audit, clock, i18n, errors."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from civic_app.core import views  # noqa: E402, F401
